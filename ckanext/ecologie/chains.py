"""The capabilities' tables of actions and auth functions, merged into the
plugin's. Two actions of one name would silently drop one; several auth
functions chaining one name (bouquets and harvest sources both have rules
on package_create) are chained into one, as CKAN takes one per plugin."""

from __future__ import annotations

import functools
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import AuthFunction, AuthResult, Context, DataDict


def _chain(functions: list[Any]) -> Any:
    if not all(getattr(function, "chained_auth_function", False) for function in functions):
        names = ", ".join(function.__name__ for function in functions)
        raise ValueError(f"an auth function is defined twice in ckanext-ecologie: {names}")

    @tk.chained_auth_function
    def chained(next_auth: AuthFunction, context: Context, data_dict: DataDict) -> AuthResult:
        handler: Any = next_auth
        for function in reversed(functions):
            handler = functools.partial(function, handler)  # the first rule asks the second, the last asks CKAN
        return handler(context, data_dict)

    if all(getattr(function, "auth_allow_anonymous_access", False) for function in functions):
        chained = tk.auth_allow_anonymous_access(chained)
    chained.__name__ = functions[0].__name__
    return chained


def merge_auth(*tables: dict[str, Any]) -> dict[str, Any]:
    """The capabilities' auth functions; one name in several tables is
    chained, in the order of the tables."""
    by_name: dict[str, list[Any]] = {}
    for table in tables:
        for name, function in table.items():
            by_name.setdefault(name, []).append(function)
    return {name: functions[0] if len(functions) == 1 else _chain(functions) for name, functions in by_name.items()}


def one_each(*tables: dict[str, Any]) -> dict[str, Any]:
    """The capabilities' actions: a name defined twice is an error (chain
    both rules in one place)."""
    merged: dict[str, Any] = {}
    for table in tables:
        twice = merged.keys() & table.keys()
        if twice:
            raise ValueError(f"defined twice in ckanext-ecologie: {', '.join(sorted(twice))}")
        merged.update(table)
    return merged
