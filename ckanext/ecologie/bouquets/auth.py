"""Who may do what with bouquets: any logged-in user creates one; its owner
(the owning organisation's editors and admins, or its creator when it has no
organisation) and sysadmins edit and delete it; drafts are seen by them only
(see labels.py)."""

from __future__ import annotations

from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan import authz
from ckan.logic.auth import get_package_object
from ckan.types import AuthFunction, AuthResult, Context, DataDict

from ckanext.ecologie.bouquets import BOUQUET
from ckanext.ecologie.bouquets.asked_type import creating_a_bouquet


def may_edit(user_name: str | None, bouquet: model.Package) -> bool:
    if not user_name:
        return False
    if authz.is_sysadmin(user_name):
        return True
    if bouquet.owner_org:
        return authz.has_user_permission_for_group_or_org(bouquet.owner_org, user_name, "update_dataset")
    user = model.User.get(user_name)
    return user is not None and bouquet.creator_user_id == user.id


def _result(allowed: bool, message: str) -> AuthResult:
    return {"success": True} if allowed else {"success": False, "msg": message}


@tk.chained_auth_function
def package_create(next_auth: AuthFunction, context: Context, data_dict: DataDict | None) -> AuthResult:
    data_dict = data_dict or {}
    if not creating_a_bouquet(data_dict):
        return next_auth(context, data_dict)
    user = context.get("user")
    if authz.auth_is_anon_user(context) or model.User.get(user or "") is None:
        return _result(False, tk._("Log in to create a bouquet"))
    organization = data_dict.get("owner_org")
    if organization and not authz.has_user_permission_for_group_or_org(organization, user, "create_dataset"):
        return _result(False, tk._("You may not add a bouquet to this organisation"))
    return {"success": True}


@tk.chained_auth_function
def package_update(next_auth: AuthFunction, context: Context, data_dict: DataDict) -> AuthResult:
    package = get_package_object(context, data_dict)
    if package.type != BOUQUET:
        return next_auth(context, data_dict)
    return _result(may_edit(context.get("user"), package), tk._("Only the bouquet's owner may change it"))


def _edit_bouquet(context: Context, data_dict: DataDict) -> AuthResult:
    tk.check_access("package_update", context, {"id": data_dict["id"]})
    return {"success": True}


@tk.auth_allow_anonymous_access
def _read_bouquet(context: Context, data_dict: DataDict) -> AuthResult:
    tk.check_access("package_show", context, {"id": data_dict["id"]})
    return {"success": True}


def _clone(context: Context, data_dict: DataDict) -> AuthResult:
    if model.User.get(context.get("user") or "") is None:
        return _result(False, tk._("Log in to clone a bouquet"))
    return _read_bouquet(context, data_dict)


def get_auth_functions() -> dict[str, Any]:
    return {
        "package_create": package_create,
        "package_update": package_update,
        "ecologie_bouquet_item_create": _edit_bouquet,
        "ecologie_bouquet_item_update": _edit_bouquet,
        "ecologie_bouquet_item_delete": _edit_bouquet,
        "ecologie_bouquet_item_reorder": _edit_bouquet,
        "ecologie_bouquet_check": _edit_bouquet,
        "ecologie_bouquet_item_list": _read_bouquet,
        "ecologie_bouquet_clone": _clone,
    }
