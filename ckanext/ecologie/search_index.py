"""Reindexing many datasets at once, with one Solr commit at the end."""

from __future__ import annotations

from collections.abc import Collection

from ckan.lib import search


def reindex(package_ids: Collection[str]) -> None:
    if not package_ids:
        return
    search.rebuild(package_ids=package_ids, defer_commit=True, quiet=True)
    search.commit()
