"""Pages read one ahead, each in a child process of the gather consumer.

Reading a page that changed (parsing it, then ckanext-dcat's profiles) is
most of a re-harvest, and it ran on one core. The next page's address is
only known once a page is parsed, so the parses form a chain; the profiles
do not. Each page is read in a forked child, which sends the next address
as soon as it has parsed the page and the records once the profiles are
done: while one child runs its profiles, the next page is fetched and
parsed by another. The records are those the same code gives in the gather
consumer's own process, and pages are handed to the gather in their order.

A child shares the parent's memory, database connections included: it
detaches from them before any code of ours runs, so that a profile that
queries opens its own, and it leaves without closing anything the parent
uses (multiprocessing ends a forked child with `os._exit`).
"""

from __future__ import annotations

import gc
import multiprocessing
import pickle
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk

OPTION = "ckanext.ecologie.harvest.read_ahead"
# Pages parsed beyond the one handed to the gather: each is a child process.
PAGES_AHEAD = 2

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


class InChild:
    """A page read in a forked child; the constructor returns once the page
    is parsed (its errors are raised here), the records come later."""

    def __init__(self, read: Callable[[], Read]) -> None:
        forking = multiprocessing.get_context("fork")
        self._receiver, sender = forking.Pipe(duplex=False)
        self._process = forking.Process(target=_child, args=(sender, read), daemon=True)
        self._process.start()
        sender.close()  # the child's end: the parent sees EOF if the child dies
        try:
            self.next_url: str | None = self._receive()
        except BaseException:
            self.stop()
            raise

    def records(self) -> list[Any]:
        try:
            return self._receive()
        finally:
            self.stop()

    def stop(self) -> None:
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()
        self._receiver.close()

    def _receive(self) -> Any:
        try:
            failed, value = self._receiver.recv()
        except EOFError:
            raise RuntimeError(f"the page reader exited with code {self._process.exitcode}") from None
        if failed:
            raise value
        return value


def _child(sender: Connection, read: Callable[[], Read]) -> None:
    # Objects inherited from the parent are never collected here: their
    # finalizers would act on sockets the parent still uses.
    gc.freeze()
    _inherited.append(model.Session())
    if model.meta.engine is not None:
        model.meta.engine.dispose(close=False)
    model.Session.registry.set(model.Session.session_factory())
    try:
        next_url, records = read()
        sender.send((False, next_url))
        sender.send((False, records()))
    except Exception as error:
        sender.send((True, _picklable(error)))
    finally:
        sender.close()


def _picklable(error: Exception) -> Exception:
    try:
        pickle.dumps(error)
    except Exception:
        return RuntimeError(f"{type(error).__name__}: {error}")
    return error
