"""Grants, access requests and the audit log of restricted data."""

from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan.model.types import make_uuid
from sqlalchemy import Column, DateTime, ForeignKey, Index, UnicodeText
from sqlalchemy.dialects.postgresql import JSONB

from ckanext.ecologie.dates import utc_now


class AccessGrant(tk.BaseModel):
    """A user may use the data of one dataset, or of every dataset of one
    organisation, until `expires` (never when empty)."""

    __tablename__ = "ecologie_access_grant"

    id = Column(UnicodeText, primary_key=True, default=make_uuid)
    user_id = Column(UnicodeText, ForeignKey("user.id", ondelete="CASCADE"), nullable=False)
    package_id = Column(UnicodeText, ForeignKey("package.id", ondelete="CASCADE"))
    organization_id = Column(UnicodeText, ForeignKey("group.id", ondelete="CASCADE"))
    granted_by = Column(UnicodeText, nullable=False)
    created = Column(DateTime, nullable=False, default=utc_now)
    expires = Column(DateTime)
    request_id = Column(UnicodeText)

    __table_args__ = (Index("ecologie_access_grant_user_idx", "user_id"),)


class AccessRequest(tk.BaseModel):
    __tablename__ = "ecologie_access_request"

    id = Column(UnicodeText, primary_key=True, default=make_uuid)
    package_id = Column(UnicodeText, ForeignKey("package.id", ondelete="CASCADE"), nullable=False)
    user_id = Column(UnicodeText, ForeignKey("user.id", ondelete="CASCADE"), nullable=False)
    reason = Column(UnicodeText, nullable=False)
    status = Column(UnicodeText, nullable=False, default="pending")  # pending, approved, denied
    created = Column(DateTime, nullable=False, default=utc_now)
    decided_by = Column(UnicodeText)
    decided_at = Column(DateTime)
    decision_reason = Column(UnicodeText)

    __table_args__ = (
        Index("ecologie_access_request_package_idx", "package_id"),
        Index("ecologie_access_request_user_idx", "user_id"),
    )


class AccessAudit(tk.BaseModel):
    """Who did what, when. No foreign keys: the log outlives what it names."""

    __tablename__ = "ecologie_access_audit"

    id = Column(UnicodeText, primary_key=True, default=make_uuid)
    timestamp = Column(DateTime, nullable=False, default=utc_now)
    # request, approve, deny, grant, revoke, expire; agents: login, member_added, member_removed
    event = Column(UnicodeText, nullable=False)
    actor_id = Column(UnicodeText)  # who did it (empty for the expiry job)
    user_id = Column(UnicodeText)  # whose access it is about
    package_id = Column(UnicodeText)
    organization_id = Column(UnicodeText)
    details = Column(JSONB, nullable=False, default=dict)

    __table_args__ = (
        Index("ecologie_access_audit_package_idx", "package_id"),
        Index("ecologie_access_audit_organization_idx", "organization_id"),
    )
