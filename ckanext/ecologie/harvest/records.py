"""A harvested record, as every harvester hands it to the pipeline: a CKAN
dataset dict in ckanext-dcat's shape (core fields, `extras`, `resources`),
its identifier and a hash of its content."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

# Bump when the mapping or the enrichment changes: every record is then
# imported again once instead of being skipped as unchanged.
PIPELINE_VERSION = "2"


@dataclass
class Record:
    identifier: str
    dataset: dict[str, Any]
    # what an earlier version of the mapping identified this record by: its
    # dataset is kept, under the new identifier (gather.py)
    former_identifier: str | None = None
    # for RDF pages: the digest of what the record was read from
    # (record_digests.py), and the key the page's APIs name the dataset by
    # (its URI, else its identifier)
    digest: str | None = None
    uri: str | None = None


@dataclass
class KnownRecord:
    """A record of a changed page read from the same triples as last time:
    its content hash then, not its dataset (the profiles did not run)."""

    identifier: str
    content_hash: str
    uri: str
    digest: str


@dataclass
class RecordError:
    """A record of the page that could not be read."""

    reference: str
    message: str


def extra(dataset: dict[str, Any], key: str) -> Any:
    for item in dataset.get("extras") or []:
        if item.get("key") == key:
            return item.get("value")
    return None


def set_extra(dataset: dict[str, Any], key: str, value: Any) -> None:
    extras = [item for item in dataset.get("extras") or [] if item.get("key") != key]
    if value not in (None, "", []):
        extras.append({"key": key, "value": value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)})
    dataset["extras"] = extras


def is_uri(value: Any) -> bool:
    """An absolute http(s) or urn URI: whitespace never belongs to one."""
    return (
        isinstance(value, str)
        and value.startswith(("http://", "https://", "urn:"))
        and len(value) > len("urn:")
        and not any(char.isspace() for char in value)
    )


def first_uri(value: Any) -> str | None:
    """The URI a value holds: itself, or its first word when a catalogue
    wrote two addresses in one (GeoNetwork joins URIs with a space)."""
    if not isinstance(value, str):
        return None
    words = value.split()
    return words[0] if words and is_uri(words[0]) else None


def identifier_of(candidates: list[Any], source_id: str, local_id: Any) -> str | None:
    """The first identifier URI among the candidates (the same record from
    two sources then has the same identifier), else one scoped to the
    source, which never merges with another source's records."""
    for candidate in candidates:
        if is_uri(candidate):
            return str(candidate).strip()
    if local_id in (None, ""):
        return None
    return f"urn:ecologie:source:{source_id}:{local_id}"


# rdflib names blank nodes anew at every parse: "N" or "n", 32 hex digits, a suffix
_BLANK_NODE = re.compile(r"\b[Nn][0-9a-f]{32}\w*")


def content_hash(dataset: dict[str, Any], context: dict[str, Any]) -> str:
    """Stable over dict ordering and blank node names; `context` holds what
    else shapes the import (the source's owner and configuration)."""
    canonical = json.dumps([PIPELINE_VERSION, dataset, context], sort_keys=True, ensure_ascii=False, default=str)
    canonical = _BLANK_NODE.sub("N", canonical)
    # a lone surrogate (an escape in the page) is hashed as it is, not refused
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()
