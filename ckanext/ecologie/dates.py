"""Dates as our tables store them and our actions return them."""

from __future__ import annotations

import datetime


def iso(value: datetime.datetime | datetime.date | None) -> str | None:
    """ISO 8601, as CKAN's own dicts write dates; None stays None."""
    return value.isoformat() if value else None


def utc_now() -> datetime.datetime:
    """Naive UTC, as CKAN stores its own times (a column default)."""
    return datetime.datetime.utcnow()
