"""What happens to items when their dataset goes: they are marked, never
deleted, so the bouquet keeps saying what it needed."""

from __future__ import annotations

import datetime
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.logic import index_update_package
from ckan.types import Action, Context, DataDict

from ckanext.ecologie.bouquets.model import BouquetItem
from ckanext.ecologie.contexts import site_context


def dataset_deleted(package_id: str | None) -> None:
    if not package_id:
        return
    model.Session.query(BouquetItem).filter(BouquetItem.package_id == package_id).update(
        {BouquetItem.dataset_removed: datetime.datetime.utcnow()}, synchronize_session=False
    )


def dataset_hidden(pkg_dict: dict[str, Any]) -> None:
    """A dataset that is private or gone: the bouquets using it are indexed
    again, without its label (bouquets/search.py)."""
    if not pkg_dict.get("private") and pkg_dict.get("state", "active") == "active":
        return
    bouquet_ids = {
        bouquet_id
        for (bouquet_id,) in model.Session.query(BouquetItem.bouquet_id).filter(
            BouquetItem.package_id == pkg_dict.get("id")
        )
    }
    if not bouquet_ids:
        return
    context = site_context()
    for bouquet_id in bouquet_ids:
        # inside the dataset's transaction: indexed, never committed here
        index_update_package(dict(context), bouquet_id)  # package_show leaves the package in its context


@tk.chained_action
def dataset_purge(original: Action, context: Context, data_dict: DataDict) -> object:
    package = model.Package.get(data_dict.get("id") or "")
    if package is not None:
        dataset_deleted(package.id)  # the foreign key then empties package_id
    return original(context, data_dict)
