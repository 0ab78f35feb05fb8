"""Pages of the activity plugin that read an activity's snapshot straight
from the database (no action to chain): the old version of a dataset and of
a resource. They show resource addresses, so they need the right to use the
snapshot's data."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.common import request

from ckanext.ecologie.access import activities
from ckanext.ecologie.contexts import user_context

HISTORY_PAGES = frozenset({"activity.package_history", "activity.resource_history"})


def guard() -> Any:
    """Run before every request (`before_app_request`); None lets it through."""
    if request.endpoint not in HISTORY_PAGES:
        return None
    activity_id = str((request.view_args or {}).get("activity_id") or "")
    if not activities.has_snapshot(activity_id):  # the page would fail reading it
        return tk.abort(404, tk._("Activity not found"))
    context = user_context()
    visible, usable = activities.snapshot_access(context, activity_id)  # type: ignore[arg-type]
    if not visible:  # as an unknown one: a private dataset's activity exists for nobody else
        return tk.abort(404, tk._("Activity not found"))
    if not usable:
        return tk.abort(403, tk._("The data of this dataset is restricted"))
    return None
