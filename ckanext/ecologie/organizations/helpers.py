"""Template helpers about organisations."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

# What a dataset page shows of its organisation (title, logo, description,
# type) needs none of these, and together they cost a search and a dozen
# queries on every dataset page.
_SUMMARY = {
    "include_datasets": False,
    "include_dataset_count": False,
    "include_users": False,
    "include_groups": False,
    "include_followers": False,
}


def organization_summary(id_or_name: str | None) -> dict[str, Any]:
    """An organisation as shown beside one of its datasets, as the visitor
    may see it; an empty dict when it is gone or hidden from them."""
    if not id_or_name:
        return {}
    try:
        return tk.get_action("organization_show")({}, {"id": id_or_name, **_SUMMARY})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return {}


def get_helpers() -> dict[str, Any]:
    return {"ecologie_organization_summary": organization_summary}
