"""Work shared out among forked processes (`forked_map`)."""

from __future__ import annotations

import os
import pathlib
import sys
import time

import ckan.model as model
import pytest
from sqlalchemy import event, text

from ckanext.ecologie.processes import ConnectionInUse, forked_map

pytestmark = pytest.mark.usefixtures("with_plugins")

# set before forked_map: the workers inherit it
_offset = 0
_started_in: pathlib.Path | None = None


def _where_and_what(number: int) -> tuple[int, int, int]:
    """This process, its database session's backend, and the number moved by
    the module state set before the fork."""
    backend = model.Session.execute(text("SELECT pg_backend_pid()")).scalar()
    model.Session.commit()
    return os.getpid(), backend, number + _offset


def _slow_zero_failing_one(number: int) -> int:
    assert _started_in is not None
    (_started_in / str(number)).touch()
    if number == 0:
        time.sleep(1)
    if number == 1:
        raise ValueError("one is refused")
    return number


def test_workers_keep_the_order_and_open_their_own_connections(monkeypatch) -> None:
    monkeypatch.setattr(sys.modules[__name__], "_offset", 100)
    engine = model.ensure_engine()
    parent_backend = model.Session.execute(text("SELECT pg_backend_pid()")).scalar()
    model.Session.commit()
    connects: list[object] = []

    def connected(*_: object) -> None:
        connects.append(1)

    event.listen(engine, "connect", connected)
    try:
        results = list(forked_map(_where_and_what, list(range(8)), workers=2))
        # the parent's pooled connection is intact: the same backend, no new
        # connection (CKAN's pre-ping would hide one a child had closed)
        assert model.Session.execute(text("SELECT pg_backend_pid()")).scalar() == parent_backend
    finally:
        event.remove(engine, "connect", connected)
    assert connects == []

    assert [number for _, _, number in results] == list(range(100, 108))
    processes = {process for process, _, _ in results}
    backends = {backend for _, backend, _ in results}
    assert os.getpid() not in processes
    assert len(processes) == 2
    assert parent_backend not in backends
    assert len(backends) == 2  # one connection per worker, none shared


def test_one_worker_or_one_item_runs_in_this_process() -> None:
    alone = list(forked_map(_where_and_what, [1, 2], workers=1))
    single = list(forked_map(_where_and_what, [3], workers=4))
    assert [(process, number) for process, _, number in alone + single] == [(os.getpid(), n) for n in (1, 2, 3)]


def test_after_a_failure_no_other_item_starts(monkeypatch, tmp_path) -> None:
    monkeypatch.setattr(sys.modules[__name__], "_started_in", tmp_path)
    received = []
    with pytest.raises(ValueError, match="one is refused"):
        for number in forked_map(_slow_zero_failing_one, list(range(6)), workers=2):
            received.append(number)
    assert received == [0]  # the results before the failing item
    assert sorted(path.name for path in tmp_path.iterdir()) == ["0", "1"]


def test_a_connection_in_use_is_never_forked() -> None:
    with model.ensure_engine().connect() as connection:
        connection.execute(text("SELECT 1"))
        with pytest.raises(ConnectionInUse):
            list(forked_map(_where_and_what, [1, 2], workers=2))
