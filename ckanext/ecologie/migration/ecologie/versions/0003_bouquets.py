"""Bouquet items.

Revision ID: 0003_bouquets
Revises: 0002_access
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_bouquets"
down_revision = "0002_access"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ecologie_bouquet_item",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("bouquet_id", sa.UnicodeText, sa.ForeignKey("package.id", ondelete="CASCADE"), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("label", sa.UnicodeText, nullable=False),
        sa.Column("purpose", sa.UnicodeText, nullable=False),
        sa.Column("availability", sa.UnicodeText, nullable=False),
        sa.Column("package_id", sa.UnicodeText, sa.ForeignKey("package.id", ondelete="SET NULL")),
        sa.Column("uri", sa.UnicodeText),
        sa.Column("group", sa.UnicodeText),
        sa.Column("dataset_removed", sa.DateTime),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("modified", sa.DateTime, nullable=False),
    )
    op.create_index("ecologie_bouquet_item_bouquet_idx", "ecologie_bouquet_item", ["bouquet_id", "position"])
    op.create_index("ecologie_bouquet_item_package_idx", "ecologie_bouquet_item", ["package_id"])


def downgrade() -> None:
    op.drop_table("ecologie_bouquet_item")
