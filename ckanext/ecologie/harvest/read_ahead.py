"""Pages read ahead, each in a child process of the gather consumer.

Reading a page that changed (parsing it, then ckanext-dcat's profiles) is
most of a re-harvest, and it ran on one core. The next page's address is
only known once a page is parsed, so the parses form a chain; the profiles
do not. Each page is read in a forked child, which sends the next address
as soon as it has parsed the page and the records once the profiles are
done: while a child runs its profiles, the next pages are fetched and
parsed by others (up to `PAGES_AHEAD` beyond the one the gather waits for).
The records are those the same code gives in the gather consumer's own
process, and pages are handed to the gather in their order.

A child shares the parent's memory, database connections included: it
never collects what it inherits, gets a pool and a session of its own
before any code of ours runs, so that a profile that queries opens its own
connection, and leaves without closing anything the parent uses
(multiprocessing ends a forked child with `os._exit`).
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import multiprocessing.process
import os
import pickle
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any, NamedTuple

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.ecologie import processes

log = logging.getLogger(__name__)

OPTION = "ckanext.ecologie.harvest.read_ahead"
# Pages parsed beyond the one handed to the gather: each is a child process.
PAGES_AHEAD = 2
# A reader silent this long is stuck (a 50 MB page parses in minutes): it is stopped.
ANSWER_WAIT_S = 900.0
STOP_WAIT_S = 5.0

# What a page reader gives: the next page's address, and how to get the records.
Read = tuple[str | None, Callable[[], list[Any]]]

# The parent's database session, kept referenced in a child: collected, it
# would roll back the parent's transaction on the connection they share.
_inherited: list[Any] = []


def enabled() -> bool:
    return bool(tk.config.get(OPTION))


class InProcess:
    """A page read in the gather consumer's process, as without read-ahead."""

    def __init__(self, read: Callable[[], Read]) -> None:
        self.next_url, self._records = read()

    def records(self) -> list[Any]:
        return self._records()

    def stop(self) -> None:
        pass


class CannotFork(Exception):
    """No child process could be made (the system's limits): the page is read in process."""


class InChild:
    """A page read in a forked child; the constructor returns once the page
    is parsed (its errors are raised here), the records come later."""

    def __init__(self, read: Callable[[], Read]) -> None:
        forking = multiprocessing.get_context("fork")
        self._stopped = False
        try:
            self._receiver, sender = forking.Pipe(duplex=False)
        except OSError as error:  # no file descriptor left
            raise CannotFork(str(error)) from error
        try:
            self._process = forking.Process(target=_child, args=(sender, read), daemon=True)
            _start(self._process)
        except OSError as error:  # no process could be made
            self._receiver.close()
            raise CannotFork(str(error)) from error
        except BaseException:
            self._receiver.close()
            raise
        finally:
            sender.close()  # the child's end: the parent sees EOF if the child dies
        try:
            self.next_url: str | None = self._receive()
        except BaseException:
            self.stop()
            raise

    def records(self) -> list[Any]:
        try:
            records = self._receive()
            self._process.join(STOP_WAIT_S)  # it has sent all: let it end by itself
            return records
        finally:
            self.stop()

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        try:
            if self._process.is_alive():
                self._process.terminate()
                self._process.join(STOP_WAIT_S)
            if self._process.is_alive():
                self._process.kill()
            self._process.join()
            self._process.close()
        finally:
            self._receiver.close()

    def _receive(self) -> Any:
        if not self._receiver.poll(ANSWER_WAIT_S):
            raise RuntimeError(f"the page reader gave no answer within {ANSWER_WAIT_S} s")
        try:
            failed, value = self._receiver.recv()
        except EOFError:
            self._process.join(STOP_WAIT_S)
            raise RuntimeError(f"the page reader exited with code {self._process.exitcode}") from None
        if failed:
            raise value
        return value


class Pending(NamedTuple):
    """A page being read, not yet handed to the gather."""

    url: str
    digest: str
    reading: InChild | InProcess


def reading(read: Callable[[], Read], in_child: bool) -> InChild | InProcess:
    if in_child:
        try:
            return InChild(read)
        except CannotFork as error:
            log.warning("no page reader could be started (%s): the page is read in process", error)
    return InProcess(read)


def _start(process: multiprocessing.process.BaseProcess) -> None:
    # What exists at the fork is frozen out of the garbage collector, so the
    # child never collects it: an inherited database connection collected
    # there would be rolled back on the socket the parent still uses.
    gc.freeze()
    try:
        process.start()
    finally:
        gc.unfreeze()


def _child(sender: Connection, read: Callable[[], Read]) -> None:
    # The parent's session stays referenced, never closed here; the child
    # gets a pool and a session of its own, should a profile query.
    _inherited.append(model.Session())
    processes.drop_parent_pool()
    model.Session.registry.set(model.Session.session_factory())
    try:
        next_url, records = read()
        sender.send((False, next_url))
        answer = (False, records())
    except Exception as error:
        # the parent logs what it raises: the child's traceback goes with it
        error.add_note(f"In the page reader (pid {os.getpid()}):\n{traceback.format_exc()}")
        answer = (True, _picklable(error))
    # before the last answer: once it has that, the parent may end this process
    _close_own_connections()
    sender.send(answer)
    sender.close()


def _close_own_connections() -> None:
    """The child's own connections, if a profile opened any, end cleanly."""
    model.Session.remove()
    model.ensure_engine().dispose()


def _picklable(error: Exception) -> Exception:
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:
        plain = RuntimeError(f"{type(error).__name__}: {error}")
        for note in getattr(error, "__notes__", []):
            plain.add_note(note)
        return plain
    return error
