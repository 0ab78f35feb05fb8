"""The job report, extended: ckanext-harvest's stats (added, updated, not
modified, deleted, errored) and per-record errors stay as they are; we add
the deletions that wait for `ckan ecologie harvest confirm-deletions`, in the
API (`harvest_job_show`, `harvest_source_show_status`) and on the job page."""

from __future__ import annotations

from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.types import Action, Context, DataDict

from ckanext.ecologie.harvest import deletions


def pending_deletions(source_id: str | None) -> int:
    return len(deletions.pending(source_id)) if source_id else 0


@tk.side_effect_free
@tk.chained_action
def harvest_job_show(original: Action, context: Context, data_dict: DataDict) -> Any:
    job = original(context, data_dict)
    job["deletions_pending"] = pending_deletions(job.get("source_id"))
    return job


@tk.side_effect_free
@tk.chained_action
def harvest_source_show_status(original: Action, context: Context, data_dict: DataDict) -> Any:
    tk.get_or_bust(data_dict, "id")  # ckanext-harvest's auth reads it unchecked
    status = original(context, data_dict)
    # not harvest_source_show: showing a source shows its status, back here
    source = model.Package.get(data_dict.get("id") or "")
    status["deletions_pending"] = pending_deletions(source.id if source else None)
    return status


def get_helpers() -> dict[str, Any]:
    return {"ecologie_harvest_pending_deletions": pending_deletions}
