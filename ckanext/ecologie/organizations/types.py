"""Organisation types, stored in the organisation's extras (see
`organizations/schema.py`).

Datasets are faceted on their organisation's type; the indexer asks
`type_of()` for every dataset, so all types are read in one query and kept
for `ckanext.ecologie.themes.cache_seconds`.
"""

from __future__ import annotations

import threading
import time

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
