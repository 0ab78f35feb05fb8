"""Template helper of the "Open in QGIS" button: its address, when the
package has layers the visitor may use."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.ecologie.bouquets import BOUQUET, export
from ckanext.ecologie.contexts import user_context
from ckanext.ecologie.qgis import layers


def _bouquet_has_layers(bouquet: dict[str, Any]) -> bool:
    """One search for the bouquet's datasets (as the visitor gets them, like the
    bouquet's exports) instead of a package_show per dataset on every page."""
    items = tk.get_action("ecologie_bouquet_item_list")(user_context(), {"bouquet_id": bouquet["id"]})
    datasets = export.item_datasets(user_context(), items)
    return any(layers.of_dataset(dataset) for dataset in datasets.values())


def qgis_url(pkg: dict[str, Any]) -> str | None:
    """/dataset/<name>/qgis or /bouquet/<name>/qgis, or None when there is no layer."""
    if pkg.get("type") == BOUQUET:
        if _bouquet_has_layers(pkg):
            return tk.h.url_for("ecologie_qgis.bouquet_project", id=pkg["name"])
        return None
    if pkg.get("type") == "dataset" and layers.of_dataset(pkg):
        return tk.h.url_for("ecologie_qgis.dataset_project", id=pkg["name"])
    return None


def get_helpers() -> dict[str, Any]:
    return {"ecologie_qgis_url": qgis_url}
