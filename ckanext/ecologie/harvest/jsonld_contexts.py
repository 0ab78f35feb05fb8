"""JSON-LD contexts the harvester knows, shipped in the package
(harvest/data/jsonld/, origins in its README.md): a catalogue that names one
by URL gets the shipped copy in its place before parsing. Nothing is ever
fetched; an unknown remote context stays a reference, which rdf.py refuses."""

from __future__ import annotations

import copy
import functools
import json
import os
from typing import Any

DATA = os.path.join(os.path.dirname(__file__), "data", "jsonld")

# context URL without its scheme -> shipped file
SHIPPED = {
    # DCAT-US 1.1 (Project Open Data v1.1), as ArcGIS Hub publishes it
    "project-open-data.cio.gov/v1.1/schema/catalog.jsonld": "dcat-us-1.1-catalog.json",
    "resources.data.gov/schemas/dcat-us/v1.1/schema/catalog.jsonld": "dcat-us-1.1-catalog.json",
}


@functools.cache
def _load(name: str) -> dict[str, Any]:
    with open(os.path.join(DATA, name), encoding="utf-8") as stream:
        return json.load(stream)["@context"]


def shipped(url: str) -> dict[str, Any] | None:
    """The shipped context a URL names, or None."""
    key = url.strip().split("://", 1)[-1]
    name = SHIPPED.get(key)
    return copy.deepcopy(_load(name)) if name else None


def _context(value: Any) -> Any:
    if isinstance(value, str):
        return shipped(value) or value
    if isinstance(value, list):
        return [_context(item) if isinstance(item, str) else item for item in value]
    return value  # an inline context: kept, with any @import in it


def substitute(node: Any) -> Any:
    """A copy of a JSON-LD document with every known remote context inlined."""
    if isinstance(node, list):
        return [substitute(item) for item in node]
    if not isinstance(node, dict):
        return node
    return {key: _context(value) if key == "@context" else substitute(value) for key, value in node.items()}
