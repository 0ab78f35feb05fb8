"""Package types kept out of dataset searches (bouquets, APIs): the dataset
search page, organisation counts, the home page's figures and the DCAT
catalogue count datasets only, unless a search asks for the type."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any


def _asked(package_type: str) -> re.Pattern[str]:
    # `dataset_type:bouquet` (what CKAN's /bouquet/ page sends) or
    # `type:bouquet` (the API's short form), alone or in a list
    name = re.escape(package_type)
    return re.compile(rf"(?<![\w.])(?:dataset_)?type:(\([^)]*\b{name}\b|\"?{name}\b)")


def exclude_unless_asked(search_params: dict[str, Any], package_types: Iterable[str]) -> dict[str, Any]:
    asked = f"{search_params.get('fq') or ''} {search_params.get('q') or ''} {search_params.get('fq_list') or ''}"
    for package_type in package_types:
        if not _asked(package_type).search(asked):
            search_params["fq"] = f"{search_params.get('fq') or ''} -dataset_type:{package_type}".strip()
    return search_params
