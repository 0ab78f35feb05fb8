"""The datasets of an import batch (batching.py) indexed in one Solr request.

With batches of one record, each import indexes its dataset as CKAN does,
one request per dataset. With larger batches, a fetch consumer indexes the
datasets its batch imported once the batch is done, in one request
(search_documents.py), and only then stores each record's content hash:
the hash is the receipt of an import sent to the index (Solr makes it
searchable at its next commit, within `ckan.search.solr_commit`'s delay).
Until then the record's hash is `PENDING`, which matches no content: a
batch whose consumer was killed, or whose request Solr refused, is imported
again by the next harvest (and indexed then) instead of being skipped as
unchanged.
"""

from __future__ import annotations

import contextvars
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import ckan.model as model
import ckan.plugins.toolkit as tk
import pysolr
import sqlalchemy as sa
from ckan import logic
from ckan.lib.search.common import make_connection
from ckanext.harvest.model import HarvestObject, HarvestObjectError

from ckanext.ecologie.contexts import site_context
from ckanext.ecologie.harvest import indexing
from ckanext.ecologie.harvest.database_wait import database_gone, retried_while_the_database_is_gone
from ckanext.ecologie.harvest.model import HarvestRecord
from ckanext.ecologie.search_documents import Shown, index_many

log = logging.getLogger(__name__)

PENDING = ""  # a content hash that no record has


@dataclass(frozen=True)
class Receipt:
    """What to store once a record's dataset is sent to the index."""

    source_id: str
    identifier: str
    content_hash: str
    harvest_object_id: str


# The records imported in the open batch, by dataset id (records of two
# sources merged into one dataset share it); None when no batch is open.
Receipts = dict[str, list[Receipt]]
_open_batch: contextvars.ContextVar[Receipts | None] = contextvars.ContextVar("ecologie_batch_index", default=None)


def is_open() -> bool:
    return _open_batch.get() is not None


@contextmanager
def one_request_per_batch() -> Iterator[set[str]]:
    """Imports inside are indexed together at its end (the outermost one's).
    It gives the set that then holds the harvest objects not indexed."""
    not_indexed: set[str] = set()
    if is_open():
        yield not_indexed
        return
    receipts: Receipts = {}
    token = _open_batch.set(receipts)
    try:
        yield not_indexed
    finally:
        _open_batch.reset(token)
        if receipts:
            not_indexed |= retried_while_the_database_is_gone(
                lambda: _index(receipts), "the indexing of a harvest batch"
            )


def imported(package_id: str, receipt: Receipt) -> None:
    """A dataset of the open batch, committed with a `PENDING` hash."""
    receipts = _open_batch.get()
    if receipts is None:
        raise RuntimeError("no import batch is open")
    receipts.setdefault(package_id, []).append(receipt)


def imported_before(source_id: str, job_id: str) -> None:
    """An import delivered again once committed: its consumer was killed
    before its batch's indexing, which left the records of that batch (this
    one and those it drained) `PENDING`. They join the open batch."""
    if not is_open():
        return  # their `PENDING` hashes have the next harvest import them again
    pending = (
        model.Session.query(HarvestRecord.package_id, HarvestRecord.identifier, HarvestObject.id, HarvestObject.content)
        .join(
            HarvestObject,
            sa.and_(
                HarvestObject.harvest_source_id == HarvestRecord.source_id,
                HarvestObject.guid == HarvestRecord.identifier,
                HarvestObject.package_id == HarvestRecord.package_id,
                HarvestObject.current.is_(True),
            ),
        )
        .filter(
            HarvestRecord.source_id == source_id,
            HarvestRecord.last_job_id == job_id,
            HarvestRecord.content_hash == PENDING,
        )
    )
    for package_id, identifier, object_id, content in pending:
        imported(package_id, Receipt(source_id, identifier, json.loads(content)["hash"], object_id))


def _index(receipts: Receipts) -> set[str]:
    """Returns the ids of the harvest objects whose dataset is not indexed."""
    # What the batch left in the session goes: an import interrupted by an
    # exception is not committed with the hashes, and every object is read
    # again from the database (the session keeps them across commits), not
    # from a state an editor may have changed since (made private, deleted).
    model.Session.rollback()
    failed = _send(sorted(receipts))
    not_indexed: set[str] = set()
    for package_id, package_receipts in receipts.items():
        if package_id in failed:
            not_indexed |= _not_indexed(package_receipts, failed[package_id])
            continue
        for receipt in package_receipts:
            model.Session.query(HarvestRecord).filter_by(
                source_id=receipt.source_id, identifier=receipt.identifier, content_hash=PENDING
            ).update({"content_hash": receipt.content_hash}, synchronize_session=False)
    model.Session.commit()
    for _ in range(len(receipts) - len(failed)):
        indexing.batcher.indexed()
    return not_indexed


def _send(package_ids: list[str]) -> dict[str, Exception]:
    """Sends the datasets' documents; returns the failures, by dataset id.

    Their rows are share-locked (in id order) from the read to the request:
    an update, deletion or change of visibility by another consumer or an
    editor waits for it, then indexes after it, so a document this request
    sends is never older than the one already in the index. (A dataset
    added to or removed from a group in the meantime keeps, in the index,
    the groups it had: membership is not on the package row.)"""
    model.Session.query(model.Package.id).filter(model.Package.id.in_(package_ids)).order_by(
        model.Package.id
    ).with_for_update(read=True).all()
    failed: dict[str, Exception] = {}
    shown: list[Shown] = []
    context = site_context()
    for package_id in package_ids:
        try:
            # in a savepoint: a failed statement fails this dataset alone
            with model.Session.begin_nested():
                shown.append(logic.package_show_default_and_custom_schemas(context, package_id))
        except tk.ObjectNotFound:
            continue  # purged since, by an editor: nothing to index
        except Exception as error:
            if database_gone(error):
                raise
            failed[package_id] = _logged(error, package_id)
    try:
        index_many(shown)
    except Exception as error:
        if database_gone(error):
            raise
        log.error("indexing %d harvested datasets failed", len(shown), exc_info=error)
        if not _solr_answers():
            failed.update((indexed["id"], error) for indexed, _ in shown)
        else:
            # one bad document fails the request: each is sent alone, so
            # only the bad ones are reported
            for one in shown:
                try:
                    index_many([one])
                except Exception as error_of_one:
                    if database_gone(error_of_one):
                        raise
                    failed[one[0]["id"]] = _logged(error_of_one, one[0]["id"])
    model.Session.commit()  # the locks go
    return failed


def _solr_answers() -> bool:
    try:
        make_connection().ping()
        return True
    except (pysolr.SolrError, OSError):
        return False


def _logged(error: Exception, package_id: str) -> Exception:
    log.error("indexing the harvested dataset %s failed", package_id, exc_info=error)
    return error


def _not_indexed(receipts: list[Receipt], error: Exception) -> set[str]:
    """The report counts the records imported but not indexed as errored and
    says why; their hashes stay `PENDING`, so the next harvest imports them
    again. Returns their harvest objects' ids."""
    # the exception's text may quote data: the log has it
    message = tk._(
        "The dataset was saved but not indexed ({error}): see the fetch consumer's log; the next harvest indexes it"
    ).format(error=type(error).__name__)
    object_ids = set()
    for receipt in receipts:
        harvest_object = model.Session.get(HarvestObject, receipt.harvest_object_id)
        if harvest_object is not None:
            harvest_object.state = "ERROR"
            harvest_object.report_status = "errored"
            model.Session.add(HarvestObjectError(harvest_object_id=harvest_object.id, message=message, stage="Import"))
            object_ids.add(harvest_object.id)
    return object_ids
