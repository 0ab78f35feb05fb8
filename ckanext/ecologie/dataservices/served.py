"""The datasets a dataservice serves, as our datasets: its served
identifiers are harvest identifiers (or URIs, which are the identifiers of
datasets identified by URI), found in the harvest's records."""

from __future__ import annotations

from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.types import Context

from ckanext.ecologie.harvest.model import HarvestRecord

MAX_SHOWN = 50


def dataset_ids(identifiers: list[str]) -> dict[str, str]:
    """identifier -> id of the dataset harvested under it, for those
    harvested (by any source; merged sources give one dataset)."""
    if not identifiers:
        return {}
    rows = (
        model.Session.query(HarvestRecord.identifier, HarvestRecord.package_id)
        .join(model.Package, model.Package.id == HarvestRecord.package_id)
        .filter(HarvestRecord.identifier.in_(identifiers), model.Package.state == "active")
        .order_by(HarvestRecord.identifier, HarvestRecord.package_id)
    )
    found: dict[str, str] = {}
    for identifier, package_id in rows:
        found.setdefault(identifier, package_id)
    return found


def served_datasets(context: Context, dataservice: dict[str, Any], rows: int = MAX_SHOWN) -> dict[str, Any]:
    """The served datasets the caller may see, through their own
    package_search (private datasets of others stay hidden)."""
    ids = sorted(set(dataset_ids(list(dataservice.get("served_datasets") or [])).values()))[:rows]
    if not ids:
        return {"count": 0, "results": []}
    return tk.get_action("package_search")(
        dict(context),  # type: ignore[arg-type]
        {"fq": "+id:({})".format(" OR ".join(ids)), "rows": rows, "include_private": True},
    )
