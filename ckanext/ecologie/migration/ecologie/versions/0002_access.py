"""Restricted data: grants, access requests, audit log.

Revision ID: 0002_access
Revises: 0001_taxonomies
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002_access"
down_revision = "0001_taxonomies"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ecologie_access_grant",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("user_id", sa.UnicodeText, sa.ForeignKey("user.id", ondelete="CASCADE"), nullable=False),
        sa.Column("package_id", sa.UnicodeText, sa.ForeignKey("package.id", ondelete="CASCADE")),
        sa.Column("organization_id", sa.UnicodeText, sa.ForeignKey("group.id", ondelete="CASCADE")),
        sa.Column("granted_by", sa.UnicodeText, nullable=False),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("expires", sa.DateTime),
        sa.Column("request_id", sa.UnicodeText),
        sa.CheckConstraint(
            "(package_id IS NULL) <> (organization_id IS NULL)", name="ecologie_access_grant_one_target"
        ),
    )
    op.create_index("ecologie_access_grant_user_idx", "ecologie_access_grant", ["user_id"])
    op.create_table(
        "ecologie_access_request",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("package_id", sa.UnicodeText, sa.ForeignKey("package.id", ondelete="CASCADE"), nullable=False),
        sa.Column("user_id", sa.UnicodeText, sa.ForeignKey("user.id", ondelete="CASCADE"), nullable=False),
        sa.Column("reason", sa.UnicodeText, nullable=False),
        sa.Column("status", sa.UnicodeText, nullable=False),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("decided_by", sa.UnicodeText),
        sa.Column("decided_at", sa.DateTime),
        sa.Column("decision_reason", sa.UnicodeText),
    )
    op.create_index("ecologie_access_request_package_idx", "ecologie_access_request", ["package_id"])
    op.create_index("ecologie_access_request_user_idx", "ecologie_access_request", ["user_id"])
    op.create_table(
        "ecologie_access_audit",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("timestamp", sa.DateTime, nullable=False),
        sa.Column("event", sa.UnicodeText, nullable=False),
        sa.Column("actor_id", sa.UnicodeText),
        sa.Column("user_id", sa.UnicodeText),
        sa.Column("package_id", sa.UnicodeText),
        sa.Column("organization_id", sa.UnicodeText),
        sa.Column("details", postgresql.JSONB, nullable=False),
    )
    op.create_index("ecologie_access_audit_package_idx", "ecologie_access_audit", ["package_id"])
    op.create_index("ecologie_access_audit_organization_idx", "ecologie_access_audit", ["organization_id"])


def downgrade() -> None:
    op.drop_table("ecologie_access_audit")
    op.drop_table("ecologie_access_request")
    op.drop_table("ecologie_access_grant")
