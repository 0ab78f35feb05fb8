"""The capabilities' tables of actions and auth functions, merged into the
plugin's. Several chains of one name (bouquets and harvest sources both have
rules on package_create; the access rules and the parameter checks both
chain package_collaborator_list) are chained into one, as CKAN takes one per
plugin; two plain functions of one name are an error: one would be dropped
silently."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Context, DataDict


@dataclass(frozen=True)
class _Kind:
    what: str  # for the error message
    chain_flag: str  # set by tk.chained_action / tk.chained_auth_function
    mark_chain: Callable[[Any], Any]
    carried_flag: str  # kept when every chain has it
    mark_carried: Callable[[Any], Any]


def _chain(kind: _Kind, functions: list[Any]) -> Any:
    if not all(getattr(function, kind.chain_flag, False) for function in functions):
        names = ", ".join(function.__name__ for function in functions)
        raise ValueError(f"{kind.what} is defined twice in ckanext-ecologie: {names}")

    def chained(following: Any, context: Context, data_dict: DataDict) -> Any:
        handler: Any = following
        for function in reversed(functions):
            handler = functools.partial(function, handler)  # the first asks the second, the last CKAN's
        return handler(context, data_dict)

    chained = kind.mark_chain(chained)
    if all(getattr(function, kind.carried_flag, False) for function in functions):
        chained = kind.mark_carried(chained)
    chained.__name__ = functions[0].__name__
    return chained


def _merge(kind: _Kind, tables: tuple[dict[str, Any], ...]) -> dict[str, Any]:
    by_name: dict[str, list[Any]] = {}
    for table in tables:
        for name, function in table.items():
            by_name.setdefault(name, []).append(function)
    return {name: found[0] if len(found) == 1 else _chain(kind, found) for name, found in by_name.items()}


ACTIONS = _Kind("an action", "chained_action", tk.chained_action, "side_effect_free", tk.side_effect_free)
AUTH_FUNCTIONS = _Kind(
    "an auth function",
    "chained_auth_function",
    tk.chained_auth_function,
    "auth_allow_anonymous_access",
    tk.auth_allow_anonymous_access,
)


def merge_actions(*tables: dict[str, Any]) -> dict[str, Any]:
    """One name in several tables is chained, in the order of the tables."""
    return _merge(ACTIONS, tables)


def merge_auth(*tables: dict[str, Any]) -> dict[str, Any]:
    """One name in several tables is chained, in the order of the tables."""
    return _merge(AUTH_FUNCTIONS, tables)
