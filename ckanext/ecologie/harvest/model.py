"""Harvest state of our own: what each source's records became (one row per
source and identifier), the pages it served, and what a sysadmin granted it.

A record's identifier is its identifier URI when it has one, so the same
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
    digest, the page after it, its records' hashes (JSON object) and, for
    RDF pages, its records by digest (JSON object of [identifier, URI])."""

    __tablename__ = "ecologie_harvest_page"

    source_id = Column(UnicodeText, ForeignKey("harvest_source.id", ondelete="CASCADE"), primary_key=True)
    url = Column(UnicodeText, primary_key=True)
    digest = Column(UnicodeText, nullable=False)
    next_url = Column(UnicodeText)
    record_hashes = Column(UnicodeText, nullable=False)
    record_digests = Column(UnicodeText)


class SourceTrust(tk.BaseModel):
    """What the sources file granted a source, with the address and the
    configuration it declared: the grants hold while the source keeps them
    (its organisation's editors may change both through the web)."""

    __tablename__ = "ecologie_harvest_source_trust"

    source_id = Column(UnicodeText, ForeignKey("harvest_source.id", ondelete="CASCADE"), primary_key=True)
    url = Column(UnicodeText, nullable=False)
    config = Column(UnicodeText, nullable=False, server_default="", default="")
    publishers = Column(Boolean, nullable=False, server_default=false(), default=False)
    private_addresses = Column(Boolean, nullable=False, server_default=false(), default=False)


class SourceLink(tk.BaseModel):
    """Two sources whose records merge: each may update the datasets the
    other brought (a link reads both ways)."""

    __tablename__ = "ecologie_harvest_source_link"

    source_id = Column(UnicodeText, ForeignKey("harvest_source.id", ondelete="CASCADE"), primary_key=True)
    linked_source_id = Column(UnicodeText, ForeignKey("harvest_source.id", ondelete="CASCADE"), primary_key=True)

    __table_args__ = (Index("ecologie_harvest_source_link_linked_idx", "linked_source_id"),)
