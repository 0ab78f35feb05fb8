"""Template helpers of the DSFR pages: navigation, breadcrumb, pagination,
language switch and alerts. The home page's figures are in `home.py`."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
import lxml.html
from ckan.lib.helpers import pager_url
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


def breadcrumb(items_html: str) -> list[dict[str, str | None]]:
    """The `<li>` items of a `breadcrumb_content` block (core's markup) as
    label and address, for the DSFR breadcrumb. The home page comes first."""
    crumbs: list[dict[str, str | None]] = [{"label": tk._("Home"), "url": tk.h.url_for("home.index")}]
    if not items_html.strip():
        return crumbs
    for item in lxml.html.fragments_fromstring(items_html):
        if not isinstance(item, lxml.html.HtmlElement) or item.tag != "li":
            continue
        link = item.find(".//a")
        label = " ".join(item.text_content().split())
        if label:
            crumbs.append({"label": label, "url": link.get("href") if link is not None else None})
    return crumbs


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


def pagination(page: Page, **params: Any) -> list[dict[str, Any]]:
    """The links of a DSFR pagination for a CKAN `Page`: first, previous,
    pages around the current one (with gaps), next and last. `params` are
    kept in the addresses, as `page.pager(**params)` keeps them."""
    if not page.page_count or page.page_count <= 1:
        return []

    def url(number: int) -> str:
        generate = page._url_generator or pager_url
        return generate(**{**page.kwargs, **params, "page": number})

    current, last = page.page, page.last_page
    links: list[dict[str, Any]] = [
        {"kind": "first", "number": 1, "url": url(1) if current > 1 else None},
        {"kind": "prev", "number": current - 1, "url": url(current - 1) if current > 1 else None},
    ]
    shown = sorted({1, last, *range(max(1, current - 2), min(last, current + 2) + 1)})
    previous = 0
    for number in shown:
        if number - previous > 1:
            links.append({"kind": "gap"})
        links.append({"kind": "page", "number": number, "url": url(number), "current": number == current})
        previous = number
    links += [
        {"kind": "next", "number": current + 1, "url": url(current + 1) if current < last else None},
        {"kind": "last", "number": last, "url": url(last) if current < last else None},
    ]
    return links


def get_helpers() -> dict[str, Any]:
    from ckanext.ecologie.ui import assets, home

    return {
        "ecologie_dsfr_script_url": assets.dsfr_script_url,
        "ecologie_main_navigation": main_navigation,
        "ecologie_breadcrumb": breadcrumb,
        "ecologie_alert_type": alert_type,
        "ecologie_locales": locales,
        "ecologie_pagination": pagination,
        "ecologie_home_figures": home.figures,
        "ecologie_latest_bouquets": home.latest_bouquets,
        "ecologie_home_themes": home.themes,
    }
