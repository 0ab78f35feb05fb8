"""Agents who log in with ProConnect: their provider identity, the
organisation mapping the portal admin declares, the memberships it granted.

Revision ID: 0008_agents
Revises: 0007_harvest_trust
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_agents"
down_revision = "0007_harvest_trust"
branch_labels = None
depends_on = None


def _user(name: str, **kwargs: object) -> sa.Column:
    return sa.Column(name, sa.UnicodeText, sa.ForeignKey("user.id", ondelete="CASCADE"), **kwargs)


def _organization(name: str, **kwargs: object) -> sa.Column:
    return sa.Column(name, sa.UnicodeText, sa.ForeignKey("group.id", ondelete="CASCADE"), **kwargs)


def upgrade() -> None:
    op.create_table(
        "ecologie_agent_identity",
        sa.Column("issuer", sa.UnicodeText, primary_key=True),
        sa.Column("subject", sa.UnicodeText, primary_key=True),
        _user("user_id", nullable=False),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("last_login", sa.DateTime, nullable=False),
    )
    op.create_index("ix_ecologie_agent_identity_user_id", "ecologie_agent_identity", ["user_id"])
    op.create_table(
        "ecologie_agent_rule",
        sa.Column("kind", sa.UnicodeText, primary_key=True),
        sa.Column("value", sa.UnicodeText, primary_key=True),
        _organization("organization_id", primary_key=True),
    )
    op.create_table(
        "ecologie_agent_membership",
        _user("user_id", primary_key=True),
        _organization("organization_id", primary_key=True),
        sa.Column("revoked", sa.Boolean, nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    op.drop_table("ecologie_agent_membership")
    op.drop_table("ecologie_agent_rule")
    op.drop_table("ecologie_agent_identity")
