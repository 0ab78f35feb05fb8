"""Harvested pages: the digest of each page a source served, the page after
it and its records' hashes, so an unchanged page is not parsed again.

Revision ID: 0006_harvest_pages
Revises: 0005_harvest_records
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_harvest_pages"
down_revision = "0005_harvest_records"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ecologie_harvest_page",
        sa.Column(
            "source_id", sa.UnicodeText, sa.ForeignKey("harvest_source.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("url", sa.UnicodeText, primary_key=True),
        sa.Column("digest", sa.UnicodeText, nullable=False),
        sa.Column("next_url", sa.UnicodeText),
        sa.Column("record_hashes", sa.UnicodeText, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("ecologie_harvest_page")
