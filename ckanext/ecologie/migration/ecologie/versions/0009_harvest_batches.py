"""The objects a batched harvest import holds back (batching.py): an index
of those only, so that claiming the next one stays one index lookup in a
job of 80,000 objects.

Revision ID: 0009_harvest_batches
Revises: 0008_agents
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_harvest_batches"
down_revision = "0008_agents"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ecologie_harvest_object_batched_idx",
        "harvest_object",
        ["harvest_job_id", "gathered"],
        postgresql_where=sa.text("state = 'BATCHED'"),
    )


def downgrade() -> None:
    op.drop_index("ecologie_harvest_object_batched_idx", table_name="harvest_object")
