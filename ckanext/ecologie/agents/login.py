"""A login through the provider, once its answer is checked: the account,
the memberships the mapping gives, the audit log."""

from __future__ import annotations

from typing import Any

import ckan.model as model

from ckanext.ecologie.access import grants
from ckanext.ecologie.agents import accounts, mapping, memberships


def log_in(issuer: str, claims: dict[str, Any]) -> model.User:
    """Find or create the agent's account and bring its memberships up to
    date; nothing is stored when the login is refused."""
    try:
        user, created = accounts.account_for(issuer, claims)
        wanted = mapping.organizations_for(claims)
        added = memberships.join(user, wanted)
        grants.audit(
            "login",
            actor_id=user.id,
            user_id=user.id,
            provider=issuer,
            account_created=created,
            siret=claims.get("siret"),
            idp_id=claims.get("idp_id"),
        )
        for organization_id in added:
            grants.audit("member_added", actor_id=None, user_id=user.id, organization_id=organization_id)
        model.Session.commit()
    except Exception:
        model.Session.rollback()
        raise
    for organization_id in memberships.leave(user, wanted):
        grants.audit("member_removed", actor_id=None, user_id=user.id, organization_id=organization_id)
        model.Session.commit()
    return user
