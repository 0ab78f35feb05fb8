"""The datasets of an import batch (batching.py) indexed in one Solr request.

With batches of one record, each import indexes its dataset as CKAN does,
one request per dataset. With larger batches, a fetch consumer indexes the
datasets its batch imported once the batch is done, in one request
(search_documents.py), and only then stores each record's content hash:
the hash is the receipt of an import that is searchable. Until then the
record's hash is `PENDING`, which matches no content: a batch whose
consumer was killed, or whose request Solr refused, is imported again by
the next harvest (and indexed then) instead of being skipped as unchanged.
"""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan import logic
from ckan.lib.search import SearchIndexError
from ckanext.harvest.model import HarvestObject, HarvestObjectError

from ckanext.ecologie.contexts import site_context
from ckanext.ecologie.harvest import indexing
from ckanext.ecologie.harvest.model import HarvestRecord
from ckanext.ecologie.search_documents import Shown, index_many

log = logging.getLogger(__name__)

PENDING = ""  # a content hash that no record has


@dataclass(frozen=True)
class Receipt:
    """What to store once a record's dataset is searchable."""

    source_id: str
    identifier: str
    content_hash: str
    harvest_object_id: str


# The datasets imported in the open batch, by id; None when no batch is open.
_imported: contextvars.ContextVar[dict[str, Receipt] | None] = contextvars.ContextVar(
    "ecologie_batch_index", default=None
)


def is_open() -> bool:
    return _imported.get() is not None


@contextmanager
def one_request_per_batch() -> Iterator[None]:
    """Imports inside are indexed together at its end (the outermost one's)."""
    if is_open():
        yield
        return
    imported: dict[str, Receipt] = {}
    token = _imported.set(imported)
    try:
        yield
    finally:
        _imported.reset(token)
        _index(imported)


def imported(package_id: str, receipt: Receipt) -> None:
    """A dataset of the open batch, committed with a `PENDING` hash."""
    batch = _imported.get()
    if batch is None:
        raise RuntimeError("no import batch is open")
    batch[package_id] = receipt


def _index(imported: dict[str, Receipt]) -> None:
    if not imported:
        return
    try:
        shown = _send(list(imported))
        # Outside the record locks, another consumer may have updated one
        # of them (a record merged from two sources) and indexed it before
        # this request landed with the older state: those are sent again.
        changed = _changed_since(shown)
        if changed:
            _send(changed)
    except SearchIndexError:
        log.exception("Indexing a batch of %d harvested datasets failed", len(imported))
        _not_searchable(imported.values())
        return
    for receipt in imported.values():
        model.Session.query(HarvestRecord).filter_by(
            source_id=receipt.source_id, identifier=receipt.identifier, content_hash=PENDING
        ).update({"content_hash": receipt.content_hash}, synchronize_session=False)
    model.Session.commit()
    for _ in shown:
        indexing.batcher.indexed()


def _send(package_ids: list[str]) -> list[Shown]:
    context = site_context()
    shown = []
    for package_id in package_ids:
        try:
            shown.append(logic.package_show_default_and_custom_schemas(context, package_id))
        except tk.ObjectNotFound:
            continue  # deleted since, by another import or an editor: nothing to index
    index_many(shown)
    return shown


def _changed_since(shown: list[Shown]) -> list[str]:
    sent = {indexed["id"]: indexed["metadata_modified"] for indexed, _ in shown}
    stored = model.Session.query(model.Package.id, model.Package.metadata_modified).filter(
        model.Package.id.in_(list(sent))
    )
    return [package_id for package_id, modified in stored if modified.isoformat() != sent[package_id]]


def _not_searchable(receipts: Iterable[Receipt]) -> None:
    """The report says which records were imported but not indexed; their
    hashes stay `PENDING`, so the next harvest imports them again."""
    message = tk._(
        "Imported, but the search index refused it (see the fetch consumer's log): the next harvest indexes it"
    )
    for receipt in receipts:
        object_id = receipt.harvest_object_id
        if model.Session.get(HarvestObject, object_id) is not None:
            model.Session.add(HarvestObjectError(harvest_object_id=object_id, message=message, stage="Import"))
    model.Session.commit()
