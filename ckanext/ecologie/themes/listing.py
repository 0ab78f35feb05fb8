"""A dataset search page under another URL, with a fixed filter: the same
query, facets, sorts and pagination as /dataset/, through package_search
with the visitor's context."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any
from urllib.parse import urlencode

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.common import request
from ckan.lib.helpers import Page
from ckan.lib.search import SearchError, SearchQueryError

from ckanext.ecologie.contexts import user_context
from ckanext.ecologie.resilience.outages import SearchUnavailable

RESERVED = ("q", "page", "sort")


def facet_titles(package_type: str = "dataset") -> OrderedDict[str, str]:
    titles: OrderedDict[str, str] = OrderedDict((name, name) for name in tk.h.facets())
    for plugin in p.PluginImplementations(p.IFacets):
        titles = plugin.dataset_facets(titles, package_type)
    return titles


def search_page(fixed_fq: str, url: str, package_type: str = "dataset") -> dict[str, Any]:
    """Template variables of a search page whose results all match fixed_fq."""
    args = request.args
    q = args.get("q", "")
    sort = args.get("sort") or None
    page_number = tk.h.get_page_number(args)
    limit = tk.config.get("ckan.datasets_per_page")
    fields: list[tuple[str, str]] = []
    fields_grouped: dict[str, list[str]] = {}
    extras: dict[str, Any] = {}
    fq = f"{fixed_fq} +dataset_type:{package_type}"
    for name, value in args.items(multi=True):
        if name in RESERVED or not value or name.startswith("_"):
            continue
        if name.startswith("ext_"):
            extras[name] = value
            continue
        fields.append((name, value))
        fields_grouped.setdefault(name, []).append(value)
        fq += ' {}:"{}"'.format(name, value.replace('"', '\\"'))
    titles = facet_titles(package_type)
    context = user_context(for_view=True)
    params_nopage = [(name, value) for name, value in args.items(multi=True) if name != "page"]

    def pager_url(q: Any = None, page: int | None = None) -> str:  # Page passes q too
        return with_params(url, [*params_nopage, ("page", page)])

    variables: dict[str, Any] = {
        "q": q,
        "fields": fields,
        "fields_grouped": fields_grouped,
        "facet_titles": titles,
        "remove_field": lambda key, value=None, replace=None: tk.h.remove_url_param(
            key, value=value, replace=replace, alternative_url=url
        ),
        "dataset_type": package_type,
        "query_error": False,
        "translated_fields": {},
    }
    try:
        result = tk.get_action("package_search")(
            context,  # type: ignore[arg-type]
            {
                "q": q,
                "fq": fq.strip(),
                "facet.field": list(titles),
                "rows": limit,
                "start": (page_number - 1) * limit,
                "sort": sort,
                "extras": extras,
                "include_private": tk.config.get("ckan.search.default_include_private"),
            },
        )
    except SearchQueryError as error:
        tk.abort(400, tk._("Invalid search query: {error_message}").format(error_message=str(error)))
    except SearchUnavailable:
        raise  # the whole page is a search: the 503 page says Solr is down
    except SearchError:
        variables.update(query_error=True, search_facets={}, page=Page(collection=[]), sort_by_selected=sort)
        return variables
    page = Page(
        collection=result["results"], page=page_number, url=pager_url, item_count=result["count"], items_per_page=limit
    )
    page.items = result["results"]
    variables.update(
        search_facets=result["search_facets"], page=page, sort_by_selected=result["sort"], count=result["count"]
    )
    return variables


def with_params(url: str, params: list[tuple[str, Any]]) -> str:
    kept = [(name, value) for name, value in params if value is not None]
    return f"{url}?{urlencode(kept)}" if kept else url
