"""Datasets carry their organisation's type in the search index
(`vocab_organization_type`, a facet): after an organisation is created or
updated, the type cache is read again and the datasets indexed with another
type are indexed again."""

from __future__ import annotations

from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib import search
from ckan.lib.search.query import solr_literal
from ckan.types import SignalMapping

from ckanext.ecologie.organizations import types
from ckanext.ecologie.search_index import reindex
from ckanext.ecologie.themes.search import ORGANIZATION_TYPE_FIELD


def stale_datasets(organization_id: str, type_id: str | None) -> list[str]:
    """Ids of the organisation's indexed datasets whose indexed type is not
    `type_id`: one search, whatever the size of the organisation."""
    other_type = f"-{ORGANIZATION_TYPE_FIELD}:{solr_literal(type_id)}" if type_id else f"+{ORGANIZATION_TYPE_FIELD}:*"
    query = {"q": "*:*", "fq": f"+owner_org:{solr_literal(organization_id)} {other_type}", "facet": "false"}
    count = search.query_for(model.Package).run({**query, "rows": 0})["count"]
    if not count:
        return []
    return search.query_for(model.Package).run({**query, "fl": "id", "rows": count})["results"]


def organization_created(sender: str, **kwargs: Any) -> None:
    types.forget()  # its datasets, harvested next, are indexed with its type


def organization_updated(sender: str, **kwargs: Any) -> None:
    types.forget()
    # core's answer to organization_update counts the datasets through the
    # search server: when it is down, the action fails before this point
    organization = model.Group.get(kwargs["result"]["id"])
    if organization is not None:
        reindex(stale_datasets(organization.id, (organization.extras or {}).get(types.EXTRA_KEY)))


def get_signal_subscriptions() -> SignalMapping:
    succeeded = tk.signals.action_succeeded
    return {
        succeeded: [
            {"sender": "organization_create", "receiver": organization_created},
            {"sender": "organization_update", "receiver": organization_updated},
        ]
    }
