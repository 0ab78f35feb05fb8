"""The records of a remembered RDF page by digest (record_digests.py): a
changed page then runs the profiles on its changed records only.

Revision ID: 0010_harvest_record_digests
Revises: 0009_harvest_batches
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_harvest_record_digests"
down_revision = "0009_harvest_batches"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("ecologie_harvest_page", sa.Column("record_digests", sa.UnicodeText(), nullable=True))


def downgrade() -> None:
    op.drop_column("ecologie_harvest_page", "record_digests")
