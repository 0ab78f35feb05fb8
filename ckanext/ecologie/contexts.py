"""The two contexts our code calls actions with: the visitor's own (pages,
helpers), and the site user's, for work the portal does on its own account
(harvesting, granting the memberships the agents' mapping gives, deleting a
bouquet's vanished items)."""

from __future__ import annotations

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.types import Context


def user_context(for_view: bool = False) -> Context:
    """As the visitor: every answer is what this visitor may see."""
    context: Context = {"user": tk.current_user.name, "auth_user_obj": tk.current_user}  # type: ignore[typeddict-item]
    if for_view:
        context["for_view"] = True
    return context


def site_user_name() -> str:
    return tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]


def site_context() -> Context:
    return {"model": model, "session": model.Session, "user": site_user_name(), "ignore_auth": True}
