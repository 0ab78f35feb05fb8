"""Dataservices in the search index (search_types.py keeps them out of
dataset searches)."""

from __future__ import annotations

from typing import Any


def index_document(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """In place, for the indexer: the served identifiers are searchable as
    text (`extras_served_datasets`); CKAN would also index their whole JSON
    list as one exact-match term, which Solr refuses past 32 KB."""
    pkg_dict.pop("served_datasets", None)
    return pkg_dict
