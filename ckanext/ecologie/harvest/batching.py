"""Import in batches: one fetch-queue message per batch of records.

ckanext-harvest sends each harvest object through the fetch queue, and its
consumer spends several commits on every message before the import starts.
The gather queues only the first object of each batch (a leader); the
others wait in the state `BATCHED`, which the stock `harvest_jobs_run`
neither resubmits (it resends `WAITING` objects) nor counts as done. When a
leader is imported, its consumer claims the waiting objects of the job one
by one and runs each through the stock consumer's own stages, until none
is left: every object goes the one-by-one path of a queued object, so
what is stored is the same. A claimed object is `WAITING` again until its
import starts, so one a consumer left behind (killed) is resubmitted by
`harvest_jobs_run` like any queued object.
"""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Callable

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckanext.harvest.model import HarvestObject
from sqlalchemy import text

log = logging.getLogger(__name__)

BATCHED = "BATCHED"
SIZE_OPTION = "ckanext.ecologie.harvest.import_batch_size"

# Set while a consumer imports claimed objects: their imports claim nothing.
_draining: contextvars.ContextVar[bool] = contextvars.ContextVar("ecologie_harvest_draining", default=False)


def batch_size() -> int:
    return max(1, tk.config.get(SIZE_OPTION))


def hold_followers(object_ids: list[str]) -> list[str]:
    """Of one page's new objects, the leaders to queue; the others wait as
    `BATCHED` (in the caller's transaction, committed before queueing)."""
    size = batch_size()
    followers = [object_id for index, object_id in enumerate(object_ids) if index % size]
    if followers:
        model.Session.query(HarvestObject).filter(HarvestObject.id.in_(followers)).update(
            {"state": BATCHED}, synchronize_session=False
        )
    return object_ids[::size]


def _claim(job_id: str) -> str | None:
    """The job's next waiting object, made `WAITING` and committed: one at a
    time, so that `harvest_jobs_run` never finds a claimed object waiting
    for long (it would queue it again). SKIP LOCKED: consumers draining the
    same job take different objects."""
    object_id = model.Session.execute(
        text(
            "UPDATE harvest_object SET state = 'WAITING' WHERE id = ("
            " SELECT id FROM harvest_object WHERE harvest_job_id = :job AND state = :batched"
            " ORDER BY gathered LIMIT 1 FOR UPDATE SKIP LOCKED"
            ") RETURNING id"
        ),
        {"job": job_id, "batched": BATCHED},
    ).scalar()
    model.Session.commit()
    return object_id


def drain(job_id: str, import_one: Callable[[HarvestObject], None]) -> int:
    """Import the job's waiting objects until none is left. A leader's
    consumer keeps taking work while there is some, so objects whose leader
    came early are never left over."""
    if _draining.get() or batch_size() == 1:
        return 0
    token = _draining.set(True)
    imported = 0
    try:
        while object_id := _claim(job_id):
            harvest_object = HarvestObject.get(object_id)
            if harvest_object is not None:
                import_one(harvest_object)
                imported += 1
    finally:
        _draining.reset(token)
    return imported
