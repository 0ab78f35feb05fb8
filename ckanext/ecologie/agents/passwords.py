"""Password login: agents' accounts never open with a password (they come
through ProConnect, whoever holds their e-mail address); other accounts do,
for everyone or, with `ckanext.ecologie.proconnect.password_login =
sysadmins`, for sysadmins only."""

from __future__ import annotations

from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.ecologie.agents.model import AgentIdentity


def for_everyone() -> bool:
    return tk.config.get("ckanext.ecologie.proconnect.password_login") != "sysadmins"


def _account(login: str) -> model.User | None:
    # As CKAN's login finds it: by name, then by e-mail address.
    return model.User.by_name(login) or model.User.by_email(login)


def _closed(user: model.User) -> bool:
    if model.Session.query(AgentIdentity).filter_by(user_id=user.id).count():
        return True
    return not for_everyone() and not user.sysadmin


def refuse_closed_accounts() -> Any:
    """IAuthenticator.login: a password login of a closed account gets the
    answer of a wrong password, whatever the password (no oracle); None lets
    CKAN's login go on."""
    if tk.request.method != "POST":
        return None
    user = _account(str(tk.request.form.get("login") or ""))
    if user is None or not _closed(user):
        return None
    tk.h.flash_error(tk._("Login failed. Bad username or password."))
    return tk.render("user/login.html", {})
