"""Batched search index commits of harvest imports."""

from __future__ import annotations

import time

import pytest
from ckan.lib import search

from ckanext.ecologie.harvest import indexing
from ckanext.ecologie.harvest.indexing import CommitBatcher
from ckanext.ecologie.tests.helpers import call, make_dataset

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


VOLATILE = {"_version_", "indexed_ts"}  # Solr's own bookkeeping, new at every indexing


def _document(package_id: str) -> dict:
    return {key: value for key, value in search.show(package_id).items() if key not in VOLATILE}


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
def test_a_batched_import_indexes_what_ckan_indexes(monkeypatch) -> None:
    """The harvest's path (index without commit, commit per batch) stores the
    same document as CKAN's own indexing of the same dataset."""
    dataset = make_dataset(
        title="Qualité de l'air", notes="Mesures horaires", tags=[{"name": "air"}], extras=[{"key": "a", "value": "b"}]
    )
    by_ckan = _document(dataset["id"])
    search.clear(dataset["id"])
    with pytest.raises(search.SearchError):
        search.show(dataset["id"])

    monkeypatch.setattr(indexing, "batcher", CommitBatcher(batch_size=1, idle_s=60))
    site_user = call("get_site_user")
    indexing.index_without_commit({"user": site_user["name"], "ignore_auth": True}, dataset["id"])

    assert _document(dataset["id"]) == by_ckan
    assert by_ckan["title"] == "Qualité de l'air"
    assert by_ckan["tags"] == ["air"]
