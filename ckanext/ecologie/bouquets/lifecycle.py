"""What happens to items when their dataset goes: they are marked, never
deleted, so the bouquet keeps saying what it needed."""

from __future__ import annotations

import datetime

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.types import Action, Context, DataDict

from ckanext.ecologie.bouquets.model import BouquetItem


def dataset_deleted(package_id: str | None) -> None:
    if not package_id:
        return
    model.Session.query(BouquetItem).filter(BouquetItem.package_id == package_id).update(
        {BouquetItem.dataset_removed: datetime.datetime.utcnow()}, synchronize_session=False
    )


@tk.chained_action
def dataset_purge(original: Action, context: Context, data_dict: DataDict) -> object:
    package = model.Package.get(data_dict.get("id") or "")
    if package is not None:
        dataset_deleted(package.id)  # the foreign key then empties package_id
    return original(context, data_dict)


def get_actions() -> dict[str, Action]:
    return {"dataset_purge": dataset_purge}
