"""Template helpers of the DSFR pages: navigation, pagination, language
switch and alerts. The home page's figures are in `home.py`, the breadcrumb
in `breadcrumb.py`."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import ckan.plugins.toolkit as tk
from ckan.lib.pagination import Page

# CKAN's flash categories and the DSFR alert of each.
_ALERTS = {
    "alert-success": "success",
    "alert-error": "error",
    "alert-danger": "error",
    "alert-warning": "warning",
}


def main_navigation() -> list[dict[str, Any]]:
    """The items of the main navigation, the current one marked."""
    # (None, None) on an error page of an address no route matches
    blueprint, view = tk.get_endpoint()
    endpoint = f"{blueprint}.{view}"
    items = [
        (tk._("Home"), "home.index", endpoint == "home.index"),
        (tk._("Data"), "dataset.search", blueprint in ("dataset", "resource", "dataset_resource")),
        (tk._("Bouquets"), "bouquet.search", blueprint in ("bouquet", "ecologie_bouquets")),
        (tk._("Themes"), "ecologie_themes.index", blueprint == "ecologie_themes"),
        (tk._("About"), "home.about", endpoint == "home.about"),
    ]
    return [{"label": label, "url": tk.h.url_for(route), "current": current} for label, route, current in items]


def alert_type(category: str) -> str:
    """The DSFR alert type (`info`, `success`, `warning`, `error`) of a flash category."""
    return _ALERTS.get(category, "info")


def locales() -> list[dict[str, Any]]:
    """The offered languages, each with the address of this page in it."""
    current = tk.h.lang()
    here = tk.h.current_url()
    return [
        {
            "code": locale.short_name,
            "name": (locale.display_name or locale.english_name).capitalize(),
            "url": tk.h.url_for(here, locale=locale.short_name),
            "current": locale.short_name == current,
        }
        for locale in tk.h.get_available_locales()
    ]


def _page_url(number: int) -> str:
    """This page with every parameter of its address kept but `page`, as
    core's search pages build their pager's links (a `Page` keeps its own
    link builder private)."""
    here = tk.h.url_for(tk.request.endpoint, **(tk.request.view_args or {}))
    kept = [(name, value) for name, value in tk.request.args.items(multi=True) if name != "page"]
    return f"{here}?{urlencode([*kept, ('page', number)])}"


def pagination(page: Page) -> list[dict[str, Any]]:
    """The links of a DSFR pagination for a CKAN `Page`: first, previous,
    pages around the current one (with gaps), next and last."""
    if not page.page_count or page.page_count <= 1:
        return []

    current, last = page.page, page.last_page
    links: list[dict[str, Any]] = [
        {"kind": "first", "number": 1, "url": _page_url(1) if current > 1 else None},
        {"kind": "prev", "number": current - 1, "url": _page_url(current - 1) if current > 1 else None},
    ]
    shown = sorted({1, last, *range(max(1, current - 2), min(last, current + 2) + 1)})
    previous = 0
    for number in shown:
        if number - previous > 1:
            links.append({"kind": "gap"})
        links.append({"kind": "page", "number": number, "url": _page_url(number), "current": number == current})
        previous = number
    links += [
        {"kind": "next", "number": current + 1, "url": _page_url(current + 1) if current < last else None},
        {"kind": "last", "number": last, "url": _page_url(last) if current < last else None},
    ]
    return links


def get_helpers() -> dict[str, Any]:
    from ckanext.ecologie.ui import assets, breadcrumb, dataset_page, home, resource_page

    return {
        "ecologie_dsfr_script_url": assets.dsfr_script_url,
        "ecologie_main_navigation": main_navigation,
        "ecologie_breadcrumb": breadcrumb.crumbs,
        "ecologie_alert_type": alert_type,
        "ecologie_locales": locales,
        "ecologie_pagination": pagination,
        "ecologie_home_figures": home.figures,
        "ecologie_latest_bouquets": home.latest_bouquets,
        "ecologie_home_themes": home.themes,
        **dataset_page.get_helpers(),
        **resource_page.get_helpers(),
    }
