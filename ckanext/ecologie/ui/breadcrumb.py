"""The DSFR breadcrumb of every page, core's included.

CKAN has no breadcrumb data to hook into: each core template writes its
`breadcrumb_content` block as `<li>` markup. So this one module reads that
markup back (label and address of each item); if core changes its markup,
this is the only place to follow it.
"""

from __future__ import annotations

import ckan.plugins.toolkit as tk
import lxml.html


def crumbs(items_html: str) -> list[dict[str, str | None]]:
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
