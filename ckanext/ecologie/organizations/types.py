"""Organisation types, stored in the organisation's extras.

Datasets are faceted on their organisation's type; the indexer asks
`type_of()` for every dataset, so all types are read in one query and kept
for `ckanext.ecologie.themes.cache_seconds`.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk

EXTRA_KEY = "organization_type"
TYPES = (
    "administration-centrale",
    "service-deconcentre",
    "operateur",
    "collectivite",
    "association",
    "gip",
    "entreprise",
    "autre",
)

_lock = threading.Lock()
_types: dict[str, str] = {}
_read_at = 0.0


def labels() -> dict[str, str]:
    """Translated labels, in the order of TYPES."""
    _ = tk._
    return {
        "administration-centrale": _("Central administration"),
        "service-deconcentre": _("Devolved state service"),
        "operateur": _("Public operator"),
        "collectivite": _("Local authority"),
        "association": _("Association"),
        "gip": _("Public interest group (GIP)"),
        "entreprise": _("Company"),
        "autre": _("Other"),
    }


def label(type_id: str) -> str:
    return labels().get(type_id, type_id)


def type_of(organization_id: str | None) -> str | None:
    global _types, _read_at
    if not organization_id:
        return None
    now = time.monotonic()
    if now - _read_at >= tk.config.get("ckanext.ecologie.themes.cache_seconds"):
        rows = model.Session.query(model.Group.id, model.Group.extras[EXTRA_KEY].astext).filter(
            model.Group.is_organization.is_(True), model.Group.extras.has_key(EXTRA_KEY)
        )
        fresh = {group_id: value for group_id, value in rows}
        with _lock:
            # one assignment: readers on other threads see the old dict or the
            # new one, never one half filled
            _types = fresh
            _read_at = now
    return _types.get(organization_id)


def forget() -> None:
    global _read_at
    with _lock:
        _read_at = 0.0


def validate(data_dict: dict[str, Any], stored_extras: dict[str, str]) -> None:
    """Move a valid `organization_type` into the extras (keeping the other
    stored extras when none are given); raise on a bad one."""
    if EXTRA_KEY not in data_dict:
        return
    value = data_dict.pop(EXTRA_KEY) or ""
    if value and value not in TYPES:
        message = tk._("Unknown organisation type: {value}. Choose one of: {types}")
        raise tk.ValidationError({EXTRA_KEY: [message.format(value=value, types=", ".join(TYPES))]})
    given = data_dict.get("extras")
    if given is None:
        given = [{"key": key, "value": stored} for key, stored in stored_extras.items()]
    extras = [extra for extra in given if extra.get("key") != EXTRA_KEY]
    if value:
        extras.append({"key": EXTRA_KEY, "value": value})
    data_dict["extras"] = extras


def expose(org_dict: dict[str, Any]) -> dict[str, Any]:
    """Show the type as a top-level field, as it is given."""
    for extra in org_dict.get("extras") or []:
        if extra.get("key") == EXTRA_KEY:
            org_dict[EXTRA_KEY] = extra.get("value")
    return org_dict
