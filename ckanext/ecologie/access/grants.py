"""Grants, access requests and the audit log: the writes, in one place.

Callers commit; every change leaves an audit entry in the same transaction.
"""

from __future__ import annotations

import datetime
from typing import Any

import ckan.model as model
from sqlalchemy import or_

from ckanext.ecologie import dates
from ckanext.ecologie.access.model import AccessAudit, AccessGrant, AccessRequest
from ckanext.ecologie.organizations import members


def audit(
    event: str,
    actor_id: str | None,
    user_id: str | None,
    package_id: str | None = None,
    organization_id: str | None = None,
    **details: Any,
) -> None:
    model.Session.add(
        AccessAudit(
            event=event,
            actor_id=actor_id,
            user_id=user_id,
            package_id=package_id,
            organization_id=organization_id,
            details=details,
        )
    )


def grant(
    actor_id: str,
    user_id: str,
    package: model.Package | None,
    organization: model.Group | None,
    expires: datetime.datetime | None,
    request_id: str | None = None,
) -> AccessGrant:
    """A new grant, or the existing one for the same user and target with its
    expiry updated (the same right is never held twice)."""
    query = model.Session.query(AccessGrant).filter(AccessGrant.user_id == user_id)
    if package is not None:
        query = query.filter(AccessGrant.package_id == package.id)
    else:
        query = query.filter(AccessGrant.organization_id == organization.id)  # type: ignore[union-attr]
    existing = query.first()
    record = existing or AccessGrant(
        user_id=user_id,
        package_id=package.id if package is not None else None,
        organization_id=organization.id if organization is not None else None,
    )
    record.granted_by = actor_id
    record.expires = expires
    record.request_id = request_id or record.request_id
    model.Session.add(record)
    model.Session.flush()
    audit(
        "grant",
        actor_id,
        user_id,
        package.id if package is not None else None,
        package.owner_org if package is not None else organization.id,  # type: ignore[union-attr]
        grant_id=record.id,
        expires=dates.iso(expires),
        renewed=existing is not None,
    )
    return record


def revoke(actor_id: str | None, record: AccessGrant, event: str = "revoke") -> None:
    package = model.Package.get(record.package_id) if record.package_id else None
    audit(
        event,
        actor_id,
        record.user_id,
        record.package_id,
        record.organization_id or (package.owner_org if package else None),
        grant_id=record.id,
        expires=dates.iso(record.expires),
    )
    model.Session.delete(record)


def expire_due(now: datetime.datetime | None = None) -> int:
    """Record and remove the grants whose end date has passed."""
    now = now or datetime.datetime.utcnow()
    due = model.Session.query(AccessGrant).filter(AccessGrant.expires.isnot(None), AccessGrant.expires <= now).all()
    for record in due:
        revoke(None, record, event="expire")
    return len(due)


def pending_request(user_id: str, package_id: str) -> AccessRequest | None:
    return (
        model.Session.query(AccessRequest).filter_by(user_id=user_id, package_id=package_id, status="pending").first()
    )


def admin_organizations(user: model.User) -> set[str]:
    return members.organizations_of(user, ("admin",))


def grants_query(
    user_id: str | None = None,
    package_id: str | None = None,
    organization_id: str | None = None,
    visible_organizations: set[str] | None = None,
    viewer_id: str | None = None,
) -> Any:
    """Grants filtered as asked; `visible_organizations` limits a non-sysadmin
    to grants on their organisations' datasets (and their own grants)."""
    query = model.Session.query(AccessGrant).outerjoin(model.Package, model.Package.id == AccessGrant.package_id)
    if user_id:
        query = query.filter(AccessGrant.user_id == user_id)
    if package_id:
        query = query.filter(AccessGrant.package_id == package_id)
    if organization_id:
        query = query.filter(
            or_(AccessGrant.organization_id == organization_id, model.Package.owner_org == organization_id)
        )
    if visible_organizations is not None:
        query = query.filter(
            or_(
                AccessGrant.user_id == viewer_id,
                AccessGrant.organization_id.in_(visible_organizations),
                model.Package.owner_org.in_(visible_organizations),
            )
        )
    return query.order_by(AccessGrant.created.desc())
