"""Password login: for everyone, or, once agents come through ProConnect,
for sysadmins only (`ckanext.ecologie.proconnect.password_login`)."""

from __future__ import annotations

from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib.authenticator import default_authenticate


def for_everyone() -> bool:
    return tk.config.get("ckanext.ecologie.proconnect.password_login") != "sysadmins"


def authenticate(identity: dict[str, Any]) -> model.User | model.AnonymousUser | None:
    """IAuthenticator.authenticate: CKAN's own check of the password, then,
    when passwords are for sysadmins only, a refusal for everyone else
    (an AnonymousUser ends the chain as a failed login)."""
    if for_everyone():
        return None
    user = default_authenticate(identity)
    if isinstance(user, model.User) and not user.sysadmin:
        return model.AnonymousUser()
    return user
