"""Auth functions of restricted data, and the core auth functions chained so
that DataStore reads, resource views and downloaded files follow the
dataset's access rights (CKAN lets anyone who may see a resource's metadata
read them)."""

from __future__ import annotations

from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan import authz
from ckan.types import AuthFunction, AuthResult, Context, DataDict

from ckanext.ecologie.access import policy


def is_organization_admin(user_name: str | None, organization_id: str | None) -> bool:
    if not user_name or not organization_id:
        return False
    return authz.is_sysadmin(user_name) or authz.users_role_for_group_or_org(organization_id, user_name) == "admin"


def _admin_of_target(context: Context, data_dict: DataDict) -> AuthResult:
    if is_organization_admin(context.get("user"), data_dict.get("organization_id")):
        return {"success": True}
    return {"success": False, "msg": tk._("Only the admins of the owning organisation may do this")}


def _logged_in(context: Context, data_dict: DataDict) -> AuthResult:
    user = model.User.get(context.get("user") or "")
    if user is None:
        return {"success": False, "msg": tk._("You must be logged in")}
    return {"success": True}


def _any_admin(context: Context, data_dict: DataDict) -> AuthResult:
    from ckanext.ecologie.access.grants import admin_organizations

    user = model.User.get(context.get("user") or "")
    if user is not None and (user.sysadmin or admin_organizations(user)):
        return {"success": True}
    return {"success": False, "msg": tk._("Only sysadmins and organisation admins may read the audit log")}


def _dataset_of_resource(resource_id: str | None) -> model.Package | None:
    resource = model.Resource.get(resource_id) if resource_id else None
    return resource.package if resource is not None else None


def may_use_resource_data(context: Context, resource_id: str | None) -> bool:
    package = _dataset_of_resource(resource_id)
    if package is None or policy.trusted(context):
        return True  # unknown ids are left to the original check
    return policy.viewer(context).may_use_dataset(policy.access_of(package))


def _denied() -> AuthResult:
    return {"success": False, "msg": tk._("The data of this dataset is restricted")}


@tk.chained_auth_function
@tk.auth_allow_anonymous_access
def datastore_read(next_auth: AuthFunction, context: Context, data_dict: DataDict) -> AuthResult:
    """datastore_search and datastore_info (dumps use datastore_search)."""
    if not may_use_resource_data(context, data_dict.get("resource_id") or data_dict.get("id")):
        return _denied()
    return next_auth(context, data_dict)


@tk.chained_auth_function
@tk.auth_allow_anonymous_access
def datastore_search_sql(next_auth: AuthFunction, context: Context, data_dict: DataDict) -> AuthResult:
    # the DataStore hands the table names over as a generator: read it once,
    # for both checks (iterating it here would leave core's check nothing)
    tables = list(context.get("table_names", []))  # type: ignore[attr-defined]
    context["table_names"] = tables  # type: ignore[typeddict-unknown-key]
    if not all(may_use_resource_data(context, table) for table in tables):
        return _denied()
    return next_auth(context, data_dict)


@tk.chained_auth_function
@tk.auth_allow_anonymous_access
def resource_view_show(next_auth: AuthFunction, context: Context, data_dict: DataDict) -> AuthResult:
    view = model.ResourceView.get(data_dict.get("id") or "")
    if view is not None and not may_use_resource_data(context, view.resource_id):
        return _denied()
    return next_auth(context, data_dict)


def file_allows(context: Context, file: model.File, operation: str) -> bool | None:
    """Reading a file owned by a resource or dataset needs its data access;
    None leaves every other decision to CKAN."""
    owner = file.owner
    if operation != "show" or owner is None or policy.trusted(context):
        return None
    if owner.owner_type == "resource":
        return None if may_use_resource_data(context, owner.owner_id) else False
    if owner.owner_type == "package":
        package = model.Package.get(owner.owner_id)
        if package is not None:
            return None if policy.viewer(context).may_use_dataset(policy.access_of(package)) else False
    return None


def get_auth_functions(datastore_enabled: bool) -> dict[str, Any]:
    functions: dict[str, Any] = {
        "ecologie_access_grant_create": _admin_of_target,
        "ecologie_access_grant_delete": _admin_of_target,
        "ecologie_access_grant_list": _logged_in,
        "ecologie_access_request_create": _logged_in,
        "ecologie_access_request_list": _logged_in,
        "ecologie_access_request_decide": _admin_of_target,
        "ecologie_access_audit_list": _any_admin,
        "resource_view_show": resource_view_show,
    }
    if datastore_enabled:
        functions.update(
            datastore_search=datastore_read, datastore_info=datastore_read, datastore_search_sql=datastore_search_sql
        )
    return functions
