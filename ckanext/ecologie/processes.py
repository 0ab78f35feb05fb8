"""Commands that walk the whole catalogue, split over forked processes.

Most of such a command's time is Python (CKAN's indexing, its plugins'
hooks) and waits on PostgreSQL and Solr, which one process spends on one
core. Forked workers inherit the loaded CKAN and whatever module state the
caller set before the call, and open their own database connections; only
the work items and the results travel between processes, pickled (`work`
too: a module-level function).
"""

from __future__ import annotations

import gc
import multiprocessing
import signal
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from itertools import islice
from typing import TypeVar

import ckan.model as model
from sqlalchemy.pool import QueuePool

Item = TypeVar("Item")
Result = TypeVar("Result")


class ConnectionInUse(RuntimeError):
    """A database connection is checked out: it must not cross a fork."""


def forked_map(work: Callable[[Item], Result], items: Sequence[Item], workers: int) -> Iterator[Result]:
    """`work` over `items`, results in the items' order, in `workers`
    processes (in this one when 1). No more items run at once than there
    are workers: once one has failed, those running finish, no other
    starts, and its error is raised here after the results before it.
    Ctrl-C stops the command the same way (the workers ignore it, so that
    no item stops half-done). The caller's database session is closed
    first: its uncommitted changes are lost."""
    workers = min(workers, len(items))
    if workers <= 1:
        yield from map(work, items)
        return
    _release_connections()
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=multiprocessing.get_context("fork"), initializer=_worker_start
    ) as executor:
        upcoming = enumerate(items)
        running: dict[Future[Result], int] = {}
        finished: dict[int, Result] = {}
        failures: dict[int, BaseException] = {}
        next_index = 0
        for index, item in islice(upcoming, workers):
            running[executor.submit(work, item)] = index
        while running:
            # a worker takes the next item as soon as it is free, whatever
            # the others are at: results wait here to be given in order
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                index = running.pop(future)
                error = future.exception()
                if error is None:
                    finished[index] = future.result()
                else:
                    failures[index] = error
            if not failures:
                for index, item in islice(upcoming, len(done)):
                    running[executor.submit(work, item)] = index
            while next_index in finished:
                yield finished.pop(next_index)
                next_index += 1
        if failures:
            raise failures[min(failures)]


def _release_connections() -> None:
    """A connection checked out at the fork would be shared: a child's
    garbage collector could roll back the parent's transaction on it."""
    model.Session.remove()
    gc.collect()  # sessions only garbage still holds
    pool = model.ensure_engine().pool
    if isinstance(pool, QueuePool) and pool.checkedout():
        raise ConnectionInUse("a database connection is in use: close it before sharing work among processes")


def _worker_start() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    drop_parent_pool()


def drop_parent_pool() -> None:
    """In a forked child: the connections pooled before the fork are the
    parent's, dropped here without closing them (psycopg2 never closes
    another process's); the child's queries open connections of its own."""
    model.ensure_engine().dispose(close=False)
