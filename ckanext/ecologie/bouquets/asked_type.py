"""Whether a `package_create` check is about a bouquet.

CKAN's "new" page of every package type asks `check_access("package_create")`
without saying which type (ckan/views/dataset.py, `CreateView._prepare`), and
has no hook to add it. A bouquet may be created by any logged-in user, a
dataset only by an organisation's editors, so the type matters: when the check
does not name it, it is read from the page being served. That reading of the
request is confined to this module.
"""

from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan.types import DataDict

from ckanext.ecologie.bouquets import BOUQUET


def creating_a_bouquet(data_dict: DataDict) -> bool:
    if data_dict.get("type"):
        return data_dict["type"] == BOUQUET
    blueprint, _view = tk.get_endpoint()  # (None, None) outside a request: CLI, workers
    return blueprint == BOUQUET
