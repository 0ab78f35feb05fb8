"""An import that finds the database gone (a restart, a failover, a cut
connection) waits for it and starts again, rather than letting the fetch
consumer die with the record half-way: ckanext-harvest would leave that
record in the IMPORT state, and its job would never end. What the failed
attempt wrote to the database was rolled back (the importer also takes a
created dataset back out of the search index), so starting again is safe."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TypeVar

import ckan.model as model
import ckan.plugins.toolkit as tk
import sqlalchemy as sa

log = logging.getLogger(__name__)

# SQLSTATEs worth a new attempt: deadlock, serialisation failure.
_TRANSIENT = {"40P01", "40001"}

T = TypeVar("T")


def database_gone(error: BaseException) -> bool:
    """A lost or refused connection (no SQLSTATE: the server never answered
    the statement) or a transient conflict; not bad data, a timeout or a
    full disk, which a new attempt would meet again."""
    if not isinstance(error, sa.exc.DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    code = getattr(error.orig, "pgcode", None)
    return isinstance(error, (sa.exc.OperationalError, sa.exc.InterfaceError)) and (code is None or code in _TRANSIENT)


def _answers() -> bool:
    try:
        model.Session.rollback()
        model.Session.execute(sa.text("SELECT 1"))
        return True
    except sa.exc.DBAPIError:
        return False


def retried_while_the_database_is_gone(attempt: Callable[[], T], what: str) -> T:
    """`attempt()`, again after each failure that `database_gone` accepts,
    with a growing pause, for at most `ckanext.ecologie.harvest.database_wait`
    seconds from the first failure; then the error is raised and the consumer
    exits for its supervisor to restart it."""
    deadline: float | None = None
    pause = 0.5
    while True:
        try:
            return attempt()
        except sa.exc.DBAPIError as error:
            if not database_gone(error):
                raise
            if deadline is None:
                deadline = time.monotonic() + tk.config.get("ckanext.ecologie.harvest.database_wait")
            log.warning("the database does not answer (%s): %s waits for it", type(error).__name__, what)
            while True:
                if time.monotonic() + pause > deadline:
                    raise
                time.sleep(pause)
                pause = min(pause * 2, 10)
                if _answers():
                    break
