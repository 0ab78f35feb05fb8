"""Threads and their messages, on a dataset or a bouquet."""

from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan.model.types import make_uuid
from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Index, UnicodeText

from ckanext.ecologie.dates import utc_now


class DiscussionThread(tk.BaseModel):
    __tablename__ = "ecologie_discussion_thread"

    id = Column(UnicodeText, primary_key=True, default=make_uuid)
    subject_id = Column(UnicodeText, ForeignKey("package.id", ondelete="CASCADE"), nullable=False)
    title = Column(UnicodeText, nullable=False)
    author_id = Column(UnicodeText, ForeignKey("user.id", ondelete="CASCADE"), nullable=False)
    created = Column(DateTime, nullable=False, default=utc_now)
    last_activity = Column(DateTime, nullable=False, default=utc_now)
    closed = Column(DateTime)
    closed_by = Column(UnicodeText)
    hidden = Column(Boolean, nullable=False, default=False)

    __table_args__ = (Index("ecologie_discussion_thread_subject_idx", "subject_id", "last_activity"),)


class DiscussionPost(tk.BaseModel):
    __tablename__ = "ecologie_discussion_post"

    id = Column(UnicodeText, primary_key=True, default=make_uuid)
    thread_id = Column(UnicodeText, ForeignKey("ecologie_discussion_thread.id", ondelete="CASCADE"), nullable=False)
    author_id = Column(UnicodeText, ForeignKey("user.id", ondelete="CASCADE"), nullable=False)
    body = Column(UnicodeText, nullable=False)
    created = Column(DateTime, nullable=False, default=utc_now)
    edited = Column(DateTime)
    hidden = Column(Boolean, nullable=False, default=False)

    __table_args__ = (
        Index("ecologie_discussion_post_thread_idx", "thread_id", "created"),
        Index("ecologie_discussion_post_author_idx", "author_id", "created"),
    )
