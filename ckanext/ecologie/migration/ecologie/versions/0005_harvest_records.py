"""Harvested records: which dataset each source's record became, its content
hash, the last job that saw it, and deletions waiting for confirmation.

Revision ID: 0005_harvest_records
Revises: 0004_discussions
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_harvest_records"
down_revision = "0004_discussions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ecologie_harvest_record",
        sa.Column(
            "source_id", sa.UnicodeText, sa.ForeignKey("harvest_source.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("identifier", sa.UnicodeText, primary_key=True),
        sa.Column("package_id", sa.UnicodeText, sa.ForeignKey("package.id", ondelete="CASCADE"), nullable=False),
        sa.Column("content_hash", sa.UnicodeText, nullable=False),
        sa.Column("last_job_id", sa.UnicodeText),
        sa.Column("deletion_pending", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.create_index("ecologie_harvest_record_identifier_idx", "ecologie_harvest_record", ["identifier"])
    op.create_index("ecologie_harvest_record_package_idx", "ecologie_harvest_record", ["package_id"])


def downgrade() -> None:
    op.drop_table("ecologie_harvest_record")
