"""A login through the provider, once its answer is checked: the account,
the memberships the mapping gives, the audit log."""

from __future__ import annotations

from typing import Any

import ckan.model as model
from sqlalchemy.exc import IntegrityError

from ckanext.ecologie.access import grants
from ckanext.ecologie.agents import accounts, mapping, memberships


def _account_and_memberships(issuer: str, claims: dict[str, Any]) -> tuple[model.User, set[str]]:
    user, created = accounts.account_for(issuer, claims)
    wanted = mapping.organizations_for(claims)
    memberships.join(user, wanted)
    grants.audit(
        "login",
        actor_id=user.id,
        user_id=user.id,
        provider=issuer,
        account_created=created,
        siret=claims.get("siret"),
        idp_id=claims.get("idp_id"),
    )
    model.Session.commit()
    return user, wanted


def log_in(issuer: str, claims: dict[str, Any]) -> model.User:
    """Find or create the agent's account and bring its memberships up to
    date; nothing is stored when the login is refused."""
    for attempt in (1, 2):
        try:
            user, wanted = _account_and_memberships(issuer, claims)
            break
        except IntegrityError:
            # The same agent's first login in another tab, or a name taken
            # meanwhile: once more, and the account the other one made is found.
            model.Session.rollback()
            if attempt == 2:
                raise
        except Exception:
            model.Session.rollback()
            raise
    memberships.leave(user, wanted)
    return user
