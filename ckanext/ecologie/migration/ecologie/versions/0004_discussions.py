"""Discussions: threads and posts.

Revision ID: 0004_discussions
Revises: 0003_bouquets
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_discussions"
down_revision = "0003_bouquets"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ecologie_discussion_thread",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("subject_id", sa.UnicodeText, sa.ForeignKey("package.id", ondelete="CASCADE"), nullable=False),
        sa.Column("title", sa.UnicodeText, nullable=False),
        sa.Column("author_id", sa.UnicodeText, sa.ForeignKey("user.id", ondelete="CASCADE"), nullable=False),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("last_activity", sa.DateTime, nullable=False),
        sa.Column("closed", sa.DateTime),
        sa.Column("closed_by", sa.UnicodeText),
        sa.Column("hidden", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.create_index(
        "ecologie_discussion_thread_subject_idx", "ecologie_discussion_thread", ["subject_id", "last_activity"]
    )
    op.create_table(
        "ecologie_discussion_post",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column(
            "thread_id",
            sa.UnicodeText,
            sa.ForeignKey("ecologie_discussion_thread.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("author_id", sa.UnicodeText, sa.ForeignKey("user.id", ondelete="CASCADE"), nullable=False),
        sa.Column("body", sa.UnicodeText, nullable=False),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("edited", sa.DateTime),
        sa.Column("hidden", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.create_index("ecologie_discussion_post_thread_idx", "ecologie_discussion_post", ["thread_id", "created"])
    op.create_index("ecologie_discussion_post_author_idx", "ecologie_discussion_post", ["author_id", "created"])


def downgrade() -> None:
    op.drop_table("ecologie_discussion_post")
    op.drop_table("ecologie_discussion_thread")
