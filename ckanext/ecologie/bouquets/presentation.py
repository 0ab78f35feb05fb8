"""Items as a given user sees them. Referenced datasets are looked up with
one package_search in the user's context, so the number of queries does not
grow with the number of items, and what the user may not see stays hidden."""

from __future__ import annotations

from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.types import Context

from ckanext.ecologie import dates
from ckanext.ecologie.bouquets.model import BouquetItem

SHOWN_FIELDS = ["id", "name", "title", "organization", "metadata_modified", "extras_access_rights"]


def visible_datasets(context: Context, package_ids: set[str]) -> dict[str, dict[str, Any]]:
    """The datasets the user may see, with only the fields an item shows,
    and their organisations' titles (one query)."""
    if not package_ids:
        return {}
    search_context = {"user": context.get("user"), "auth_user_obj": context.get("auth_user_obj")}
    found = tk.get_action("package_search")(
        search_context,  # type: ignore[arg-type]
        {
            "fq": "+dataset_type:dataset +id:({})".format(" OR ".join(f'"{package_id}"' for package_id in package_ids)),
            "rows": len(package_ids),
            "include_private": True,
            "fl": SHOWN_FIELDS,
        },
    )
    names = {dataset.get("organization") for dataset in found["results"] if dataset.get("organization")}
    titles = (
        dict(model.Session.query(model.Group.name, model.Group.title).filter(model.Group.name.in_(names)))
        if names
        else {}
    )
    for dataset in found["results"]:
        dataset["organization_title"] = titles.get(dataset.get("organization")) or dataset.get("organization")
    return {dataset["id"]: dataset for dataset in found["results"]}


def item_dicts(context: Context, records: list[BouquetItem]) -> list[dict[str, Any]]:
    datasets = visible_datasets(context, {record.package_id for record in records if record.package_id})
    dataset_url = tk.h.url_for("dataset.read", id="__dataset__", qualified=True)  # once, not per item
    shown = []
    for record in records:
        item: dict[str, Any] = {
            "id": record.id,
            "bouquet_id": record.bouquet_id,
            "position": record.position,
            "label": record.label,
            "purpose": record.purpose,
            "availability": record.availability,
            "package_id": record.package_id,
            "uri": record.uri,
            "group": record.group,
            "created": dates.iso(record.created),
            "modified": dates.iso(record.modified),
            "dataset": None,
            "unavailable": False,
        }
        if record.package_id or record.dataset_removed:
            dataset = datasets.get(record.package_id or "")
            if dataset is None:
                # a dataset the viewer may not see (or gone): say nothing of it
                item.update(label=tk._("Unavailable data"), package_id=None, uri=None, unavailable=True)
            else:
                item["dataset"] = {
                    "id": dataset["id"],
                    "name": dataset["name"],
                    "title": dataset.get("title"),
                    "organization": dataset.get("organization_title"),
                    "metadata_modified": dataset.get("metadata_modified"),
                    "access_rights": dataset.get("access_rights") or "open",
                    "url": dataset_url.replace("__dataset__", dataset["name"]),
                }
        shown.append(item)
    return shown
