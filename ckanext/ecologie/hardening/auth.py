"""Auth functions that fail with a 500 for some callers: ckanext-harvest's
sysadmin checks on an anonymous caller, its job list without a source,
CKAN's collaborator checks without a user; and the harvest log, whose auth
function is the action itself (ckanext-harvest's module scan shares one
dict between its actions and its auth functions), which recurses until
Python gives up. Its entries can name private datasets: sysadmins only."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import AuthFunction, AuthResult, Context, DataDict


def _logged_in(context: Context) -> bool:
    user = model.User.get(context.get("user") or "")
    return user is not None and user.state == "active"


def _refused() -> AuthResult:
    return {"success": False, "msg": tk._("Not authorized")}


def _needs_a_user(name: str) -> AuthFunction:
    @tk.chained_auth_function
    def checked(next_auth: AuthFunction, context: Context, data_dict: DataDict) -> AuthResult:
        return next_auth(context, data_dict) if _logged_in(context) else _refused()

    checked.__name__ = name
    return checked


@tk.chained_auth_function
def harvest_job_list(next_auth: AuthFunction, context: Context, data_dict: DataDict) -> AuthResult:
    """Jobs of one source for its editors; all jobs for sysadmins only."""
    if not data_dict.get("source_id") or not _logged_in(context):
        return _refused()
    return next_auth(context, data_dict)


@tk.chained_auth_function
def harvest_log_list(next_auth: AuthFunction, context: Context, data_dict: DataDict) -> AuthResult:
    return _refused()  # sysadmins pass before any auth function


HARVEST_SYSADMIN_CHECKS = (
    "harvest_job_abort",
    "harvest_job_create_all",
    "harvest_jobs_run",
    "harvest_objects_import",
    "harvest_sources_clear",
    "harvest_sources_reindex",
)
CORE_USER_CHECKS = ("package_collaborator_list", "package_collaborator_delete", "package_collaborator_create")


def get_auth_functions(harvest_enabled: bool) -> dict[str, Any]:
    functions: dict[str, Any] = {name: _needs_a_user(name) for name in CORE_USER_CHECKS}
    if harvest_enabled:
        functions.update({name: _needs_a_user(name) for name in HARVEST_SYSADMIN_CHECKS})
        functions.update(harvest_job_list=harvest_job_list, harvest_log_list=harvest_log_list)
    return functions
