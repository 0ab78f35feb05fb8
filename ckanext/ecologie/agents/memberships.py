"""Organisation membership from the mapping, brought up to date at each
login: the mapping proposes, organisation admins dispose. The mapping's
organisations are joined as `member`; those it granted and no longer gives
are left. What an organisation admin does wins: a membership they granted,
changed or took away is never undone by a login (`admin_changes.py` keeps
the record)."""

from __future__ import annotations

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.ecologie.access import grants
from ckanext.ecologie.agents.model import MappedMembership
from ckanext.ecologie.contexts import site_context

# Set in the context of the mapping's own member_create/member_delete, so
# that admin_changes.py tells them from an admin's.
MAPPING = "ecologie_agents_mapping"


def _membership(user: model.User, organization_id: str) -> model.Member | None:
    return (
        model.Session.query(model.Member)
        .filter_by(group_id=organization_id, table_name="user", table_id=user.id, state="active")
        .first()
    )


def _records(user: model.User) -> dict[str, MappedMembership]:
    rows = model.Session.query(MappedMembership).filter_by(user_id=user.id)
    return {row.organization_id: row for row in rows}


def join(user: model.User, wanted: set[str]) -> list[str]:
    """Join the organisations the mapping gives; the caller commits."""
    records = _records(user)
    added = []
    for organization_id in sorted(wanted):
        if organization_id in records:
            continue  # granted before, or taken away by an admin: left as it is
        if _membership(user, organization_id) is not None:
            continue  # an admin's doing: not the mapping's to take back later
        context = {**site_context(), "defer_commit": True, MAPPING: True}
        tk.get_action("member_create")(
            context, {"id": organization_id, "object": user.id, "object_type": "user", "capacity": "member"}
        )
        model.Session.add(MappedMembership(user_id=user.id, organization_id=organization_id))
        grants.audit("member_added", actor_id=None, user_id=user.id, organization_id=organization_id)
        added.append(organization_id)
    return added


def leave(user: model.User, wanted: set[str]) -> list[str]:
    """Leave what the mapping granted and gives no more; each removal is
    committed with its audit record."""
    removed = []
    for organization_id, record in _records(user).items():
        if organization_id in wanted:
            continue
        model.Session.delete(record)  # nor an admin's refusal to remember: the mapping no longer gives it
        if not record.revoked and _membership(user, organization_id) is not None:
            grants.audit("member_removed", actor_id=None, user_id=user.id, organization_id=organization_id)
            tk.get_action("member_delete")(
                {**site_context(), MAPPING: True},
                {"id": organization_id, "object": user.id, "object_type": "user"},
            )
            removed.append(organization_id)
        model.Session.commit()
    return removed
