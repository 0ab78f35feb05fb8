"""Members of organisations, by capacity (shared by notices, labels and
permission checks)."""

from __future__ import annotations

from collections.abc import Iterable

import ckan.model as model


def admins(organization_id: str) -> list[model.User]:
    """The active admins of an organisation."""
    return (
        model.Session.query(model.User)
        .join(model.Member, model.Member.table_id == model.User.id)
        .filter(
            model.Member.group_id == organization_id,
            model.Member.table_name == "user",
            model.Member.capacity == "admin",
            model.Member.state == "active",
            model.User.state == "active",
        )
        .all()
    )


def organizations_of(user: model.User, capacities: Iterable[str] = ("admin",)) -> set[str]:
    """Ids of the active organisations where the user has one of these capacities."""
    rows = (
        model.Session.query(model.Member.group_id)
        .join(model.Group, model.Group.id == model.Member.group_id)
        .filter(
            model.Member.table_name == "user",
            model.Member.table_id == user.id,
            model.Member.state == "active",
            model.Member.capacity.in_(tuple(capacities)),
            model.Group.is_organization.is_(True),
            model.Group.state == "active",
        )
    )
    return {group_id for (group_id,) in rows}
