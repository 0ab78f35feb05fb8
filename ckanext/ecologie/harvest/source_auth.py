"""Harvest sources of harvesters other than ours (ckanext-harvest's CKAN
harvester, ckanext-dcat's DCAT harvester) update whatever dataset a record
names, whichever its organisation: only sysadmins declare or change them.
Sources of our harvesters stay with their organisation's editors: the rules
of ownership.py hold their records in. Clearing a source purges every
dataset its harvest objects name, whichever their organisation: its editors
may do it only while all are their organisation's."""

from __future__ import annotations

from typing import Any

import ckan.model as model
import ckan.plugins as plugins
import ckan.plugins.toolkit as tk
from ckan import authz
from ckan.logic.auth import get_package_object
from ckan.types import AuthFunction, AuthResult, Context, DataDict
from ckanext.harvest.interfaces import IHarvester
from ckanext.harvest.model import HarvestObject, HarvestSource
from sqlalchemy import or_

from ckanext.ecologie.harvest.base import EcologieHarvesterMixin

SOURCE = "harvest"  # ckanext-harvest's package type


def _ours(source_type: Any) -> bool:
    return source_type in {
        harvester.info()["name"]
        for harvester in plugins.PluginImplementations(IHarvester)
        if isinstance(harvester, EcologieHarvesterMixin)
    }


def _refused() -> AuthResult:
    return {"success": False, "msg": tk._("Only sysadmins declare and change sources of this harvester")}


@tk.chained_auth_function
def package_create(next_auth: AuthFunction, context: Context, data_dict: DataDict | None) -> AuthResult:
    data_dict = data_dict or {}
    foreign = data_dict.get("type") == SOURCE and not _ours(data_dict.get("source_type"))
    if foreign and not authz.is_sysadmin(context.get("user")):
        return _refused()
    return next_auth(context, data_dict)


@tk.chained_auth_function
def package_update(next_auth: AuthFunction, context: Context, data_dict: DataDict) -> AuthResult:
    package = get_package_object(context, data_dict)
    if package.type == SOURCE and not authz.is_sysadmin(context.get("user")):
        source = model.Session.get(HarvestSource, package.id)
        if not _ours(source.type if source else None) or not _ours(
            data_dict.get("source_type", source and source.type)
        ):
            return _refused()
    return next_auth(context, data_dict)


@tk.chained_auth_function
def harvest_source_clear(next_auth: AuthFunction, context: Context, data_dict: DataDict) -> AuthResult:
    """Also guards clearing a source's jobs or its index (same auth)."""
    source = model.Package.get(str(data_dict.get("id") or ""))
    if source is not None and not authz.is_sysadmin(context.get("user")):
        foreign = (
            model.Session.query(model.Package.id)
            .join(HarvestObject, HarvestObject.package_id == model.Package.id)
            .filter(HarvestObject.harvest_source_id == source.id)
            .filter(or_(model.Package.owner_org != source.owner_org, model.Package.owner_org.is_(None)))
            .first()
        )
        if foreign is not None:
            return {
                "success": False,
                "msg": tk._("This source brought datasets of other organisations: only sysadmins may clear it"),
            }
    return next_auth(context, data_dict)


def get_auth_functions() -> dict[str, Any]:
    return {
        "package_create": package_create,
        "package_update": package_update,
        "harvest_source_clear": harvest_source_clear,
    }
