"""Pages served unchanged since they were last read are not parsed again.

Parsing is most of a re-harvest (rdflib and ckanext-dcat's profiles take
about 10 ms a record). A page whose bytes, and whatever else shapes the
import, are the same as last time holds the same records: when each of them
was imported from exactly that content (its stored hash says so) and its
dataset is still active, the whole page is "not modified" without parsing.
Anything else (a record that failed, a deleted dataset, another digest)
reads the page as usual; then the records read from the same triples as
last time (record_digests.py) are taken as they were, without running the
profiles again.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

import ckan.model as model

from ckanext.ecologie.harvest.model import HarvestPage, HarvestRecord
from ckanext.ecologie.harvest.records import KnownRecord, Record, RecordError


@dataclass
class ReadPage:
    """A page read and parsed, with what it takes to remember it."""

    items: list[Record | KnownRecord | RecordError]
    url: str
    digest: str
    next_url: str | None


@dataclass
class KnownPage:
    """A page served as it was last time: its records' hashes by identifier."""

    url: str
    next_url: str | None
    hashes: dict[str, str] = field(default_factory=dict)


def page_digest(body: bytes, reading_context: str) -> str:
    """The page's bytes and what else shapes its records (record_digests.py
    `reading_context`: the source, settings, code and versions)."""
    return hashlib.sha256(reading_context.encode("utf-8") + b"\0" + body).hexdigest()


def _imported(source_id: str, hashes: dict[str, str]) -> dict[str, str]:
    """Of these records, those whose active dataset was imported from the
    content of that hash, with their hash."""
    rows = (
        model.Session.query(HarvestRecord.identifier, HarvestRecord.content_hash)
        .join(model.Package, model.Package.id == HarvestRecord.package_id)
        .filter(
            HarvestRecord.source_id == source_id,
            HarvestRecord.identifier.in_(list(hashes)),
            model.Package.state == "active",
        )
        .all()
    )
    return {identifier: stored for identifier, stored in rows if hashes[identifier] == stored}


def recall(source_id: str, url: str, digest: str) -> KnownPage | None:
    """The page as last read, when it is unchanged and all its records are
    imported from it; else None."""
    row = model.Session.get(HarvestPage, (source_id, url))
    if row is None or row.digest != digest:
        return None
    hashes: dict[str, str] = json.loads(row.record_hashes)
    if not hashes or _imported(source_id, hashes) != hashes:
        return None
    return KnownPage(url=url, next_url=row.next_url, hashes=hashes)


def unchanged_records(source_id: str, url: str) -> dict[str, KnownRecord]:
    """The records the page held when last read cleanly, by digest, whose
    dataset is still the one imported from them."""
    row = model.Session.get(HarvestPage, (source_id, url))
    if row is None or not row.record_digests:
        return {}
    hashes: dict[str, str] = json.loads(row.record_hashes)
    imported = _imported(source_id, hashes)
    return {
        digest: KnownRecord(identifier, imported[identifier], uri, digest)
        for digest, (identifier, uri) in json.loads(row.record_digests).items()
        if identifier in imported
    }


def remember(source_id: str, page: ReadPage, hashes: dict[str, str]) -> None:
    """Keep a page read cleanly (committed with the gather's page), with
    its records' digests when it has them."""
    row = model.Session.get(HarvestPage, (source_id, page.url)) or HarvestPage(source_id=source_id, url=page.url)
    row.digest = page.digest
    row.next_url = page.next_url
    row.record_hashes = json.dumps(hashes, sort_keys=True)
    digests = {
        item.digest: [item.identifier, item.uri]
        for item in page.items
        if isinstance(item, (Record, KnownRecord)) and item.digest and item.uri
    }
    row.record_digests = json.dumps(digests, sort_keys=True) if digests else None
    model.Session.add(row)


def forget(source_id: str, url: str) -> None:
    """A page read with errors or duplicates is read in full next time."""
    model.Session.query(HarvestPage).filter_by(source_id=source_id, url=url).delete()
