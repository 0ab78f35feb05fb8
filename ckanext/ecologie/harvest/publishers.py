"""Publisher of a harvested record -> CKAN organisation: a configured mapping
(the source's, then the portal's file, by URI or name), else an organisation
named after the publisher's name, created with the source's organisation
type when absent. A publisher known only by a URI (an API contact, a
directory entry) names no organisation: the record stays in the source's."""

from __future__ import annotations

import logging
import os
import re
import threading
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
import yaml
from ckan.lib.munge import munge_title_to_name

from ckanext.ecologie.contexts import site_context
from ckanext.ecologie.harvest.config import ConfigError, SourceConfig, publisher_mapping
from ckanext.ecologie.harvest.locks import advisory_lock

log = logging.getLogger(__name__)

_lock = threading.Lock()
# Addresses a catalogue may put where a name belongs: URI, e-mail, blank node.
_NOT_A_NAME = re.compile(r"[a-z][a-z0-9+.-]*://\S*|(?:urn|mailto|tel):\S*|[^@\s]+@[^@\s]+|_:\S*", re.IGNORECASE)
_portal_mapping: tuple[str, float, dict[str, dict[str, str]]] | None = None


def portal_mapping() -> dict[str, dict[str, str]]:
    """The mapping file of `ckanext.ecologie.harvest.publisher_mapping`,
    read again when it changes."""
    global _portal_mapping
    path = tk.config.get("ckanext.ecologie.harvest.publisher_mapping")
    if not path:
        return {}
    mtime = os.path.getmtime(path)
    with _lock:
        if _portal_mapping is None or _portal_mapping[:2] != (path, mtime):
            with open(path, encoding="utf-8") as stream:
                try:
                    mapping = publisher_mapping(yaml.safe_load(stream) or {})
                except ConfigError as error:
                    raise ConfigError(f"{path}: {error}") from None
            _portal_mapping = (path, mtime, mapping)
        return _portal_mapping[2]


def _lookup(mapping: dict[str, dict[str, str]], keys: list[str]) -> dict[str, str] | None:
    folded = {key.casefold(): value for key, value in mapping.items()}
    for key in keys:
        if key in mapping:
            return mapping[key]
        if key.casefold() in folded:
            return folded[key.casefold()]
    return None


def _existing(name: str, title: str | None) -> str | None:
    query = model.Session.query(model.Group.id).filter(
        model.Group.is_organization.is_(True), model.Group.state == "active"
    )
    found = query.filter(model.Group.name == name).first()
    if found is None and title:
        found = query.filter(model.Group.title == title).first()
    return found.id if found else None


def _create(name: str, title: str, organization_type: str | None, uri: str | None) -> str:
    with advisory_lock(f"organization:{name}"):
        existing = _existing(name, None)
        if existing:
            return existing
        data: dict[str, Any] = {"name": name, "title": title}
        if organization_type:
            data["organization_type"] = organization_type
        created = tk.get_action("organization_create")(site_context(), data)
        log.info("created organisation %s for publisher %s", name, uri or title)
        return created["id"]


def publisher_name(value: str | None) -> str | None:
    """The publisher's name, or None when the value is an address instead."""
    name = (value or "").strip()
    return name if name and not _NOT_A_NAME.fullmatch(name) else None


def organization_for(name: str | None, uri: str | None, config: SourceConfig, fallback: str | None) -> str | None:
    """The id of the record's organisation; `fallback` (the source's owner)
    when the record names no publisher (a URI alone is no name) or the
    source keeps its own."""
    name = publisher_name(name)
    keys = [key for key in (uri, name) if key]
    if not config.publishers_to_organizations or not keys:
        return fallback
    entry = _lookup(config.publisher_mapping, keys) or _lookup(portal_mapping(), keys)
    if not entry and not name:
        return fallback
    organization_type = (entry or {}).get("type") or config.organization_type
    org_name = entry["organization"] if entry else munge_title_to_name(name or "")[:100].strip("-")
    if not org_name:
        return fallback
    title = name or org_name
    return _existing(org_name, None if entry else title) or _create(org_name, title, organization_type, uri)
