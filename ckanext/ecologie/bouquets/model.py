"""Items of a bouquet, in their own table: a dataset of the catalogue, an
external URL, or data still missing, each with why it is needed."""

from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan.model.types import make_uuid
from sqlalchemy import Column, DateTime, ForeignKey, Index, Integer, UnicodeText

from ckanext.ecologie.dates import utc_now

AVAILABLE = "available"
URL_AVAILABLE = "url available"
MISSING = "missing"
NOT_AVAILABLE = "not available"
AVAILABILITIES = (AVAILABLE, URL_AVAILABLE, MISSING, NOT_AVAILABLE)


class BouquetItem(tk.BaseModel):
    __tablename__ = "ecologie_bouquet_item"

    id = Column(UnicodeText, primary_key=True, default=make_uuid)
    bouquet_id = Column(UnicodeText, ForeignKey("package.id", ondelete="CASCADE"), nullable=False)
    position = Column(Integer, nullable=False, default=0)
    label = Column(UnicodeText, nullable=False)
    purpose = Column(UnicodeText, nullable=False, default="")
    availability = Column(UnicodeText, nullable=False)
    # The item outlives its dataset: purging the dataset empties package_id
    # (the foreign key) and sets `dataset_removed` (bouquets/lifecycle.py).
    package_id = Column(UnicodeText, ForeignKey("package.id", ondelete="SET NULL"))
    uri = Column(UnicodeText)
    group = Column(UnicodeText)
    dataset_removed = Column(DateTime)
    created = Column(DateTime, nullable=False, default=utc_now)
    modified = Column(DateTime, nullable=False, default=utc_now, onupdate=utc_now)

    __table_args__ = (
        Index("ecologie_bouquet_item_bouquet_idx", "bouquet_id", "position"),
        Index("ecologie_bouquet_item_package_idx", "package_id"),
    )
