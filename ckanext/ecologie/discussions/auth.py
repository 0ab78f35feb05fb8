"""Coarse checks (a logged-in user); the actions check the subject's
visibility and moderation rights, which need the thread."""

from __future__ import annotations

from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.types import AuthResult, Context, DataDict


def _logged_in(context: Context, data_dict: DataDict) -> AuthResult:
    if model.User.get(context.get("user") or "") is None:
        return {"success": False, "msg": tk._("Log in to take part in discussions")}
    return {"success": True}


@tk.auth_allow_anonymous_access
def _anyone(context: Context, data_dict: DataDict) -> AuthResult:
    return {"success": True}


def get_auth_functions() -> dict[str, Any]:
    functions: dict[str, Any] = {
        name: _logged_in
        for name in (
            "ecologie_discussion_create",
            "ecologie_discussion_reply",
            "ecologie_discussion_edit",
            "ecologie_discussion_close",
            "ecologie_discussion_hide",
            "ecologie_discussion_delete",
        )
    }
    functions["ecologie_discussion_list"] = _anyone
    return functions
