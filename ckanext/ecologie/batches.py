"""Long lists of ids walked in slices, so one SQL `IN` or Solr query never
grows with the catalogue (Python 3.12's `itertools.batched`, for 3.10+)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVar

Item = TypeVar("Item")


def batches(items: Sequence[Item], size: int) -> Iterator[Sequence[Item]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
