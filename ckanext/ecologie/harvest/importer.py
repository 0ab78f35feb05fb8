"""Import of one harvested record (fetch consumers): create or update its
dataset, merged with the same record of other sources, under a lock on the
identifier so concurrent consumers never create it twice."""

from __future__ import annotations

import json
import logging
import uuid
from typing import Any

import ckan.lib.plugins as lib_plugins
import ckan.lib.search as search
import ckan.model as model
import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from ckanext.harvest.model import HarvestObject
from sqlalchemy import or_

from ckanext.ecologie.contexts import site_context
from ckanext.ecologie.harvest import batch_index, ownership, saving
from ckanext.ecologie.harvest.config import SourceConfig
from ckanext.ecologie.harvest.database_wait import database_gone
from ckanext.ecologie.harvest.enrich import SourceInfo, enrich, organization_of
from ckanext.ecologie.harvest.indexing import index_without_commit
from ckanext.ecologie.harvest.locks import advisory_lock
from ckanext.ecologie.harvest.model import HarvestRecord
from ckanext.ecologie.harvest.names import free_name
from ckanext.ecologie.harvest.ownership import Reach
from ckanext.ecologie.themes import harvest_hook as theme_harvest

log = logging.getLogger(__name__)

RESOURCE_SOURCE_KEY = "harvest_source_id"
UNCHANGED = "unchanged"


class RecordImportError(Exception):
    """A record that could not become a dataset; the message is for the report."""


def _package_of(
    reach: Reach, identifier: str, owner_org: str | None
) -> tuple[HarvestRecord | None, model.Package | None]:
    """This source's row for the identifier, and the dataset of the
    identifier: this source's, else one of the record's organisation or of a
    linked source, whichever source brought it. Another organisation's
    dataset of the same identifier is none of this record's business: it is
    neither changed, nor reserved (a source harvesting someone else's
    identifiers first would lock their owner out)."""
    source_id = reach.source_id
    row = model.Session.get(HarvestRecord, (source_id, identifier))
    package_id = row.package_id if row else None
    if package_id is None:
        other = (
            model.Session.query(HarvestRecord.package_id)
            .join(model.Package, model.Package.id == HarvestRecord.package_id)
            .filter(
                HarvestRecord.identifier == identifier,
                or_(model.Package.owner_org == owner_org, HarvestRecord.source_id.in_(reach.linked_sources)),
            )
            .first()
        )
        package_id = other.package_id if other else None
    if package_id is None:
        # A source that ran another harvester before (the stock dcat_rdf):
        # its datasets are adopted, not created again.
        earlier = (
            model.Session.query(HarvestObject.package_id)
            .filter(
                HarvestObject.harvest_source_id == source_id,
                HarvestObject.guid == identifier,
                HarvestObject.current.is_(True),
                HarvestObject.package_id.isnot(None),
            )
            .first()
        )
        package_id = earlier.package_id if earlier else None
    return row, model.Package.get(package_id) if package_id else None


def _merge_resources(dataset: dict[str, Any], existing: dict[str, Any], source_id: str) -> None:
    """Resources of other sources (and added by hand) stay; this source's
    are replaced, keeping the ids of those whose address and layer did not
    change (an OGC service lists many layers behind one address)."""

    def key(res: dict[str, Any]) -> tuple[Any, Any]:
        return res.get("url"), res.get("layer") or None

    previous: dict[tuple[Any, Any], list[dict[str, Any]]] = {}
    for res in existing.get("resources") or []:
        if res.get(RESOURCE_SOURCE_KEY) == source_id:
            previous.setdefault(key(res), []).append(res)
    for resource in dataset.get("resources") or []:
        resource[RESOURCE_SOURCE_KEY] = source_id
        same = previous.get(key(resource))
        if same:  # in their order, for several resources of one key
            resource["id"] = same.pop(0)["id"]
    keys = {key(resource) for resource in dataset.get("resources") or []}
    others = [
        res
        for res in existing.get("resources") or []
        if res.get(RESOURCE_SOURCE_KEY) != source_id and not (res.get("url") and key(res) in keys)
    ]
    dataset["resources"] = (dataset.get("resources") or []) + others


def _make_current(harvest_object: HarvestObject, package_id: str) -> None:
    model.Session.query(HarvestObject).filter(
        HarvestObject.guid == harvest_object.guid,
        HarvestObject.harvest_source_id == harvest_object.harvest_source_id,
        HarvestObject.current.is_(True),
        HarvestObject.id != harvest_object.id,
    ).update({"current": False}, synchronize_session=False)
    harvest_object.package_id = package_id
    harvest_object.current = True
    harvest_object.add()
    # The harvest plugin indexes the dataset with its current harvest object:
    # it must exist before the dataset does.
    model.Session.execute(sa.text("SET CONSTRAINTS harvest_object_package_id_fkey DEFERRED"))
    model.Session.flush()


def _save(dataset: dict[str, Any], existing: dict[str, Any] | None = None) -> str:
    """Creates the dataset, or updates `existing` (as package_show gave it)."""
    dataset.setdefault("type", "dataset")  # without a type, CKAN would pick the default schema, not ours
    package_plugin = lib_plugins.lookup_package_plugin(dataset["type"])
    schema = package_plugin.update_package_schema() if existing else package_plugin.create_package_schema()
    # defer_commit: CKAN leaves the database commit (import_record's) and the
    # indexing (batched Solr commits, see indexing.py) to us
    site = site_context()
    context = {
        **site,
        "return_id_only": True,
        "defer_commit": True,
        "schema": theme_harvest.schema_for_import(schema),
    }
    if existing:
        context["original_package"] = existing  # CKAN would read it again
    else:
        context["schema"]["id"] = [tk.get_validator("unicode_safe")]
    with saving.saving():
        package_id = tk.get_action("package_update" if existing else "package_create")(context, dataset)
    if not batch_index.is_open():  # else indexed with its batch, after the commit
        index_without_commit(site, package_id)
    return package_id


def _create(dataset: dict[str, Any], harvest_object: HarvestObject) -> str:
    dataset["id"] = str(uuid.uuid4())
    title = dataset.get("title") or harvest_object.guid
    for random_suffix in (None, False, True):  # the portal's setting, then numbers, then random
        dataset["name"] = free_name(title, random_suffix)
        _make_current(harvest_object, dataset["id"])
        try:
            return _save(dataset)
        except tk.ValidationError as error:
            # Another consumer took the name meanwhile: try the next form.
            if set(error.error_dict) != {"name"}:
                raise
            model.Session.rollback()
            harvest_object = model.Session.merge(harvest_object)
    raise RecordImportError(tk._("No free name for the dataset {title}").format(title=title))


def import_record(harvest_object: HarvestObject, source: SourceInfo, config: SourceConfig, job_id: str) -> bool | str:
    payload = json.loads(harvest_object.content)
    dataset: dict[str, Any] = payload["dataset"]
    content_hash: str = payload["hash"]
    identifier = harvest_object.guid
    with advisory_lock(f"record:{identifier}"):
        # ckanext-harvest may deliver an object twice (`harvest_jobs_run`
        # resubmits waiting objects): once imported, it is current.
        if model.Session.query(HarvestObject.current).filter(HarvestObject.id == harvest_object.id).scalar():
            batch_index.imported_before(source.id, job_id)
            return True
        owner_org = organization_of(dataset, source, config)
        row, package = _package_of(source.reach, identifier, owner_org)
        if row and package and package.state == "active" and row.content_hash == content_hash:
            return UNCHANGED
        existing = None
        if package is not None:
            existing = tk.get_action("package_show")(site_context(), {"id": package.id})
        dataset = enrich(dataset, identifier, source, config, package.id if package else None, owner_org)
        if package is not None:
            ownership.check_update(source.reach, package, dataset)
        if existing:
            dataset["name"] = existing["name"]
            dataset["state"] = "active"
            _merge_resources(dataset, existing, source.id)
            _make_current(harvest_object, existing["id"])
            package_id = existing["id"]
            _save(dataset, existing)
            _record(source.id, identifier, package_id, content_hash, job_id, row is not None, harvest_object.id)
        else:
            for resource in dataset.get("resources") or []:
                resource[RESOURCE_SOURCE_KEY] = source.id
            try:
                package_id = _create(dataset, harvest_object)
                harvest_object = model.Session.merge(harvest_object)
                _record(source.id, identifier, package_id, content_hash, job_id, row is not None, harvest_object.id)
            except sa.exc.DBAPIError as error:
                # Indexed (out of a batch) before the commit that failed: no
                # dataset of that id exists, and the new attempt creates another id.
                if database_gone(error) and "id" in dataset:
                    search.clear(dataset["id"])
                raise
    return True


def _record(
    source_id: str,
    identifier: str,
    package_id: str,
    content_hash: str,
    job_id: str,
    exists: bool,
    harvest_object_id: str,
) -> None:
    in_batch = batch_index.is_open()
    values = {
        "package_id": package_id,
        "content_hash": batch_index.PENDING if in_batch else content_hash,
        "last_job_id": job_id,
        "deletion_pending": False,
    }
    if exists:
        model.Session.query(HarvestRecord).filter_by(source_id=source_id, identifier=identifier).update(values)
    else:
        model.Session.add(HarvestRecord(source_id=source_id, identifier=identifier, **values))
    model.Session.commit()
    if in_batch:
        batch_index.imported(package_id, batch_index.Receipt(source_id, identifier, content_hash, harvest_object_id))
