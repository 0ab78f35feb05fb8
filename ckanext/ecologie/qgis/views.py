"""/dataset/<id>/qgis and /bouquet/<id>/qgis: the QGIS project of a dataset,
or of every dataset of a bouquet, as the visitor may use them.

Every dataset is read in the visitor's context (package_show, or
package_search for a bouquet's): a private dataset the visitor may not see is
unknown (404, or left out of a bouquet), and a restricted one comes without
its resources' addresses, so without layers (`access/strip.py`)."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from flask import Blueprint, Response

from ckanext.ecologie.bouquets import BOUQUET, export
from ckanext.ecologie.contexts import user_context
from ckanext.ecologie.qgis import layers, project

qgis = Blueprint("ecologie_qgis", __name__)
DATASET = "dataset"


def _shown(id: str, package_type: str) -> dict[str, Any] | None:
    """The package as the visitor sees it, or None when it is unknown to them."""
    try:
        package = tk.get_action("package_show")(user_context(), {"id": id})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return None
    return package if package.get("type") == package_type else None


def bouquet_layers(bouquet: dict[str, Any]) -> list[layers.Layer]:
    """The layers of the bouquet's datasets, in the bouquet's order."""
    items = tk.get_action("ecologie_bouquet_item_list")(user_context(), {"bouquet_id": bouquet["id"]})
    # one search per hundred datasets, as the bouquet's exports, not a package_show per item
    datasets = export.item_datasets(user_context(), items)
    found: list[layers.Layer] = []
    for item in items:
        dataset = datasets.get((item.get("dataset") or {}).get("id", ""))
        if dataset:  # not data elsewhere on the web, missing, or a dataset the visitor may not see
            found += layers.of_dataset(dataset)
    return layers.unique(found)


def _project(package: dict[str, Any], found: list[layers.Layer]) -> Response:
    title = package.get("title") or package["name"]
    return Response(
        project.build(title, found),
        mimetype=project.CONTENT_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{package["name"]}.qgs"'},
    )


def dataset_project(id: str) -> Response:
    dataset = _shown(id, DATASET)
    if dataset is None:
        return tk.abort(404, tk._("Dataset not found"))
    found = layers.of_dataset(dataset)
    if not found:
        return tk.abort(404, tk._("This dataset has no map layer to open in QGIS"))
    return _project(dataset, found)


def bouquet_project(id: str) -> Response:
    bouquet = _shown(id, BOUQUET)
    if bouquet is None:
        return tk.abort(404, tk._("Bouquet not found"))
    found = bouquet_layers(bouquet)
    if not found:
        return tk.abort(404, tk._("This bouquet has no map layer to open in QGIS"))
    return _project(bouquet, found)


qgis.add_url_rule("/dataset/<id>/qgis", view_func=dataset_project, endpoint="dataset_project")
qgis.add_url_rule("/bouquet/<id>/qgis", view_func=bouquet_project, endpoint="bouquet_project")
