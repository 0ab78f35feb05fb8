"""Per-source configuration: the JSON object of a harvest source, checked by
its navl schema (schema.py) with the portal-wide defaults of
config_declaration.yaml, as the settings the harvest reads."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Schema

from ckanext.ecologie.harvest import schema


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


def load(raw: str | None, harvester_keys: Schema | None = None) -> SourceConfig:
    """The configuration of a source (a JSON object, possibly empty);
    `harvester_keys`: the schema fragment of the harvester's own keys."""
    try:
        given = json.loads(raw) if raw and raw.strip() else {}
    except ValueError as error:
        raise ConfigError(tk._("The configuration is not valid JSON: {error}").format(error=error)) from error
    if not isinstance(given, dict):
        raise ConfigError(tk._("The configuration must be a JSON object"))
    checks = schema.source_config(harvester_keys)
    data, errors = tk.navl_validate(given, checks)
    if errors:  # all of them, in the schema's order (unknown keys first)
        raise ConfigError("; ".join(message for key in checks for message in errors.get(key, [])))
    return SourceConfig(
        timeout=data["timeout"],
        retries=int(data["retries"]),
        backoff=data["backoff"],
        max_bytes=int(data["max_size_mb"] * 1024 * 1024),
        max_pages=int(tk.config.get("ckanext.ecologie.harvest.max_pages")),
        max_deletion_share=data["max_deletion_share"],
        organization_type=data.get("organization_type"),
        publishers_to_organizations=data["publishers_to_organizations"],
        publisher_mapping=data["publisher_mapping"],
        extra={name: data[name] for name in harvester_keys or {} if name in data},
    )


def publisher_mapping(value: Any) -> dict[str, dict[str, str]]:
    """A publisher mapping (a source's `publisher_mapping`, the portal's
    mapping file) in its checked form."""
    try:
        return schema.publisher_mapping(value)
    except tk.Invalid as error:
        raise ConfigError(error.error) from None
