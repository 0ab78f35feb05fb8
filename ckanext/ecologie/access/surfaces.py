"""Every read surface that can carry a resource's data or URL, stripped for
users who may not use it: package_show (and resource_show, which is built on
it), package_search (results and `fl`), current_package_list_with_resources,
resource_search, resource views and activities.

Internal calls (`ignore_auth`: indexing, activity snapshots, harvest) are left
whole, so the index and the history keep the full data for authorised users.
"""

from __future__ import annotations

import re
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.types import Action, Context, DataDict

from ckanext.ecologie.access import policy, strip
from ckanext.ecologie.access.rights import OPEN

ACCESS_FIELD = "vocab_access_rights"  # faceted by themes.search
PLAIN_FIELD = re.compile(r"^[A-Za-z0-9_]+$")


# --- hooks of the package controller -----------------------------------------


def after_dataset_show(context: Context, pkg_dict: dict[str, Any]) -> None:
    if policy.trusted(context) or policy.access_rights_of(pkg_dict) == OPEN:
        return
    if not policy.viewer(context).may_use_dataset(pkg_dict):
        strip.strip_dataset(pkg_dict)


def index_fields(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """The access facet; and resource URLs of non-open datasets kept out of
    the searchable fields (a facet or a prefix query would reveal them)."""
    access = policy.access_rights_of(pkg_dict)
    if access != OPEN:
        strip.strip_index_document(pkg_dict)
    return {ACCESS_FIELD: [access]}


# --- package_search -----------------------------------------------------------


def _check_fields(data_dict: DataDict) -> list[str] | None:
    """`fl` may only name stored fields: no aliases (`x:res_url`), globs or
    functions, which could carry a field past the stripping. The `id` is
    always fetched, to know whose data each result holds."""
    requested = data_dict.get("fl")
    if not requested:
        return None
    fields = requested.split() if isinstance(requested, str) else list(requested)
    fields = [part for field in fields for part in str(field).replace(",", " ").split()]
    if not all(PLAIN_FIELD.match(field) for field in fields):
        raise tk.ValidationError({"fl": [tk._("Give field names only, separated by spaces")]})
    data_dict["fl"] = fields if "id" in fields else [*fields, "id"]
    return fields


def _access_of(ids: list[str]) -> dict[str, dict[str, Any]]:
    """Owner and access rights of datasets, read from the database (Solr
    does not store the owner)."""
    rows = model.Session.query(model.Package.id, model.Package.owner_org, model.Package.extras).filter(
        model.Package.id.in_(ids)
    )
    return {
        package_id: {"id": package_id, "owner_org": owner_org, "access_rights": (extras or {}).get("access_rights")}
        for package_id, owner_org, extras in rows
    }


def _strip_results(results: list[Any], viewer: policy.Viewer, asked: list[str] | None) -> list[Any]:
    if asked is None:  # whole dataset dicts
        return [item if viewer.may_use_dataset(item) else strip.strip_search_result(item) for item in results]
    datasets = _access_of([item.get("id") for item in results if isinstance(item, dict)])
    stripped = []
    for item in results:
        if not isinstance(item, dict):  # `fl=name` alone: a list of names
            stripped.append(item)
            continue
        known = datasets.get(item.get("id"), {"access_rights": "restricted"})
        if not viewer.may_use_dataset(known):
            strip.strip_search_result(item)
        if "id" not in asked:
            item.pop("id", None)
        stripped.append(item)
    return stripped


@tk.side_effect_free
@tk.chained_action
def package_search(original: Action, context: Context, data_dict: DataDict) -> Any:
    if policy.trusted(context):
        return original(context, data_dict)
    viewer = policy.viewer(context)
    asked = None if viewer.sysadmin else _check_fields(data_dict)
    result = original(context, data_dict)
    if not viewer.sysadmin:
        result["results"] = _strip_results(result["results"], viewer, asked)
    return result


@tk.side_effect_free
@tk.chained_action
def current_package_list_with_resources(original: Action, context: Context, data_dict: DataDict) -> Any:
    results = original(context, data_dict)
    if policy.trusted(context):
        return results
    viewer = policy.viewer(context)
    return [item if viewer.may_use_dataset(item) else strip.strip_dataset(item) for item in results]


# --- resources ----------------------------------------------------------------


@tk.side_effect_free
@tk.chained_action
def resource_search(original: Action, context: Context, data_dict: DataDict) -> Any:
    result = original(context, data_dict)
    if policy.trusted(context) or not isinstance(result, dict):
        return result
    viewer = policy.viewer(context)
    datasets = _access_of([resource.get("package_id") for resource in result.get("results") or []])
    result["results"] = [
        resource
        if viewer.may_use_dataset(datasets.get(resource.get("package_id"), {"access_rights": "restricted"}))
        else strip.strip_resource(resource)
        for resource in result.get("results") or []
    ]
    return result


@tk.side_effect_free
@tk.chained_action
def resource_view_list(original: Action, context: Context, data_dict: DataDict) -> Any:
    from ckanext.ecologie.access.auth import may_use_resource_data

    if not may_use_resource_data(context, data_dict.get("id")):
        tk.check_access("resource_view_list", context, data_dict)
        return []  # previews are the data; the resource page still shows its metadata
    return original(context, data_dict)


# --- activities ---------------------------------------------------------------


def _activity_stripper(context: Context):  # noqa: ANN202
    viewer = policy.viewer(context)

    def may_use(package: dict[str, Any]) -> bool:
        """The stricter of the snapshot's access rights and today's; an
        activity on something that is not a dataset passes."""
        current = model.Package.get(package.get("id") or "")
        if current is None:
            return package.get("access_rights") is None or viewer.may_use_dataset(package)
        today = {"id": current.id, "owner_org": current.owner_org, "access_rights": current.extras.get("access_rights")}
        snapshot_allows = package.get("access_rights") is None or viewer.may_use_dataset(package)
        return snapshot_allows and viewer.may_use_dataset(today)

    return may_use


def _activity_list(name: str) -> Action:
    @tk.side_effect_free
    @tk.chained_action
    def chained(original: Action, context: Context, data_dict: DataDict) -> Any:
        activities = original(context, data_dict)
        if policy.trusted(context):
            return activities
        may_use = _activity_stripper(context)
        return [strip.strip_activity(activity, may_use) for activity in activities]

    chained.__name__ = name
    return chained


@tk.side_effect_free
@tk.chained_action
def activity_show(original: Action, context: Context, data_dict: DataDict) -> Any:
    activity = original(context, data_dict)
    return activity if policy.trusted(context) else strip.strip_activity(activity, _activity_stripper(context))


@tk.side_effect_free
@tk.chained_action
def activity_data_show(original: Action, context: Context, data_dict: DataDict) -> Any:
    data = original(context, data_dict)
    if policy.trusted(context) or not isinstance(data, dict):
        return data
    package = data.get("package") if "package" in data else (data if "resources" in data else None)
    if isinstance(package, dict) and not _activity_stripper(context)(package):
        strip.strip_dataset(package)
    return data


@tk.side_effect_free
@tk.chained_action
def activity_diff(original: Action, context: Context, data_dict: DataDict) -> Any:
    result = original(context, data_dict)
    if policy.trusted(context):
        return result
    may_use = _activity_stripper(context)
    for activity in result.get("activities", []):
        package = (activity.get("data") or {}).get("package")
        if isinstance(package, dict) and not may_use(package):
            raise tk.NotAuthorized(tk._("The data of this dataset is restricted"))
    return result


ACTIVITY_LISTS = (
    "package_activity_list",
    "organization_activity_list",
    "group_activity_list",
    "user_activity_list",
    "recently_changed_packages_activity_list",
    "dashboard_activity_list",
)


def get_actions(activity_enabled: bool) -> dict[str, Any]:
    actions: dict[str, Any] = {
        "package_search": package_search,
        "current_package_list_with_resources": current_package_list_with_resources,
        "resource_search": resource_search,
        "resource_view_list": resource_view_list,
    }
    if activity_enabled:
        actions.update({name: _activity_list(name) for name in ACTIVITY_LISTS})
        actions.update(activity_show=activity_show, activity_data_show=activity_data_show, activity_diff=activity_diff)
    return actions
