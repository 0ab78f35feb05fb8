"""The site user's context, for work the portal does on its own account
(creating an agent's account, granting the memberships the mapping gives)."""

from __future__ import annotations

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.types import Context


def site_context() -> Context:
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"model": model, "session": model.Session, "user": site_user["name"], "ignore_auth": True}
