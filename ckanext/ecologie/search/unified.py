"""The unified search: one `package_search` over datasets, bouquets and APIs
(dataservices) with the visitor's context, so that private records stay
unknown to outsiders and restricted ones come stripped of their data.

Everything the page shows is computed here, with its address: the type
switch and its counts, the facets (labels sorted the French way, accents
folded), the active filters each with the address that drops exactly it,
the reset address and the pages."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

import ckan.plugins.toolkit as tk
from ckan.lib.pagination import Page
from ckan.lib.search import SearchError, SearchQueryError

from ckanext.ecologie.access.rights import INDEX_FIELD
from ckanext.ecologie.bouquets import BOUQUET
from ckanext.ecologie.bouquets import search as bouquet_search
from ckanext.ecologie.contexts import user_context
from ckanext.ecologie.dataservices import DATASERVICE
from ckanext.ecologie.resilience.outages import SearchUnavailable
from ckanext.ecologie.text import fold
from ckanext.ecologie.themes import search as theme_search

DATASET = "dataset"
TYPES = (DATASET, BOUQUET, DATASERVICE)
ALL = "all"
TYPE_PARAMETER = "type"
TYPE_FIELD = "dataset_type"
FACET_LIMIT = 50

# Facets shown for each type switch position, in order.
_COMMON = (theme_search.ORGANIZATION_TYPE_FIELD, "organization", INDEX_FIELD)
FACETS: dict[str, tuple[str, ...]] = {
    ALL: (theme_search.THEME_FIELD, *_COMMON, "res_format", "license_id"),
    DATASET: (theme_search.THEME_FIELD, theme_search.SUBTHEME_FIELD, *_COMMON, "res_format", "license_id"),
    BOUQUET: (
        bouquet_search.TOP_FIELD,
        bouquet_search.SUBTHEME_FIELD,
        theme_search.ORGANIZATION_TYPE_FIELD,
        "organization",
    ),
    DATASERVICE: (theme_search.THEME_FIELD, *_COMMON, "license_id"),
}
# The only fields a visitor may filter on: those of the facets.
FILTER_FIELDS = frozenset(field for fields in FACETS.values() for field in fields)
SORTS = ("score desc, metadata_modified desc", "metadata_modified desc", "title_string asc")


def type_labels() -> dict[str, str]:
    _ = tk._
    return {ALL: _("All types"), DATASET: _("Datasets"), BOUQUET: _("Bouquets"), DATASERVICE: _("APIs")}


def facet_titles() -> dict[str, str]:
    _ = tk._
    return {
        theme_search.THEME_FIELD: _("Themes"),
        theme_search.SUBTHEME_FIELD: _("Sub-themes"),
        bouquet_search.TOP_FIELD: _("Themes"),
        bouquet_search.SUBTHEME_FIELD: _("Sub-themes"),
        theme_search.ORGANIZATION_TYPE_FIELD: _("Organisation types"),
        "organization": _("Organizations"),
        INDEX_FIELD: _("Access"),
        "res_format": _("Formats"),
        "license_id": _("Licenses"),
    }


def sort_labels() -> list[tuple[str, str]]:
    _ = tk._
    return list(zip(SORTS, (_("Relevance"), _("Last modified"), _("Title")), strict=True))


def french_order(label: str) -> tuple[str, str]:
    """The sort key of a label, the French way: "Énergie" between "Eau"
    and "Environnement"."""
    return (fold(label), label)


class Query:
    """What the visitor asked, read from the address: only the known type,
    filter fields and sorts are kept."""

    def __init__(self, args: Any) -> None:
        self.q: str = (args.get("q") or "").strip()
        chosen = args.get(TYPE_PARAMETER) or ALL
        self.type: str = chosen if chosen in TYPES else ALL
        self.sort: str | None = args.get("sort") if args.get("sort") in SORTS else None
        self.filters: list[tuple[str, str]] = []
        for name, value in args.items(multi=True):
            if name in FILTER_FIELDS and value and (name, value) not in self.filters:
                self.filters.append((name, value))

    def params(
        self,
        *,
        type: str | None = None,
        filters: Sequence[tuple[str, str]] | None = None,
        sort: str | None = "",
        page: int | None = None,
    ) -> list[tuple[str, str]]:
        """The parameters of an address from this query, with changes."""
        chosen = self.type if type is None else type
        kept_sort = self.sort if sort == "" else sort
        params: list[tuple[str, str]] = [("q", self.q)] if self.q else []
        if chosen != ALL:
            params.append((TYPE_PARAMETER, chosen))
        params.extend(self.filters if filters is None else filters)
        if kept_sort:
            params.append(("sort", kept_sort))
        if page and page > 1:
            params.append(("page", str(page)))
        return params

    def filter_query(self) -> str:
        return " ".join(f"+{field}:{_quoted(value)}" for field, value in self.filters)


def _quoted(value: str) -> str:
    return '"{}"'.format(value.replace("\\", "\\\\").replace('"', '\\"'))


def address(url: str, params: list[tuple[str, str]]) -> str:
    return f"{url}?{urlencode(params)}" if params else url


def _search(data_dict: dict[str, Any]) -> dict[str, Any]:
    data_dict.setdefault("include_private", tk.config.get("ckan.search.default_include_private"))
    return tk.get_action("package_search")(user_context(for_view=True), data_dict)


def search_page(args: Any, url: str, page_number: int) -> dict[str, Any]:
    """The template variables of the unified search page at `url`."""
    query = Query(args)
    limit = tk.config.get("ckan.datasets_per_page")
    titles = facet_titles()
    facet_fields = list(FACETS[query.type])
    every_type = f"+{TYPE_FIELD}:({' OR '.join(TYPES)}) {query.filter_query()}".strip()
    asked: dict[str, Any] = {
        "q": query.q,
        "rows": limit,
        "start": (page_number - 1) * limit,
        "sort": query.sort,
        "facet.limit": FACET_LIMIT,
    }
    variables: dict[str, Any] = {"query": query, "url": url, "query_error": False, "sorts": sort_labels()}
    try:
        if query.type == ALL:
            result = _search({**asked, "fq": every_type, "facet.field": [TYPE_FIELD, *facet_fields]})
            by_type = result["facets"].get(TYPE_FIELD, {})
        else:
            counted = _search({"q": query.q, "fq": every_type, "facet.field": [TYPE_FIELD], "rows": 0})
            by_type = counted["facets"].get(TYPE_FIELD, {})
            chosen = f"+{TYPE_FIELD}:{query.type} {query.filter_query()}".strip()
            result = _search({**asked, "fq": chosen, "facet.field": facet_fields})
    except SearchQueryError as error:
        return tk.abort(400, tk._("Invalid search query: {error_message}").format(error_message=str(error)))
    except SearchUnavailable:
        raise  # the whole page is a search: the 503 page says Solr is down
    except SearchError:
        result, by_type = {"count": 0, "results": [], "search_facets": {}}, {}
        variables["query_error"] = True
    page = Page(
        collection=result["results"],
        page=page_number,
        url=lambda q=None, page=None: address(url, query.params(page=page)),
        item_count=result["count"],
        items_per_page=limit,
    )
    page.items = result["results"]
    facets = _facets(query, url, facet_fields, titles, result["search_facets"])
    variables.update(
        count=result["count"],
        page=page,
        types=_types(query, url, by_type),
        facets=facets,
        active=_active(query, url, titles, facets),
        reset_url=address(url, query.params(type=ALL, filters=[], sort=None)),
    )
    return variables


def _types(query: Query, url: str, by_type: dict[str, int]) -> list[dict[str, Any]]:
    labels = type_labels()
    counts = {ALL: sum(by_type.get(key, 0) for key in TYPES), **{key: by_type.get(key, 0) for key in TYPES}}
    return [
        {
            "key": key,
            "label": labels[key],
            "count": counts[key],
            "url": address(url, query.params(type=key)),
            "current": key == query.type,
        }
        for key in (ALL, *TYPES)
    ]


def _facets(
    query: Query, url: str, fields: list[str], titles: dict[str, str], search_facets: dict[str, Any]
) -> list[dict[str, Any]]:
    facets = []
    for field in fields:
        items = []
        for item in (search_facets.get(field) or {}).get("items", []):
            value = item["name"]
            active = (field, value) in query.filters
            others = [pair for pair in query.filters if pair != (field, value)]
            filters = others if active else [*query.filters, (field, value)]
            items.append(
                {
                    "value": value,
                    "label": item.get("display_name") or value,
                    "count": item["count"],
                    "active": active,
                    "url": address(url, query.params(filters=filters)),
                }
            )
        items.sort(key=lambda entry: french_order(entry["label"]))
        facets.append({"field": field, "title": titles[field], "items": items})
    return facets


def _active(query: Query, url: str, titles: dict[str, str], facets: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The active filters, each with the address that drops it and only it."""
    shown = {(facet["field"], item["value"]): item["label"] for facet in facets for item in facet["items"]}
    missing = [pair for pair in query.filters if pair not in shown]
    if missing:  # filters of another type's facets, or with no result: labelled here
        labelled: dict[str, Any] = {"search_facets": {}}
        for field, value in missing:
            labelled["search_facets"].setdefault(field, {"items": []})["items"].append({"name": value})
        for field, block in theme_search.label_facet_items(labelled)["search_facets"].items():
            for item in block["items"]:
                shown[(field, item["name"])] = item.get("display_name") or item["name"]
    return [
        {
            "field": field,
            "value": value,
            "title": titles[field],
            "label": shown.get((field, value), value),
            "url": address(url, query.params(filters=[pair for pair in query.filters if pair != (field, value)])),
        }
        for field, value in query.filters
    ]
