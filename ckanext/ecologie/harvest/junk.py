"""Values a harvested record must never store: blank-node ids (rdflib names
blank nodes anew at every parse, so they mean nothing once stored) and the
portal's own address (ckanext-dcat puts `ckan.site_url` where a record has no
homepage). The DCAT-AP-FR profile reads the nodes' labels instead; what is
left is dropped here, for every harvester."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

import ckan.plugins.toolkit as tk

from ckanext.ecologie.harvest.records import is_uri

log = logging.getLogger(__name__)

# rdflib's blank-node ids: "N" + 32 hex digits (RDF/XML, JSON-LD without a
# label), "n"/"f" + 32 hex digits + "b" + a counter (Turtle, N3); "_:" labels
BLANK_NODE = re.compile(r"_:\S+|N[0-9a-f]{32}|[nf][0-9a-f]{32}b\d+")
_URL = re.compile(r"https?://[^\s\"'<>]+", re.IGNORECASE)
_DEFAULT_PORTS = {"http": 80, "https": 443}
_LOOPBACK = {"localhost", "127.0.0.1", "::1", "0.0.0.0"}
# ckanext-dcat's references to graph nodes, meaningful during a parse only
INTERNAL_KEYS = {"distribution_ref", "access_service_ref"}


def is_blank_node_id(value: Any) -> bool:
    return isinstance(value, str) and BLANK_NODE.fullmatch(value.strip()) is not None


def netloc(url: str) -> str | None:
    """host[:port] of an http(s) address, lower case, default port left out."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() not in _DEFAULT_PORTS or not parts.hostname:
        return None
    host = parts.hostname.lower()
    return host if port in (None, _DEFAULT_PORTS[parts.scheme.lower()]) else f"{host}:{port}"


def portal_netloc() -> str | None:
    return netloc(tk.config.get("ckan.site_url") or "")


def names_portal(value: Any, portal: str | None = None) -> bool:
    """Whether the text is or holds an address of the portal itself."""
    portal = portal if portal is not None else portal_netloc()
    if not portal or not isinstance(value, str):
        return False
    return any(netloc(url) == portal for url in _URL.findall(value))


def is_loopback(url: str) -> bool:
    """An address on the publisher's own machine (a catalogue that does not
    know its public name writes localhost): no reader can open it."""
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return False
    return (host or "").lower() in _LOOPBACK


# an address written inside another's path ("…/resources/https://…"), as
# GeoNetwork builds landing pages from identifiers that are URIs already
_EMBEDDED = re.compile(r"/(?:https?|ftp)(?::|%3A)", re.IGNORECASE)


def _page_key(url: str) -> str:
    parts = urlsplit(url.strip())
    return f"{netloc(url) or ''}{parts.path.rstrip('/')}?{parts.query}#{parts.fragment}"


def site_root(url: str) -> str | None:
    """The home page of the site an address is on."""
    parts = urlsplit(url.strip())
    return f"{parts.scheme}://{parts.netloc}/" if parts.scheme and parts.netloc else None


def usable_link(value: Any, roots: Iterable[str] = ()) -> bool:
    """Whether an address may be given to readers as a record's page: an
    absolute http(s) address, not on the publisher's own machine, not the
    portal's, not a catalogue's home page (`roots`), not two joined in one."""
    if not is_uri(value) or not value.startswith(("http://", "https://")):
        return False
    if is_loopback(value) or names_portal(value) or _EMBEDDED.search(urlsplit(value).path):
        return False
    return _page_key(value) not in {_page_key(root) for root in roots if root}


def is_portal_address(value: Any, portal: str | None) -> bool:
    """A value that is an address of the portal itself, and nothing else (a
    text that mentions one is a text)."""
    return isinstance(value, str) and _URL.fullmatch(value.strip()) is not None and names_portal(value, portal)


def is_junk(value: Any, portal: str | None = None) -> bool:
    """`portal` None: blank-node ids only (a resource on the portal's own
    host is a resource)."""
    return is_blank_node_id(value) or (portal is not None and is_portal_address(value, portal))


def _clean(value: Any, portal: str | None) -> tuple[Any, bool]:
    """(value without its junk, whether anything was dropped). JSON held in a
    string (ckanext-dcat's list extras, access services) is cleaned inside."""
    if isinstance(value, str):
        stripped = value.strip()
        if stripped[:1] in ("[", "{"):
            try:
                decoded = json.loads(stripped)
            except ValueError:
                decoded = None
            if isinstance(decoded, list | dict):
                cleaned, dropped = _clean(decoded, portal)
                return (json.dumps(cleaned, ensure_ascii=False) if dropped else value), dropped
        return (None, True) if is_junk(value, portal) else (value, False)
    if isinstance(value, list):
        items = [_clean(item, portal) for item in value]
        kept = [item for item, _ in items if item not in (None, "", [], {})]
        return kept, any(dropped for _, dropped in items)
    if isinstance(value, dict):
        result: dict[str, Any] = {}
        dropped = False
        for key, item in value.items():
            if key in INTERNAL_KEYS:
                dropped = True
                continue
            cleaned, was_dropped = _clean(item, portal)
            dropped = dropped or was_dropped
            if cleaned not in (None, "", [], {}) or not was_dropped:
                result[key] = cleaned
        return result, dropped
    return value, False


def scrub(dataset: dict[str, Any]) -> None:
    """In place: every blank-node id (fields, extras, resources) and every
    field or extra that is the portal's own address (where ckanext-dcat puts
    `ckan.site_url`), dropped."""
    portal = portal_netloc() or ""
    for key in list(dataset):
        if key in ("extras", "resources"):
            continue
        cleaned, dropped = _clean(dataset[key], portal)
        if dropped:
            log.debug("dropped junk from %s", key)
            dataset[key] = cleaned if cleaned is not None else ""
    extras = []
    for item in dataset.get("extras") or []:
        cleaned, dropped = _clean(item.get("value"), portal)
        if cleaned in (None, "", "[]", "{}", [], {}):
            continue
        extras.append({**item, "value": cleaned} if dropped else item)
    if "extras" in dataset:
        dataset["extras"] = extras
    resources = []
    for resource in dataset.get("resources") or []:
        cleaned, _ = _clean(resource, None)
        resources.append(cleaned)
    if "resources" in dataset:
        dataset["resources"] = resources
