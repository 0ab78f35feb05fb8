"""Import in batches: one fetch-queue message per batch of records.

ckanext-harvest sends each harvest object through the fetch queue, and its
consumer spends several commits on every message before the import starts.
The gather queues only the first object of each batch (a leader); the
others wait in the state `BATCHED`, which the stock `harvest_jobs_run`
neither resubmits (it resends `WAITING` objects) nor counts as done. When a
leader is imported, its consumer claims up to a batch of the job's waiting
objects one by one and runs each through the stock consumer's own stages:
every object goes the one-by-one path of a queued object, so
what is stored is the same. A claimed object is `WAITING` again until its
import starts, so one a consumer left behind (killed) is resubmitted by
`harvest_jobs_run` like any queued object; and when a job's waiting objects
have had no consumer for `STALLED_AFTER` (the consumer draining them was
killed, no leader is left), `harvest_jobs_run` makes one of them a leader.
"""

from __future__ import annotations

import contextvars
import datetime
import logging
from collections.abc import Callable
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.types import Action, Context, DataDict
from ckanext.harvest.model import HarvestObject
from sqlalchemy import text

log = logging.getLogger(__name__)

BATCHED = "BATCHED"
STALLED_AFTER = datetime.timedelta(minutes=10)
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


def drain(job_id: str, import_one: Callable[[HarvestObject], None]) -> None:
    """Import up to one batch of the job's waiting objects (fewer when none
    is left). One batch, not the whole job: the leader's message stays
    unacknowledged meanwhile, and ckanext-harvest queues again a message
    older than 3 minutes. None is left over: a page holds no more
    followers than its leaders take, and a leader that finds fewer leaves
    none waiting."""
    size = batch_size()
    if _draining.get() or size == 1:
        return
    token = _draining.set(True)
    try:
        for _ in range(size - 1):
            object_id = _claim(job_id)
            if object_id is None:
                return
            harvest_object = HarvestObject.get(object_id)
            if harvest_object is not None:
                import_one(harvest_object)
    finally:
        _draining.reset(token)


def _promote_stalled() -> None:
    """One waiting object of each job nobody imports anything of (no object
    queued, none started for STALLED_AFTER) becomes `WAITING`: the stock
    `harvest_jobs_run` then queues it, and its consumer drains the rest.
    The first waiting object of each job comes from the partial index, and
    only those few jobs are checked for activity (cron runs this often)."""
    promoted = model.Session.execute(
        text(
            "WITH first_held AS ("
            " SELECT DISTINCT ON (harvest_job_id) id, harvest_job_id FROM harvest_object"
            " WHERE state = :batched ORDER BY harvest_job_id, gathered)"
            " UPDATE harvest_object SET state = 'WAITING' WHERE id IN ("
            " SELECT first_held.id FROM first_held WHERE NOT EXISTS ("
            "  SELECT 1 FROM harvest_object busy WHERE busy.harvest_job_id = first_held.harvest_job_id"
            "  AND (busy.state = 'WAITING' OR busy.fetch_started > :since))"
            ") RETURNING harvest_job_id"
        ),
        {"batched": BATCHED, "since": datetime.datetime.utcnow() - STALLED_AFTER},
    ).all()
    model.Session.commit()
    for row in promoted:
        log.warning("harvest job %s: its waiting objects had no consumer, one is queued again", row.harvest_job_id)


@tk.chained_action
def harvest_jobs_run(original: Action, context: Context, data_dict: DataDict) -> Any:
    tk.check_access("harvest_jobs_run", context, data_dict)
    _promote_stalled()
    return original(context, data_dict)
