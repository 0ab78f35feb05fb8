"""The shared layout's sub-navigation on the DSFR.

Core templates and extensions fill the `content_primary_nav` block with
`h.build_nav_icon` / `h.build_nav_main` items (`<li>` or `<li class="active">`
around an `<a>` with a Font Awesome icon). Rather than replacing those core
helpers for the whole site (other extensions and the header call them too),
the layout reads the items the block produced and renders them itself: each
item keeps its URL and its label, the icon is dropped."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any


class _NavItems(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.items: list[dict[str, Any]] = []
        self._active = False
        self._link: dict[str, Any] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag == "li":
            self._active = "active" in classes
        elif tag == "a" and self._link is None:
            active = self._active or "active" in classes
            self._link = {"url": dict(attrs).get("href") or "#", "label": "", "active": active}

    def handle_data(self, data: str) -> None:
        if self._link is not None:
            self._link["label"] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._link is not None:
            self._link["label"] = " ".join(self._link["label"].split())
            if self._link["label"]:
                self.items.append(self._link)
            self._link = None
        elif tag == "li":
            self._active = False


def subnav_items(html: str) -> list[dict[str, Any]]:
    """The links of a rendered `content_primary_nav` block: url, label, active."""
    parser = _NavItems()
    parser.feed(str(html or ""))
    parser.close()
    return parser.items


def get_helpers() -> dict[str, Any]:
    return {"ecologie_subnav_items": subnav_items}
