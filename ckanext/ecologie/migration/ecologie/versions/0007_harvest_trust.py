"""What the sources file declares of harvest sources: that they are the
operator's, whether they may reach private addresses, whether records go to
their publishers' organisations, and sources whose datasets merge.

Revision ID: 0007_harvest_trust
Revises: 0006_harvest_pages
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_harvest_trust"
down_revision = "0006_harvest_pages"
branch_labels = None
depends_on = None


def _source(name: str, **kwargs: object) -> sa.Column:
    return sa.Column(name, sa.UnicodeText, sa.ForeignKey("harvest_source.id", ondelete="CASCADE"), **kwargs)


def upgrade() -> None:
    op.create_table(
        "ecologie_harvest_source_trust",
        _source("source_id", primary_key=True),
        sa.Column("url", sa.UnicodeText, nullable=False),
        sa.Column("config", sa.UnicodeText, nullable=False, server_default=""),
        sa.Column("publishers", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("private_addresses", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.create_table(
        "ecologie_harvest_source_link",
        _source("source_id", primary_key=True),
        _source("linked_source_id", primary_key=True),
    )
    op.create_index("ecologie_harvest_source_link_linked_idx", "ecologie_harvest_source_link", ["linked_source_id"])


def downgrade() -> None:
    op.drop_table("ecologie_harvest_source_link")
    op.drop_table("ecologie_harvest_source_trust")
