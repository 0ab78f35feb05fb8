"""Themes are public: anyone, logged in or not, may list and read them.
The counts they carry come from the caller's own searches."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import AuthResult, Context, DataDict


@tk.auth_allow_anonymous_access
def read_themes(context: Context, data_dict: DataDict | None) -> AuthResult:
    return {"success": True}


def get_auth_functions() -> dict[str, Any]:
    return {
        "ecologie_theme_list": read_themes,
        "ecologie_theme_show": read_themes,
        "ecologie_theme_autocomplete": read_themes,
    }
