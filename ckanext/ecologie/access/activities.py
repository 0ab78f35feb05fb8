"""Activity streams. An activity keeps a snapshot of its dataset, resources
included, and CKAN filters streams by permission labels only for activity
types ending in "package": here every activity about a dataset the user may
not see is left out (whatever its type: our discussions' too), and the
snapshot of a dataset whose data they may not use is stripped.

The stricter of the snapshot's access rights and today's applies: opening
a dataset later does not open its old restricted snapshots, nor the reverse.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.types import Action, Context, DataDict

from ckanext.ecologie.access import policy, strip, visibility

ACTIVITY_LISTS = (
    "package_activity_list",
    "organization_activity_list",
    "group_activity_list",
    "user_activity_list",
    "recently_changed_packages_activity_list",
    "dashboard_activity_list",
)


def _snapshot(activity: dict[str, Any]) -> dict[str, Any] | None:
    package = (activity.get("data") or {}).get("package")
    return package if isinstance(package, dict) else None


class ActivityFilter:
    """What one user may see of a set of activities."""

    def __init__(self, caller: Context, activities: list[dict[str, Any]]) -> None:
        self.viewer = policy.viewer(caller)
        ids = {activity.get("object_id") for activity in activities} | {
            (_snapshot(activity) or {}).get("id") for activity in activities
        }
        ids.discard(None)
        packages = model.Session.query(model.Package).filter(model.Package.id.in_(ids)).all() if ids else []
        self.packages = {package.id: package for package in packages}
        self.visible = visibility.readable(caller, packages)

    def _dataset_id(self, activity: dict[str, Any]) -> str | None:
        snapshot = _snapshot(activity)
        if snapshot is not None:
            return snapshot.get("id")
        object_id = activity.get("object_id")
        return object_id if object_id in self.packages else None

    def may_see(self, activity: dict[str, Any]) -> bool:
        dataset_id = self._dataset_id(activity)
        if dataset_id is None:
            return True  # about a user, a group, an organisation
        if dataset_id in self.packages:
            return dataset_id in self.visible
        snapshot = _snapshot(activity) or {}
        return snapshot.get("private") is False and self.viewer.may_use_dataset(snapshot)  # purged since

    def may_use(self, package: dict[str, Any]) -> bool:
        current = self.packages.get(package.get("id") or "")
        snapshot_allows = self.viewer.may_use_dataset(package)  # its access rights, extras included
        if current is None:
            return snapshot_allows
        return snapshot_allows and self.viewer.may_use_dataset(policy.access_of(current))

    def shown(self, activity: dict[str, Any]) -> dict[str, Any]:
        return strip.strip_activity(activity, self.may_use)


def _activity_list(name: str) -> Action:
    @policy.shown_to_caller
    def chained(caller: Context, activities: list[dict[str, Any]], data_dict: DataDict) -> Any:
        seen = ActivityFilter(caller, activities)
        return [seen.shown(activity) for activity in activities if seen.may_see(activity)]

    chained.__name__ = name
    return chained


def _one(context: Context, activities: list[dict[str, Any]]) -> ActivityFilter:
    seen = ActivityFilter(policy.caller(context), activities)
    if not all(seen.may_see(activity) for activity in activities):
        raise tk.ObjectNotFound(tk._("Activity not found"))
    return seen


@policy.shown_to_caller
def activity_show(caller: Context, activity: dict[str, Any], data_dict: DataDict) -> Any:
    return _one(caller, [activity]).shown(activity)


@policy.shown_to_caller
def activity_data_show(caller: Context, data: Any, data_dict: DataDict) -> Any:
    # the original validated `id` (unknown: not found)
    activity = model.Session.get(_activity_model(), str(data_dict.get("id")))
    if activity is None or not isinstance(data, dict):
        return data
    about = {"object_id": activity.object_id, "data": activity.data}
    seen = _one(caller, [about])
    package = data.get("package") if "package" in data else (data if "resources" in data else None)
    if isinstance(package, dict) and not seen.may_use(package):
        strip.strip_dataset(package)
    return data


@policy.shown_to_caller
def activity_diff(caller: Context, result: dict[str, Any], data_dict: DataDict) -> Any:
    seen = _one(caller, result.get("activities", []))
    for activity in result.get("activities", []):
        package = _snapshot(activity)
        if package is not None and not seen.may_use(package):
            raise tk.NotAuthorized(tk._("The data of this dataset is restricted"))
    return result


def _activity_model() -> Any:
    from ckanext.activity.model import Activity  # the activity plugin is optional

    return Activity


def has_snapshot(activity_id: str) -> bool:
    """Whether the activity exists and holds a dataset snapshot."""
    activity = model.Session.get(_activity_model(), activity_id) if activity_id else None
    return activity is not None and isinstance((activity.data or {}).get("package"), dict)


def snapshot_access(context: Context, activity_id: str) -> tuple[bool, bool]:
    """For pages that read an activity themselves (history pages): whether
    the user may see its dataset, and use the data of its snapshot."""
    activity = model.Session.get(_activity_model(), activity_id)
    if activity is None:
        return True, True  # the page answers 404 itself
    about = {"object_id": activity.object_id, "data": activity.data}
    seen = ActivityFilter(context, [about])
    snapshot = _snapshot(about)
    visible = seen.may_see(about)
    return visible, visible and (snapshot is None or seen.may_use(snapshot))


def get_actions() -> dict[str, Callable[..., Any]]:
    actions: dict[str, Callable[..., Any]] = {name: _activity_list(name) for name in ACTIVITY_LISTS}
    actions.update(activity_show=activity_show, activity_data_show=activity_data_show, activity_diff=activity_diff)
    return actions
