"""Harvest objects hold the record a source served, distribution addresses
included. ckanext-harvest shows them to anyone; here only to users who may
see the dataset and use its data, and to the source's editors."""

from __future__ import annotations

from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.types import Action, Context, DataDict

from ckanext.ecologie.access import policy, visibility


def _may_read(caller: Context, harvest_object: dict[str, Any]) -> bool:
    package = model.Package.get(harvest_object.get("package_id") or "")
    viewer = policy.viewer(caller)
    if (
        package is not None
        and visibility.may_see(caller, package.id)
        and viewer.may_use_dataset(policy.access_of(package))
    ):
        return True
    try:
        tk.check_access("harvest_source_update", dict(caller), {"id": harvest_object.get("harvest_source_id")})  # type: ignore[arg-type]
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return False
    return True


@policy.shown_to_caller
def harvest_object_show(caller: Context, harvest_object: dict[str, Any], data_dict: DataDict) -> Any:
    if not _may_read(caller, harvest_object):
        raise tk.NotAuthorized(tk._("The record of this dataset is restricted"))
    return harvest_object


def get_actions() -> dict[str, Action]:
    return {"harvest_object_show": harvest_object_show}
