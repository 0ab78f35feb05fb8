"""The home page's key figures and latest bouquets, as the visitor sees them:
every count is the visitor's own `package_search` (or `organization_list`)."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.ecologie.access import rights
from ckanext.ecologie.bouquets import BOUQUET
from ckanext.ecologie.contexts import user_context


def figures() -> dict[str, Any]:
    """Datasets, organisations and bouquets, and the share of datasets by
    access right, with the geometry of a stacked bar (percentages of 100)."""
    datasets = tk.get_action("package_search")(
        user_context(), {"rows": 0, "facet.field": [rights.INDEX_FIELD], "facet.limit": -1}
    )
    bouquets = tk.get_action("package_search")(user_context(), {"rows": 0, "fq": f"+dataset_type:{BOUQUET}"})
    organizations = tk.get_action("organization_list")(user_context(), {})
    by_access = datasets.get("facets", {}).get(rights.INDEX_FIELD, {})
    total = datasets["count"]
    labels = rights.access_right_labels()
    shares, offset = [], 0.0
    for key in rights.ACCESS_RIGHTS:
        count = by_access.get(key, 0)
        if key == rights.OPEN:
            # Datasets indexed before the access field count as open.
            count += total - sum(by_access.values())
        share = 100.0 * count / total if total else 0.0
        shares.append(
            {"key": key, "label": labels[key], "count": count, "percent": round(share), "x": offset, "width": share}
        )
        offset += share
    return {
        "datasets": total,
        "organizations": len(organizations),
        "bouquets": bouquets["count"],
        "access": shares,
    }


def latest_bouquets(limit: int = 3) -> list[dict[str, Any]]:
    """The last bouquets published, as the visitor sees them."""
    found = tk.get_action("package_search")(
        user_context(), {"fq": f"+dataset_type:{BOUQUET}", "sort": "metadata_created desc", "rows": limit}
    )
    return found["results"]


def themes() -> list[dict[str, Any]]:
    """The top themes of the datasets, with the visitor's counts."""
    return tk.get_action("ecologie_theme_list")(user_context(), {"scheme": "dataset"})
