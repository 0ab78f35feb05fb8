"""navl schema of the theme actions' parameters."""

from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan.types import Schema

from ckanext.ecologie.themes.taxonomy import DATASET, SCHEMES


def theme_query() -> Schema:
    ignore_missing, unicode_safe = tk.get_validator("ignore_missing"), tk.get_validator("unicode_safe")
    return {
        "id": [ignore_missing, unicode_safe],
        "q": [ignore_missing, unicode_safe],
        "scheme": [tk.get_validator("default")(DATASET), tk.get_validator("one_of")(list(SCHEMES))],
        "limit": [tk.get_validator("default")(10), tk.get_validator("natural_number_validator")],
    }
