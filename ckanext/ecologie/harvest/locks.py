"""Cross-process locks (PostgreSQL advisory locks) for work that several
fetch consumers may do at once: creating the dataset of one identifier, the
organisation of one publisher."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager

import ckan.model as model
from sqlalchemy import text


def _key(name: str) -> int:
    return int.from_bytes(hashlib.sha1(name.encode("utf-8")).digest()[:8], "big", signed=True)


@contextmanager
def advisory_lock(name: str) -> Iterator[None]:
    """Held on a connection of its own: CKAN actions commit the session's
    transaction, and the lock must outlive those commits."""
    key = _key(name)
    with model.meta.engine.connect() as connection:
        connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": key})
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
            connection.commit()
