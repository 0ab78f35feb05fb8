"""Batched search index commits of harvest imports."""

from __future__ import annotations

import time

import pytest

from ckanext.ecologie.harvest.indexing import CommitBatcher

pytestmark = pytest.mark.usefixtures("with_plugins")


def test_a_full_batch_commits_at_once() -> None:
    batcher = CommitBatcher(batch_size=3, idle_s=60)
    batcher.indexed()
    batcher.indexed()
    assert batcher._pending == 2
    batcher.indexed()
    assert batcher._pending == 0


def test_an_idle_consumer_commits_what_waits() -> None:
    batcher = CommitBatcher(batch_size=100, idle_s=0.2)
    batcher.indexed()
    deadline = time.monotonic() + 5
    while batcher._pending and time.monotonic() < deadline:
        time.sleep(0.05)
    assert batcher._pending == 0
