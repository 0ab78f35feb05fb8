"""Accounts of agents who log in with ProConnect: found by the provider's
subject, created at the first login, never joined to an existing account
because an e-mail address matches."""

from __future__ import annotations

import secrets
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib.munge import munge_name
from sqlalchemy import func

from ckanext.ecologie.agents.model import AgentIdentity, now
from ckanext.ecologie.contexts import site_context

RESERVED_NAMES = {"new", "edit", "search"}  # CKAN's name validator refuses them


class LoginRefused(Exception):
    """The provider vouched for someone this portal will not log in."""


def full_name(claims: dict[str, Any]) -> str:
    # ProConnect names the family name `usual_name`; other providers `family_name`.
    family = claims.get("usual_name") or claims.get("family_name") or ""
    return " ".join(str(part).strip() for part in (claims.get("given_name"), family) if part).strip()


def _free_name(claims: dict[str, Any]) -> str:
    base = munge_name(full_name(claims) or str(claims.get("email", "")).split("@")[0])[:90].strip("-_") or "agent"
    base = base if len(base) >= 2 else f"agent-{base}"
    name, number = base, 1
    while name in RESERVED_NAMES or model.User.get(name) is not None:
        number += 1
        name = f"{base}-{number}"
    return name


def _holder_of(email: str) -> model.User | None:
    """The account that holds this address (deleted accounts hold none)."""
    return (
        model.Session.query(model.User)
        .filter(func.lower(model.User.email) == email.lower(), model.User.state != "deleted")
        .first()
    )


def _create(issuer: str, claims: dict[str, Any]) -> model.User:
    email = str(claims.get("email") or "").strip()
    if not email:
        raise LoginRefused(tk._("The identity provider gave no e-mail address."))
    if _holder_of(email) is not None:
        raise LoginRefused(
            tk._(
                "An account of this portal already uses this e-mail address. "
                "Ask an administrator of the portal to link it to your ProConnect identity."
            )
        )
    try:
        created = tk.get_action("user_create")(
            {**site_context(), "defer_commit": True},
            {
                "name": _free_name(claims),
                "email": email,
                "fullname": full_name(claims),
                "password": secrets.token_urlsafe(32),  # never told to anyone: the provider is the way in
            },
        )
    except tk.ValidationError as error:
        raise LoginRefused(
            tk._("The identity provider gave details this portal cannot take: {fields}.").format(
                fields=", ".join(sorted(error.error_dict))
            )
        ) from error
    model.Session.add(AgentIdentity(issuer=issuer, subject=claims["sub"], user_id=created["id"]))
    return model.User.get(created["id"])


def account_for(issuer: str, claims: dict[str, Any]) -> tuple[model.User, bool]:
    """The account of the provider's subject, and whether it is new. The
    name stays; the full name follows the provider."""
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject:
        raise LoginRefused(tk._("The identity provider gave no subject."))
    identity = model.Session.get(AgentIdentity, (issuer, subject))
    if identity is None:
        return _create(issuer, claims), True
    user = model.User.get(identity.user_id)
    if user is None or user.state != "active":
        raise LoginRefused(tk._("This account is disabled. Ask an administrator of the portal."))
    if full_name(claims) and user.fullname != full_name(claims):
        user.fullname = full_name(claims)
    email = str(claims.get("email") or "").strip()
    if email and email.lower() != (user.email or "").lower() and _holder_of(email) is None:
        user.email = email  # the address the provider vouches for now; kept when another account holds it
    identity.last_login = now()
    return user, False


def link(issuer: str, subject: str, user: model.User) -> None:
    """An administrator's decision: this provider identity is this existing
    account (the agent's earlier password account, say)."""
    if model.Session.get(AgentIdentity, (issuer, subject)) is not None:
        raise LoginRefused(tk._("This ProConnect identity already has an account."))
    model.Session.add(AgentIdentity(issuer=issuer, subject=subject, user_id=user.id))
    model.Session.commit()
