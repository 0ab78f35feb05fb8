"""What the organisation pages show, as the visitor sees it: an
organisation's figures (datasets, bouquets, APIs) and bouquets, and the
organisation list filtered by type with a count for each type.

Every count and list is the visitor's own `package_search` or
`organization_list`: private datasets stay out of an outsider's figures."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib.pagination import Page
from ckan.lib.search import SearchError
from ckan.lib.search.common import SolrConnectionError
from ckan.lib.search.query import solr_literal

from ckanext.ecologie.bouquets import BOUQUET
from ckanext.ecologie.contexts import user_context
from ckanext.ecologie.dataservices import DATASERVICE
from ckanext.ecologie.organizations import types
from ckanext.ecologie.text import fold

TYPE_PARAM = "organization_type"
# What a type filter link keeps of the list's address (the page goes back to 1).
KEPT_PARAMS = ("q", "sort")
_KINDS = ("dataset", BOUQUET, DATASERVICE)
# organization_list answers at most this many organisations with all_fields
_ALL_FIELDS_MAX = 25


def _owned_by(organization: dict[str, Any]) -> str:
    return f"+owner_org:{solr_literal(organization['id'])}"


def figures(organization: dict[str, Any]) -> dict[str, int] | None:
    """The organisation's datasets, bouquets and APIs the visitor may see;
    None when the search server does not answer."""
    kinds = " OR ".join(_KINDS)
    try:
        found = tk.get_action("package_search")(
            user_context(),
            {
                "q": "*:*",
                "fq": f"{_owned_by(organization)} +dataset_type:({kinds})",
                "rows": 0,
                "include_private": True,
                "facet.field": ["dataset_type"],
                "facet.limit": -1,
            },
        )
    except (SearchError, SolrConnectionError):
        return None
    counts = found.get("facets", {}).get("dataset_type", {})
    return {
        "datasets": counts.get("dataset", 0),
        "bouquets": counts.get(BOUQUET, 0),
        "apis": counts.get(DATASERVICE, 0),
    }


def bouquets(organization: dict[str, Any], limit: int = 6) -> list[dict[str, Any]]:
    """The bouquets the organisation publishes, last modified first."""
    try:
        found = tk.get_action("package_search")(
            user_context(),
            {
                "q": "*:*",
                "fq": f"{_owned_by(organization)} +dataset_type:{BOUQUET}",
                "rows": limit,
                "sort": "metadata_modified desc",
                "include_private": True,
            },
        )
    except (SearchError, SolrConnectionError):
        return []
    return found["results"]


def _all_names(context: dict[str, Any], query: dict[str, Any]) -> list[str]:
    """Every organisation the search finds, in order: organization_list
    answers at most `ckan.group_and_organization_list_max` names at a time."""
    most = tk.config.get("ckan.group_and_organization_list_max")
    names: list[str] = []
    while True:
        found = tk.get_action("organization_list")(
            dict(context), {**query, "all_fields": False, "limit": most, "offset": len(names)}
        )
        names += found
        if len(found) < most:
            return names


def _by_visible_count(context: dict[str, Any], names: list[str], descending: bool) -> list[str]:
    """The names ordered by the datasets the visitor may see. Core's
    `package_count` order counts private datasets too, and leaves out the
    organisations without any: the order itself would tell them."""
    found = tk.get_action("package_search")(
        dict(context),
        {"q": "*:*", "rows": 0, "include_private": True, "facet.field": ["organization"], "facet.limit": -1},
    )
    counts = found["facets"].get("organization", {})
    sign = -1 if descending else 1
    return sorted(names, key=lambda name: (sign * counts.get(name, 0), name))


def _types_by_name(names: list[str]) -> dict[str, str]:
    """The type of each named organisation (organisations are public: their
    type is what their page shows)."""
    if not names:
        return {}
    rows = model.Session.query(model.Group.name, model.Group.extras[types.EXTRA_KEY].astext).filter(
        model.Group.is_organization.is_(True), model.Group.name.in_(names), model.Group.extras.has_key(types.EXTRA_KEY)
    )
    return {name: value for name, value in rows if value}


def _with_type(type_id: str | None) -> str:
    """The list's address with this type filter (None: no filter), its
    search and sort kept, back on the first page."""
    # Only the list's own parameters, encoded here: request arguments given to
    # url_for as keywords could name another endpoint or host.
    args = [(key, value) for key, value in tk.request.args.items(multi=True) if key in KEPT_PARAMS]
    if type_id:
        args.append((TYPE_PARAM, type_id))
    here = tk.h.url_for("organization.index")
    return f"{here}?{urlencode(args)}" if args else here


def directory(per_page: int | None = None) -> dict[str, Any]:
    """The organisation list as the address asks it (`q`, `sort`,
    `organization_type`, `page`): a Page of organisations (their dataset
    counts the visitor's own), and the types with their counts among the
    organisations the search finds, sorted by label the French way."""
    args = tk.request.args
    per_page = per_page or tk.config.get("ckan.datasets_per_page")
    context = user_context(for_view=True)
    sort = args.get("sort") or None
    by_count = bool(sort) and sort.startswith("package_count")
    query = {"q": args.get("q", ""), "sort": None if by_count else sort, "type": "organization"}
    names = _all_names(context, query)
    if by_count:
        names = _by_visible_count(context, names, descending=not sort.endswith("asc"))
    type_of = _types_by_name(names)

    labels = types.labels()
    wanted = args.get(TYPE_PARAM) or None
    if wanted not in labels:
        wanted = None
    counts: dict[str, int] = {}
    for name in names:
        if type_of.get(name) in labels:
            counts[type_of[name]] = counts.get(type_of[name], 0) + 1
    facet = sorted(
        (
            {
                "id": type_id,
                "label": labels[type_id],
                "count": count,
                "active": type_id == wanted,
                "url": _with_type(None if type_id == wanted else type_id),
            }
            for type_id, count in counts.items()
        ),
        key=lambda item: (fold(item["label"]), item["label"]),
    )

    kept = [name for name in names if not wanted or type_of.get(name) == wanted]
    number = tk.h.get_page_number(args) or 1
    page = Page(collection=kept, page=number, items_per_page=per_page)
    on_page = list(page.items)
    shown: dict[str, dict[str, Any]] = {}
    for start in range(0, len(on_page), _ALL_FIELDS_MAX):
        chunk = on_page[start : start + _ALL_FIELDS_MAX]
        for organization in tk.get_action("organization_list")(
            dict(context),
            {
                **query,
                "all_fields": True,
                "organizations": chunk,
                "limit": len(chunk),
                "include_extras": True,
                "include_dataset_count": True,
            },
        ):
            shown[organization["name"]] = organization
    page.items = [shown[name] for name in on_page if name in shown]
    return {
        "page": page,
        "types": facet,
        "type": wanted,
        "type_label": labels.get(wanted or "", ""),
        "reset_url": _with_type(None),
        "total": len(names),
    }


def get_helpers() -> dict[str, Any]:
    return {
        "ecologie_organization_figures": figures,
        "ecologie_organization_bouquets": bouquets,
        "ecologie_organization_directory": directory,
    }
