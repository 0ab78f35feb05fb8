"""What our three harvesters share: info, `validate_config`, the gather loop
over the pages a harvester reads, and the import of each record."""

from __future__ import annotations

import contextlib
import logging
import traceback
from collections.abc import Iterator
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.types import Schema
from ckanext.harvest.model import HarvestJob, HarvestObject
from ckanext.harvest.queue import fetch_and_import_stages

from ckanext.ecologie.harvest import batch_index, batching, deletions, importer, ownership
from ckanext.ecologie.harvest import config as source_config
from ckanext.ecologie.harvest.database_wait import database_gone, retried_while_the_database_is_gone
from ckanext.ecologie.harvest.enrich import SourceInfo
from ckanext.ecologie.harvest.fetch import Fetcher
from ckanext.ecologie.harvest.gather import Page, gather

log = logging.getLogger(__name__)


class EcologieHarvesterMixin:
    """Mixed into a ckanext-harvest harvester class (HarvesterBase or one of
    its subclasses), ahead of it."""

    source_type = ""

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        # SingletonPlugin keeps its instance in a class attribute, which a
        # subclass of another plugin (ckanext-dcat's harvester) would inherit.
        if "_instance" not in cls.__dict__:
            cls._instance = object.__new__(cls)
        return cls._instance

    # What a harvester defines

    def harvester_info(self) -> dict[str, str]:
        raise NotImplementedError

    def config_schema(self) -> Schema:
        """The navl schema of the harvester's own configuration keys
        (validators in schema.py), added to the keys every harvester takes."""
        return {}

    def pages(self, job: HarvestJob, source: SourceInfo, config: source_config.SourceConfig) -> Iterator[Page]:
        raise NotImplementedError

    # IHarvester

    def info(self) -> dict[str, str]:
        return {"name": self.source_type, **self.harvester_info()}

    def validate_config(self, raw: str | None) -> str | None:
        try:
            source_config.load(raw, self.config_schema())
        except source_config.ConfigError as error:
            raise ValueError(str(error)) from None
        return raw

    def load_config(self, raw: str | None) -> source_config.SourceConfig:
        return source_config.load(raw, self.config_schema())

    def fetcher(self, config: source_config.SourceConfig, source: SourceInfo) -> Fetcher:
        return Fetcher(config, allow_private=ownership.may_reach_private_addresses(source.reach))

    def gather_stage(self, harvest_job: HarvestJob) -> list[str]:
        source = harvest_job.source
        try:
            config = self.load_config(source.config)
        except source_config.ConfigError as error:
            self._save_gather_error(tk._("Invalid source configuration: {error}").format(error=error), harvest_job)
            return []
        info = _source_info(harvest_job)
        if info.reach.suspended:
            self._save_gather_error(
                tk._(
                    "The source's address or configuration is no longer the one the sources file declared: "
                    "what the file grants it (private addresses, publishers' organisations, merged sources) is "
                    "suspended until `ckan ecologie sources load` declares it again"
                ),
                harvest_job,
            )
        return gather(harvest_job, self.pages(harvest_job, info, config), config, hash_context(harvest_job, info))

    def fetch_stage(self, harvest_object: HarvestObject) -> bool:
        return True  # gather already holds each record's content

    def import_stage(self, harvest_object: HarvestObject) -> bool | str:
        job_id = harvest_object.harvest_job_id
        # Batches of one record index as CKAN does, a request each.
        batched = batching.batch_size() > 1
        not_indexed: set[str]
        with batch_index.one_request_per_batch() if batched else contextlib.nullcontext(set()) as not_indexed:
            result = retried_while_the_database_is_gone(
                lambda: self._import_once(harvest_object), f"the import of {harvest_object.guid}"
            )
            # The objects of the job that wait unqueued (batching.py), each
            # through the stock consumer's stages, as if it had been queued.
            batching.drain(job_id, lambda waiting: fetch_and_import_stages(self, waiting))
        # its report says errored (ckanext-harvest sets it from this answer)
        return False if harvest_object.id in not_indexed else result

    def _import_once(self, harvest_object: HarvestObject) -> bool | str:
        if harvest_object.errors:
            # delivered again (`harvest_jobs_run` queues waiting objects anew)
            # after its import failed: once is enough in the report
            return False
        if _status(harvest_object) == deletions.DELETE:
            return _import_deletion(harvest_object)
        if not harvest_object.content:
            self._save_object_error(tk._("Empty record"), harvest_object, "Import")
            return False
        source = harvest_object.source
        try:
            config = self.load_config(source.config)
            return importer.import_record(
                harvest_object, _source_info(harvest_object.job), config, harvest_object.job.id
            )
        except ownership.RecordRefused as error:
            model.Session.rollback()
            message = str(error)
        except tk.ValidationError as error:
            model.Session.rollback()
            message = tk._("The record is not a valid dataset: {errors}").format(errors=_summary(error))
        except Exception as error:
            if database_gone(error):
                raise  # nothing can be recorded now: import_stage waits and starts again
            model.Session.rollback()
            log.error("import of %s failed: %s", harvest_object.guid, traceback.format_exc())
            # the exception's text may quote data (SQL parameters): the log has it
            message = tk._("The record could not be imported ({error}): see the fetch consumer's log").format(
                error=type(error).__name__
            )
        harvest_object = model.Session.merge(harvest_object)
        self._save_object_error(message, harvest_object, "Import")
        return False


def _summary(error: tk.ValidationError) -> str:
    summary = error.error_summary or {}
    return "; ".join(f"{field}: {message}" for field, message in summary.items()) or str(error.error_dict)


def _status(harvest_object: HarvestObject) -> str | None:
    return next((extra.value for extra in harvest_object.extras if extra.key == "status"), None)


def _import_deletion(harvest_object: HarvestObject) -> bool:
    deletions.delete_record(_source_info(harvest_object.job).reach, harvest_object.guid)
    harvest_object = model.Session.merge(harvest_object)
    model.Session.query(HarvestObject).filter(
        HarvestObject.guid == harvest_object.guid,
        HarvestObject.harvest_source_id == harvest_object.harvest_source_id,
    ).update({"current": False}, synchronize_session=False)
    harvest_object.current = False
    harvest_object.add()
    model.Session.commit()
    return True


def hash_context(job: HarvestJob, info: SourceInfo) -> dict[str, Any]:
    """What, besides a record, shapes its import: part of every content hash."""
    return {
        "owner_org": info.owner_org,
        "config": job.source.config or "",
        "type": job.source.type,
        "publishers": info.reach.publishers,
    }


def _source_info(job: HarvestJob) -> SourceInfo:
    source = job.source
    package = model.Package.get(source.id)
    return SourceInfo(
        id=source.id,
        title=source.title or (package.title if package else ""),
        url=source.url,
        owner_org=package.owner_org if package else None,
        reach=ownership.reach_of(source),
    )
