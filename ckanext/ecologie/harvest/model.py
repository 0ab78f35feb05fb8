"""What each source's records became: one row per (source, identifier).

The identifier is the record's identifier URI when it has one, so the same
record from two sources points at one dataset (merged, not duplicated)."""

from __future__ import annotations

import ckan.plugins.toolkit as tk
from sqlalchemy import Boolean, Column, ForeignKey, Index, UnicodeText, false


class HarvestRecord(tk.BaseModel):
    __tablename__ = "ecologie_harvest_record"

    source_id = Column(UnicodeText, ForeignKey("harvest_source.id", ondelete="CASCADE"), primary_key=True)
    identifier = Column(UnicodeText, primary_key=True)
    package_id = Column(UnicodeText, ForeignKey("package.id", ondelete="CASCADE"), nullable=False)
    content_hash = Column(UnicodeText, nullable=False)
    last_job_id = Column(UnicodeText)
    deletion_pending = Column(Boolean, nullable=False, server_default=false(), default=False)

    __table_args__ = (
        Index("ecologie_harvest_record_identifier_idx", "identifier"),
        Index("ecologie_harvest_record_package_idx", "package_id"),
    )


class HarvestPage(tk.BaseModel):
    """A page a source served cleanly (every record read, no duplicate): its
    digest, the page after it and its records' hashes (JSON object)."""

    __tablename__ = "ecologie_harvest_page"

    source_id = Column(UnicodeText, ForeignKey("harvest_source.id", ondelete="CASCADE"), primary_key=True)
    url = Column(UnicodeText, primary_key=True)
    digest = Column(UnicodeText, nullable=False)
    next_url = Column(UnicodeText)
    record_hashes = Column(UnicodeText, nullable=False)
