"""Deletion safety: records gone from a source are deleted, but never when
the source failed, returned nothing, or would lose more than the allowed
share of its datasets; those deletions wait for
`ckan ecologie harvest confirm-deletions SOURCE`."""

from __future__ import annotations

import logging

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckanext.harvest.model import HarvestGatherError, HarvestJob, HarvestObject, HarvestObjectExtra
from sqlalchemy import or_

from ckanext.ecologie.contexts import site_context
from ckanext.ecologie.harvest import ownership
from ckanext.ecologie.harvest.config import SourceConfig
from ckanext.ecologie.harvest.model import HarvestRecord
from ckanext.ecologie.harvest.ownership import Reach

log = logging.getLogger(__name__)

DELETE = "delete"


def _missing(source_id: str, job_id: str):  # noqa: ANN202 - a query
    return model.Session.query(HarvestRecord).filter(
        HarvestRecord.source_id == source_id,
        or_(HarvestRecord.last_job_id != job_id, HarvestRecord.last_job_id.is_(None)),
    )


def _error(job: HarvestJob, message: str) -> None:
    HarvestGatherError(message=message, job=job).save()
    log.warning("%s: %s", job.source.url, message)


def plan(job: HarvestJob, config: SourceConfig, seen: int, failed: bool) -> list[str]:
    """Harvest objects that delete what the source no longer has, or none
    (with a gather error saying why). `seen`: records read in this job."""
    missing = _missing(job.source_id, job.id)
    count = missing.count()
    if not count:
        return []
    confirm = f"ckan ecologie harvest confirm-deletions {model.Package.get(job.source_id).name}"
    if failed:
        _error(job, tk._("The source failed: none of its {count} missing datasets is deleted").format(count=count))
        return []
    total = model.Session.query(HarvestRecord).filter(HarvestRecord.source_id == job.source_id).count()
    if seen == 0:
        message = tk._("The source returned no record: its {count} datasets are kept until `{command}`")
    elif count > config.max_deletion_share * total:
        message = tk._(
            "{count} of {total} datasets are gone from the source, more than the allowed share: "
            "they are kept until `{command}`"
        )
    else:
        return _deletion_objects(job, missing)
    missing.update({"deletion_pending": True}, synchronize_session=False)
    model.Session.commit()
    _error(job, message.format(count=count, total=total, command=confirm))
    return []


def _deletion_objects(job: HarvestJob, missing) -> list[str]:  # noqa: ANN001 - a query
    ids = []
    for row in missing.yield_per(1000):
        harvest_object = HarvestObject(
            guid=row.identifier,
            job=job,
            package_id=row.package_id,
            extras=[HarvestObjectExtra(key="status", value=DELETE)],
        )
        model.Session.add(harvest_object)
        model.Session.flush()
        ids.append(harvest_object.id)
    model.Session.commit()
    return ids


def delete_record(reach: Reach, identifier: str) -> bool:
    """Forget this source's record; delete its dataset unless another source
    still brings it or it is no longer the source's to delete (moved to
    another organisation by hand, merged into a linked source's).
    True when a dataset was deleted."""
    row = model.Session.get(HarvestRecord, (reach.source_id, identifier))
    if row is None:
        return False
    package_id = row.package_id
    package = model.Package.get(package_id)
    allowed = package is not None and ownership.may_delete(reach, package)
    model.Session.delete(row)
    model.Session.flush()  # committed with the dataset's deletion: never the record alone
    if not allowed or model.Session.query(HarvestRecord).filter(HarvestRecord.package_id == package_id).count():
        model.Session.commit()
        return False
    try:
        tk.get_action("package_delete")(site_context(), {"id": package_id})
    except tk.ObjectNotFound:
        model.Session.commit()
        return False
    return True


def pending(source_id: str) -> list[str]:
    rows = model.Session.query(HarvestRecord.identifier).filter(
        HarvestRecord.source_id == source_id, HarvestRecord.deletion_pending.is_(True)
    )
    return [row.identifier for row in rows]


def confirm(reach: Reach) -> int:
    """Carry out the deletions waiting for confirmation; the number of
    datasets deleted."""
    return sum(delete_record(reach, identifier) for identifier in pending(reach.source_id))
