"""Template helpers of bouquets."""

from __future__ import annotations

import functools
from typing import Any
from urllib.parse import quote

import ckan.plugins.toolkit as tk

from ckanext.ecologie.contexts import user_context


@functools.lru_cache(maxsize=4096)
def _purpose_html(text: str) -> Any:
    """Purposes rendered once per process (CKAN's sanitising markdown)."""
    return tk.h.render_markdown(text, auto_link=False)


def bouquet_items(pkg: dict[str, Any]) -> list[dict[str, Any]]:
    items = tk.get_action("ecologie_bouquet_item_list")(user_context(), {"bouquet_id": pkg["id"]})
    for item in items:
        item["purpose_html"] = _purpose_html(item["purpose"]) if item["purpose"] else ""
    return items


def bouquets_using(pkg: dict[str, Any]) -> list[dict[str, Any]]:
    if pkg.get("type") != "dataset":
        return []
    return tk.get_action("ecologie_bouquet_list_for_dataset")(user_context(), {"id": pkg["id"]})


def help_url(pkg: dict[str, Any], item: dict[str, Any]) -> str:
    """Where to tell the portal team about missing data (configurable)."""
    template = tk.config.get("ckanext.ecologie.bouquets.help_url")
    return template.format(bouquet=quote(pkg["name"]), item=quote(item["id"]), label=quote(item["label"]))


def get_helpers() -> dict[str, Any]:
    return {
        "ecologie_bouquet_items": bouquet_items,
        "ecologie_bouquets_using": bouquets_using,
        "ecologie_bouquet_help_url": help_url,
    }
