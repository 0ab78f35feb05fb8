"""Theme pages: /theme/ lists the themes, /theme/<id> searches within one."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.common import request
from flask import Blueprint

from ckanext.ecologie.contexts import user_context
from ckanext.ecologie.themes import listing, search
from ckanext.ecologie.themes.taxonomy import BOUQUET

themes = Blueprint("ecologie_themes", __name__, url_prefix="/theme")
BOUQUETS_SHOWN = 6


def index() -> str:
    concepts = tk.get_action("ecologie_theme_list")(user_context(for_view=True), {"scheme": "dataset"})
    return tk.render("themes/index.html", {"concepts": concepts})


def read(id: str) -> str:
    try:
        concept = tk.get_action("ecologie_theme_show")(user_context(for_view=True), {"id": id})
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Theme not found"))
    url = tk.h.url_for("ecologie_themes.read", id=id)
    variables = listing.search_page(search.theme_filter(id), url)
    variables.update(concept=concept, bouquets=_bouquets(concept))
    if request.headers.get("HX-Request"):
        return tk.render("package/snippets/search_htmx.html", variables)
    return tk.render("themes/read.html", variables)


def _bouquets(concept: dict[str, Any]) -> dict[str, Any]:
    """The latest bouquets of the bouquet themes this theme maps onto."""
    mapped = concept.get("bouquet_themes") or []
    if not mapped:
        return {"count": 0, "results": []}
    themes_fq = " OR ".join(f'"{theme}"' for theme in mapped)
    return tk.get_action("package_search")(
        user_context(for_view=True),
        {
            "fq": f"+dataset_type:{BOUQUET} +{search.BOUQUET_THEME_FIELD}:({themes_fq})",
            "rows": BOUQUETS_SHOWN,
            "sort": "metadata_modified desc",
            "include_private": tk.config.get("ckan.search.default_include_private"),
        },
    )


themes.add_url_rule("/", view_func=index, endpoint="index")
themes.add_url_rule("/<id>", view_func=read, endpoint="read")
