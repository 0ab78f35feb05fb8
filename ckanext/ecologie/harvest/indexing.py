"""Search index commits in batches during harvest imports.

CKAN commits Solr after each dataset it indexes; at harvest volume those
commits cost more than the indexing itself. Imports index their dataset
without a commit, and each fetch consumer commits once per batch of records,
or a second after the first record of a batch, so the last records of a job
are searchable within a second or so. The job's end commits too
(ckanext-harvest reindexes the source then).
"""

from __future__ import annotations

import logging
import threading

from ckan.lib import search
from ckan.logic import index_update_package
from ckan.types import Context

log = logging.getLogger(__name__)

BATCH_SIZE = 100
IDLE_COMMIT_S = 1.0


class CommitBatcher:
    def __init__(self, batch_size: int = BATCH_SIZE, idle_s: float = IDLE_COMMIT_S) -> None:
        self.batch_size = batch_size
        self.idle_s = idle_s
        self._pending = 0
        self._timer: threading.Timer | None = None
        self._lock = threading.Lock()

    def indexed(self) -> None:
        """One more dataset sent to the index without a commit. The first of
        a batch arms one timer: what waits is committed within `idle_s`."""
        with self._lock:
            self._pending += 1
            if self._pending >= self.batch_size:
                self._commit()
            elif self._pending == 1:
                self._timer = threading.Timer(self.idle_s, self.flush)
                self._timer.daemon = True
                self._timer.start()

    def flush(self) -> None:
        with self._lock:
            if self._pending:
                self._commit()

    def _commit(self) -> None:
        self._pending = 0
        if self._timer is not None:
            self._timer.cancel()  # from flush itself, a no-op
            self._timer = None
        try:
            search.commit()
        except search.SearchIndexError:
            # the next batch, Solr's autocommit or the job's end commits them
            log.exception("Committing the search index after a batch of harvested datasets failed")


batcher = CommitBatcher()


def index_without_commit(context: Context, package_id: str) -> None:
    """Index a dataset saved with `defer_commit` (CKAN then leaves its
    indexing to the caller), and count it in the current batch."""
    index_update_package(context, package_id, defer_commit=True)
    batcher.indexed()
