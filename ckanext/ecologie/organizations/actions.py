"""Organisation actions chained to core: organisation pages without the
search server."""

from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan.lib.search.common import SolrConnectionError
from ckan.types import Action, Context, DataDict

from ckanext.ecologie.resilience import outages


@tk.side_effect_free
@tk.chained_action
def organization_show(original: Action, context: Context, data_dict: DataDict) -> object:
    try:
        return original(context, data_dict)
    except SolrConnectionError:
        if tk.asbool(data_dict.get("include_datasets")):
            raise  # asked for: an answer without them would read as "no dataset"
        # Only the dataset counts and lists (its own and its sub-groups') come
        # from the search server: an organisation's page still shows it when
        # Solr is down.
        outages.note(outages.SEARCH)
        without_search = {"include_dataset_count": False, "include_datasets": False, "include_groups": False}
        return original(context, {**data_dict, **without_search})
