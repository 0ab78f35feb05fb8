"""Read surfaces that carry a dataset's resources, stripped for users who
may not use them: package_show (and resource_show, which is built on it),
package_search (results and `fl`), current_package_list_with_resources,
resource_search and resource views. Activities, follows, listings built in
SQL and harvest records have modules of their own.

Internal calls (`ignore_auth`: indexing, activity snapshots, harvest) are left
whole, so the index and the history keep the full data for authorised users.
"""

from __future__ import annotations

import re
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.types import Action, Context, DataDict

from ckanext.ecologie.access import listings, policy, strip
from ckanext.ecologie.access.rights import INDEX_FIELD, OPEN
from ckanext.ecologie.resilience import outages

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
    return {INDEX_FIELD: [access]}


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
@outages.reports_search_outage
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


def _terms(data_dict: DataDict) -> dict[str, str]:
    """resource_search's `field:term` pairs (the original validates them)."""
    query = data_dict.get("query") or []
    pairs = [query] if isinstance(query, str) else list(query)
    return dict(str(pair).split(":", 1) for pair in pairs if ":" in str(pair))


def _still_matches(resource: dict[str, Any], terms: dict[str, str]) -> bool:
    """Whether the stripped resource still matches every term, as core
    matches them (a substring, ignoring case; a prefix for `hash`)."""
    for field, term in terms.items():
        value = str(resource.get(field) or "").casefold()
        found = value.startswith(term.casefold()) if field == "hash" else term.casefold() in value
        if not found:
            return False
    return True


@tk.side_effect_free
@tk.chained_action
def resource_search(original: Action, context: Context, data_dict: DataDict) -> Any:
    """A resource whose data the user may not use is found only by what
    they may see of it: its URL, or a name made of its URL, matches nothing
    (else the count would spell the URL out, one character at a time). The
    whole result is filtered before paging, so counts hide nothing."""
    if policy.trusted(context) or context.get("search_query"):  # internal: model objects, not dicts
        return original(context, data_dict)
    viewer = policy.viewer(policy.caller(context))
    bounds = listings.paging(data_dict, context)
    result = original(context, {**data_dict, "offset": None, "limit": None})
    if not isinstance(result, dict):
        return result
    terms = _terms(data_dict)
    datasets = _access_of([resource.get("package_id") for resource in result.get("results") or []])
    found = []
    for resource in result.get("results") or []:
        if viewer.may_use_dataset(datasets.get(resource.get("package_id"), {"access_rights": "restricted"})):
            found.append(resource)
            continue
        stripped = strip.strip_resource(resource)
        if _still_matches(stripped, terms):
            found.append(stripped)
    order_by = data_dict.get("order_by")
    if order_by:  # core sorted on stored values: the order would tell a hidden URL
        found.sort(key=lambda resource: str(resource.get(order_by) or ""))
    offset, limit = bounds
    page = found[offset : offset + limit] if limit is not None else found[offset:]
    return {**result, "count": len(found), "results": page}


@tk.side_effect_free
@tk.chained_action
def resource_view_list(original: Action, context: Context, data_dict: DataDict) -> Any:
    from ckanext.ecologie.access.auth import may_use_resource_data

    if not may_use_resource_data(context, data_dict.get("id")):
        tk.check_access("resource_view_list", context, data_dict)
        return []  # previews are the data; the resource page still shows its metadata
    return original(context, data_dict)
