"""The gather stage every harvester of ours shares: read the source page by
page (memory stays flat: a few pages at a time, see read_ahead.py), skip unchanged records by
content hash with one query per page (and unchanged pages without parsing
them, see pages.py), drop duplicate identifiers, then plan the deletions
under the safety rules."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterable, Iterator
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckanext.harvest.model import HarvestGatherError, HarvestJob, HarvestObject
from ckanext.harvest.queue import get_fetch_publisher

from ckanext.ecologie.harvest import batching, deletions, pages
from ckanext.ecologie.harvest.config import SourceConfig
from ckanext.ecologie.harvest.model import HarvestRecord
from ckanext.ecologie.harvest.pages import KnownPage, ReadPage
from ckanext.ecologie.harvest.records import KnownRecord, Record, RecordError, content_hash

log = logging.getLogger(__name__)

# A harvester yields plain lists of records, or ReadPage / KnownPage when its
# pages can be remembered.
Page = Iterable[Record | RecordError] | ReadPage | KnownPage


class SourceError(Exception):
    """The source, or one of its pages, could not be read."""


class _Gathering:
    def __init__(self, job: HarvestJob, hash_context: dict[str, Any]) -> None:
        self.job = job
        self.hash_context = hash_context
        self.seen: set[str] = set()
        self.failed = False
        self.queued = 0

    def publish(self, object_ids: list[str]) -> None:
        """Queue a page's objects as soon as they are committed: consumers start
        importing while gather reads on, memory holds one page, and objects
        never wait unqueued for long (`harvest_jobs_run` would queue them a
        second time)."""
        if not object_ids:
            return
        publisher = get_fetch_publisher()
        try:
            for object_id in object_ids:
                publisher.send({"harvest_object_id": object_id})
        finally:
            publisher.close()
        self.queued += len(object_ids)

    def error(self, message: str) -> None:
        HarvestGatherError(message=message, job=self.job).save()
        log.warning("%s: %s", self.job.source.url, message)

    def page(self, page: Page) -> None:
        if isinstance(page, KnownPage):
            self._known_page(page)
            return
        items = page.items if isinstance(page, ReadPage) else page
        records: dict[str, Record | KnownRecord] = {}
        doubled: set[str] = set()
        clean = True  # every record read, no duplicate: the page may be remembered
        for item in items:
            if isinstance(item, RecordError):
                clean = False
                self.failed = True  # a record we could not read may be one we hold: delete nothing
                self.error(tk._("Record {reference}: {message}").format(reference=item.reference, message=item.message))
            elif item.identifier in self.seen:
                clean = False
                self._seen_before(item.identifier)
            elif item.identifier in records:
                doubled.add(item.identifier)
            else:
                records[item.identifier] = item
        for identifier in sorted(doubled):
            # Which of two records is right cannot be told: the dataset is left as it is.
            del records[identifier]
            self.error(
                tk._(
                    "Duplicate identifier {identifier}: several records of one page carry it, none is imported"
                ).format(identifier=identifier)
            )
        self.seen.update(records)
        self.seen.update(doubled)
        self._carry_over(records)
        stored = self._stored(list(records), list(doubled))
        hashes = {
            identifier: record.content_hash
            if isinstance(record, KnownRecord)
            else content_hash(record.dataset, self.hash_context)
            for identifier, record in records.items()
        }
        object_ids = []
        for identifier, record in records.items():
            previous = stored.get(identifier)
            if previous and previous[0] == hashes[identifier]:
                self._not_modified(identifier, previous[1])
                continue
            if isinstance(record, KnownRecord):  # its dataset was changed or deleted since the read began
                clean = False
                self._changed_while_read(identifier)
                continue
            object_id = str(uuid.uuid4())  # known now: no flush per object
            model.Session.add(
                HarvestObject(
                    id=object_id,
                    guid=identifier,
                    job=self.job,
                    content=json.dumps({"dataset": record.dataset, "hash": hashes[identifier]}),
                )
            )
            object_ids.append(object_id)
        if isinstance(page, ReadPage):
            if clean and not doubled:
                pages.remember(self.job.source_id, page, hashes)
            else:
                pages.forget(self.job.source_id, page.url)
        model.Session.flush()
        leaders = batching.hold_followers(object_ids)
        model.Session.commit()
        self.publish(leaders)

    def _known_page(self, page: KnownPage) -> None:
        """A page served as last time, its records all imported from it: every
        one is "not modified", unless read on an earlier page of this job."""
        identifiers = []
        for identifier in page.hashes:
            if identifier in self.seen:
                self._seen_before(identifier)
            else:
                identifiers.append(identifier)
        self.seen.update(identifiers)
        stored = self._stored(identifiers, [])
        for identifier in identifiers:
            previous = stored.get(identifier)
            if previous and previous[0] == page.hashes[identifier]:
                self._not_modified(identifier, previous[1])
            else:  # its dataset was deleted since the page was recalled
                self._changed_while_read(identifier)
                pages.forget(self.job.source_id, page.url)
        model.Session.commit()

    def _changed_while_read(self, identifier: str) -> None:
        self.failed = True
        self.error(
            tk._("Record {reference}: changed while the source was read, read again at the next job").format(
                reference=identifier
            )
        )

    def _seen_before(self, identifier: str) -> None:
        self.error(
            tk._("Duplicate identifier {identifier}: already read on an earlier page, kept from there").format(
                identifier=identifier
            )
        )

    def _not_modified(self, identifier: str, package_id: str) -> None:
        model.Session.add(
            HarvestObject(
                guid=identifier,
                job=self.job,
                package_id=package_id,
                state="COMPLETE",
                report_status="not modified",
                current=False,
            )
        )

    def _carry_over(self, records: dict[str, Record | KnownRecord]) -> None:
        """Records this source holds under a former identifier (the mapping
        changed how it identifies them) keep their dataset: their row takes
        the new identifier, instead of a new dataset being made and the old
        one planned for deletion."""
        source_id = self.job.source_id
        formers = {
            record.former_identifier: identifier
            for identifier, record in records.items()
            if isinstance(record, Record) and record.former_identifier and record.former_identifier != identifier
        }
        if not formers:
            return
        held = {
            identifier
            for (identifier,) in model.Session.query(HarvestRecord.identifier).filter(
                HarvestRecord.source_id == source_id,
                HarvestRecord.identifier.in_(list(formers) + list(formers.values())),
            )
        }
        for former, identifier in formers.items():
            if former not in held or identifier in held:
                continue
            model.Session.query(HarvestRecord).filter_by(source_id=source_id, identifier=former).update(
                {"identifier": identifier}, synchronize_session=False
            )
            # its current object too: ckanext-harvest finds a dataset's source through it
            model.Session.query(HarvestObject).filter(
                HarvestObject.harvest_source_id == source_id,
                HarvestObject.guid == former,
                HarvestObject.current.is_(True),
            ).update({"guid": identifier}, synchronize_session=False)

    def _stored(self, identifiers: list[str], also_seen: list[str]) -> dict[str, tuple[str, str]]:
        """Hash and dataset of this source's known records of the page (active
        datasets only: a deleted one is imported again); marks them seen."""
        source_id = self.job.source_id
        rows = (
            model.Session.query(HarvestRecord.identifier, HarvestRecord.content_hash, HarvestRecord.package_id)
            .join(model.Package, model.Package.id == HarvestRecord.package_id)
            .filter(
                HarvestRecord.source_id == source_id,
                HarvestRecord.identifier.in_(identifiers),
                model.Package.state == "active",
            )
            .all()
        )
        model.Session.query(HarvestRecord).filter(
            HarvestRecord.source_id == source_id, HarvestRecord.identifier.in_(identifiers + also_seen)
        ).update({"last_job_id": self.job.id, "deletion_pending": False}, synchronize_session=False)
        return {row.identifier: (row.content_hash, row.package_id) for row in rows}


def gather(job: HarvestJob, pages: Iterator[Page], config: SourceConfig, hash_context: dict[str, Any]) -> list[str]:
    """Objects are queued page by page here, so none is left for the stock
    gather consumer to queue: the list returned is empty."""
    gathering = _Gathering(job, hash_context)
    try:
        for page in pages:
            gathering.page(page)
    except SourceError as error:
        model.Session.rollback()
        gathering.failed = True
        gathering.error(str(error))
    except Exception as error:  # anything a source can provoke ends the job, not the gather consumer
        log.exception("gathering %s failed", job.source.url)
        model.Session.rollback()
        gathering.failed = True
        gathering.error(
            tk._("The source could not be read ({error}): see the gather consumer's log").format(
                error=type(error).__name__
            )
        )
    gathering.publish(deletions.plan(job, config, len(gathering.seen), gathering.failed))
    log.info("%s: %d records read, %d objects queued", job.source.url, len(gathering.seen), gathering.queued)
    return []
