"""Per-source configuration: the options every harvester of ours accepts,
checked with clear errors, with the portal-wide defaults of
config_declaration.yaml."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.ecologie.organizations import types as organization_types


class ConfigError(ValueError):
    """A per-source configuration that cannot be used; the message says why."""


@dataclass(frozen=True)
class SourceConfig:
    timeout: float
    retries: int
    backoff: float
    max_bytes: int
    max_pages: int
    max_deletion_share: float
    organization_type: str | None
    publishers_to_organizations: bool
    publisher_mapping: dict[str, dict[str, str]]
    extra: dict[str, Any] = field(default_factory=dict)


def _number(name: str, value: Any, minimum: float, maximum: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(tk._("{name} must be a number").format(name=name))
    if value < minimum or (maximum is not None and value > maximum):
        if maximum is None:
            raise ConfigError(tk._("{name} must be at least {minimum}").format(name=name, minimum=minimum))
        raise ConfigError(
            tk._("{name} must be between {minimum} and {maximum}").format(name=name, minimum=minimum, maximum=maximum)
        )
    return value


def publisher_mapping(value: Any) -> dict[str, dict[str, str]]:
    """{"publisher name or URI": "org-name" | {"organization": ..., "type": ...}}"""
    if not isinstance(value, dict):
        raise ConfigError(tk._("publisher_mapping must be an object of publisher: organisation"))
    mapping: dict[str, dict[str, str]] = {}
    for publisher, target in value.items():
        entry = {"organization": target} if isinstance(target, str) else target
        if not isinstance(entry, dict) or not isinstance(entry.get("organization"), str):
            raise ConfigError(
                tk._("publisher_mapping: {publisher} needs an organisation name").format(publisher=publisher)
            )
        if entry.get("type") and entry["type"] not in organization_types.TYPES:
            raise ConfigError(_unknown_type(entry["type"]))
        mapping[str(publisher)] = {key: str(entry[key]) for key in ("organization", "type") if entry.get(key)}
    return mapping


def _unknown_type(value: str) -> str:
    return tk._("Unknown organisation type: {value}. Choose one of: {types}").format(
        value=value, types=", ".join(organization_types.TYPES)
    )


COMMON_KEYS = frozenset(
    {
        "timeout",
        "retries",
        "backoff",
        "max_size_mb",
        "max_deletion_share",
        "organization_type",
        "publishers_to_organizations",
        "publisher_mapping",
    }
)

# A harvester's own keys: name -> checker returning the cleaned value.
Checkers = dict[str, Callable[[Any], Any]]


def load(raw: str | None, checkers: Checkers | None = None) -> SourceConfig:
    """The configuration of a source (a JSON object, possibly empty)."""
    checkers = checkers or {}
    try:
        given = json.loads(raw) if raw and raw.strip() else {}
    except ValueError as error:
        raise ConfigError(tk._("The configuration is not valid JSON: {error}").format(error=error)) from error
    if not isinstance(given, dict):
        raise ConfigError(tk._("The configuration must be a JSON object"))
    unknown = sorted(set(given) - COMMON_KEYS - set(checkers))
    if unknown:
        allowed = ", ".join(sorted(COMMON_KEYS | set(checkers)))
        raise ConfigError(
            tk._("Unknown configuration keys: {keys}. Allowed: {allowed}").format(
                keys=", ".join(unknown), allowed=allowed
            )
        )
    config = tk.config
    organization_type = given.get("organization_type")
    if organization_type is not None and organization_type not in organization_types.TYPES:
        raise ConfigError(_unknown_type(str(organization_type)))
    to_organizations = given.get("publishers_to_organizations", True)
    if not isinstance(to_organizations, bool):
        raise ConfigError(tk._("publishers_to_organizations must be true or false"))
    return SourceConfig(
        timeout=_number("timeout", given.get("timeout", config.get("ckanext.ecologie.harvest.timeout")), 0.1, 600),
        retries=int(_number("retries", given.get("retries", config.get("ckanext.ecologie.harvest.retries")), 0, 10)),
        backoff=_number("backoff", given.get("backoff", config.get("ckanext.ecologie.harvest.backoff")), 0, 300),
        max_bytes=int(
            _number("max_size_mb", given.get("max_size_mb", config.get("ckanext.ecologie.harvest.max_size_mb")), 0.001)
            * 1024
            * 1024
        ),
        max_pages=int(config.get("ckanext.ecologie.harvest.max_pages")),
        max_deletion_share=_number(
            "max_deletion_share",
            given.get("max_deletion_share", config.get("ckanext.ecologie.harvest.max_deletion_share")),
            0,
            1,
        ),
        organization_type=organization_type,
        publishers_to_organizations=to_organizations,
        publisher_mapping=publisher_mapping(given.get("publisher_mapping", {})),
        extra={name: check(given[name]) for name, check in checkers.items() if name in given},
    )


def positive_int(name: str, maximum: int) -> Callable[[Any], int]:
    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= maximum:
            raise ConfigError(
                tk._("{name} must be a whole number from 1 to {maximum}").format(name=name, maximum=maximum)
            )
        return value

    return check


def one_of(name: str, choices: tuple[str, ...]) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if value not in choices:
            raise ConfigError(tk._("{name} must be one of: {choices}").format(name=name, choices=", ".join(choices)))
        return value

    return check


def strings(name: str) -> Callable[[Any], list[str]]:
    """A string or a list of non-empty strings."""

    def check(value: Any) -> list[str]:
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list) or not values or not all(isinstance(v, str) and v.strip() for v in values):
            raise ConfigError(tk._("{name} must be a text or a list of texts").format(name=name))
        return [v.strip() for v in values]

    return check
