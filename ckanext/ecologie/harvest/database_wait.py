"""An import that finds the database gone (a restart, a failover, a cut
connection) waits for it and starts again, rather than letting the fetch
consumer die with the record half-way: ckanext-harvest would leave that
record in the IMPORT state, and its job would never end. What the failed
attempt wrote was rolled back, so starting again is safe."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TypeVar

import ckan.model as model
import ckan.plugins.toolkit as tk
import sqlalchemy as sa

log = logging.getLogger(__name__)

# Connection lost or refused, deadlock, serialisation failure: what a new
# attempt may get past. Bad data raises other errors.
DATABASE_GONE = (sa.exc.OperationalError, sa.exc.InterfaceError)

T = TypeVar("T")


def _answers() -> bool:
    try:
        model.Session.rollback()
        model.Session.execute(sa.text("SELECT 1"))
        return True
    except DATABASE_GONE:
        return False


def retried_while_the_database_is_gone(attempt: Callable[[], T], what: str) -> T:
    """`attempt()`, again each time it finds the database gone, for at most
    `ckanext.ecologie.harvest.database_wait` seconds; then the error is
    raised and the consumer exits for its supervisor to restart it."""
    deadline = time.monotonic() + tk.config.get("ckanext.ecologie.harvest.database_wait")
    while True:
        try:
            return attempt()
        except DATABASE_GONE as error:
            log.warning("the database does not answer (%s): %s waits for it", type(error).__name__, what)
            while not _answers():
                if time.monotonic() > deadline:
                    raise
                time.sleep(1)
