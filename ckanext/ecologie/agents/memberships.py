"""Organisation membership from the mapping, brought up to date at each
login: the mapping's organisations are joined as `member`; those the mapping
granted and no longer gives are left. Memberships an organisation admin
granted are never touched, nor one an admin has since raised to editor."""

from __future__ import annotations

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.ecologie.agents.model import MappedMembership
from ckanext.ecologie.site import site_context


def _membership(user: model.User, organization_id: str) -> model.Member | None:
    return (
        model.Session.query(model.Member)
        .filter_by(group_id=organization_id, table_name="user", table_id=user.id, state="active")
        .first()
    )


def join(user: model.User, wanted: set[str]) -> list[str]:
    """Join the organisations the mapping gives; the caller commits."""
    granted = {row.organization_id for row in model.Session.query(MappedMembership).filter_by(user_id=user.id)}
    added = []
    for organization_id in sorted(wanted - granted):
        if _membership(user, organization_id) is not None:
            continue  # an admin's doing: not the mapping's to take back later
        context = {**site_context(), "defer_commit": True}
        tk.get_action("member_create")(
            context, {"id": organization_id, "object": user.id, "object_type": "user", "capacity": "member"}
        )
        model.Session.add(MappedMembership(user_id=user.id, organization_id=organization_id))
        added.append(organization_id)
    return added


def leave(user: model.User, wanted: set[str]) -> list[str]:
    """Leave what the mapping granted and gives no more (each step commits)."""
    removed = []
    for mapped in model.Session.query(MappedMembership).filter_by(user_id=user.id).all():
        if mapped.organization_id in wanted:
            continue
        member = _membership(user, mapped.organization_id)
        model.Session.delete(mapped)
        if member is not None and member.capacity == "member":
            tk.get_action("member_delete")(
                site_context(), {"id": mapped.organization_id, "object": user.id, "object_type": "user"}
            )
            removed.append(mapped.organization_id)
        model.Session.commit()
    return removed
