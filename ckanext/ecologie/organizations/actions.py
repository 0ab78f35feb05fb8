"""Organisation actions chained to core: the `organization_type` field."""

from __future__ import annotations

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib.search.common import SolrConnectionError
from ckan.types import Action, Context, DataDict

from ckanext.ecologie.organizations import types
from ckanext.ecologie.resilience import outages
from ckanext.ecologie.search_index import reindex


def reindex_datasets_of(organization_id: str) -> None:
    rows = model.Session.query(model.Package.id).filter_by(owner_org=organization_id, state="active")
    reindex([row.id for row in rows])


@tk.chained_action
def organization_create(original: Action, context: Context, data_dict: DataDict) -> object:
    types.validate(data_dict, {})
    return original(context, data_dict)


@tk.chained_action
def organization_update(original: Action, context: Context, data_dict: DataDict) -> object:
    group = model.Group.get(data_dict.get("id") or data_dict.get("name") or "")
    before = dict(group.extras) if group else {}
    types.validate(data_dict, before)
    result = original(context, data_dict)
    types.forget()
    if group and before.get(types.EXTRA_KEY) != dict(group.extras).get(types.EXTRA_KEY):
        reindex_datasets_of(group.id)  # the type is a facet of every dataset
    return result


@tk.side_effect_free
@tk.chained_action
def organization_show(original: Action, context: Context, data_dict: DataDict) -> object:
    try:
        shown = original(context, data_dict)
    except SolrConnectionError:
        if tk.asbool(data_dict.get("include_datasets")):
            raise  # asked for: an answer without them would read as "no dataset"
        # Only the dataset counts and lists (its own and its sub-groups') come
        # from the search server: an organisation's page still shows it when
        # Solr is down.
        outages.note(outages.SEARCH)
        without_search = {"include_dataset_count": False, "include_datasets": False, "include_groups": False}
        shown = original(context, {**data_dict, **without_search})
    return types.expose(shown)


def get_actions() -> dict[str, Action]:
    return {
        "organization_create": organization_create,
        "organization_update": organization_update,
        "organization_show": organization_show,
    }
