"""Dataservices in the search index, and kept out of dataset searches
(the dataset search page, organisation counts, the home page's figures,
the DCAT catalogue) unless a search asks for them by type."""

from __future__ import annotations

import re
from typing import Any

from ckanext.ecologie.dataservices import DATASERVICE

# `dataset_type:dataservice` (what CKAN's /dataservice/ page sends) or
# `type:dataservice` (the API's short form), alone or in a list
ASKED_FOR_DATASERVICES = re.compile(rf"(?<![\w.])(?:dataset_)?type:(\([^)]*\b{DATASERVICE}\b|\"?{DATASERVICE}\b)")


def exclude_from_dataset_searches(search_params: dict[str, Any]) -> dict[str, Any]:
    asked = f"{search_params.get('fq') or ''} {search_params.get('q') or ''} {search_params.get('fq_list') or ''}"
    if not ASKED_FOR_DATASERVICES.search(asked):
        search_params["fq"] = f"{search_params.get('fq') or ''} -dataset_type:{DATASERVICE}".strip()
    return search_params


def index_document(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """In place, for the indexer: the served identifiers are searchable as
    text (`extras_served_datasets`); CKAN would also index their whole JSON
    list as one exact-match term, which Solr refuses past 32 KB."""
    pkg_dict.pop("served_datasets", None)
    return pkg_dict
