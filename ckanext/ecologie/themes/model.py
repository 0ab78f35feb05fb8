"""Storage of loaded taxonomies: one JSON document per scheme."""

from __future__ import annotations

import datetime

import ckan.plugins.toolkit as tk
from sqlalchemy import Column, DateTime, UnicodeText
from sqlalchemy.dialects.postgresql import JSONB


class StoredTaxonomy(tk.BaseModel):
    __tablename__ = "ecologie_taxonomy"

    scheme = Column(UnicodeText, primary_key=True)
    source = Column(UnicodeText, nullable=False)
    loaded_at = Column(DateTime, nullable=False, default=datetime.datetime.utcnow)
    document = Column(JSONB, nullable=False)
