"""Theme taxonomies loaded by `ckan ecologie themes load`.

Revision ID: 0001_taxonomies
Revises:
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001_taxonomies"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ecologie_taxonomy",
        sa.Column("scheme", sa.UnicodeText, primary_key=True),
        sa.Column("source", sa.UnicodeText, nullable=False),
        sa.Column("loaded_at", sa.DateTime, nullable=False),
        sa.Column("document", postgresql.JSONB, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("ecologie_taxonomy")
