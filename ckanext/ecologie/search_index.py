"""Reindexing many datasets at once, with one Solr commit at the end."""

from __future__ import annotations

import json
from collections.abc import Callable, Collection
from typing import Any

import ckan.model as model
import ckan.plugins as plugins
import ckan.plugins.toolkit as tk
from ckan.lib import search
from ckan.lib.search.common import make_connection

from ckanext.ecologie.batches import batches
from ckanext.ecologie.search_documents import Shown, index_many

BATCH = 500
Change = Callable[[dict[str, Any], dict[str, Any]], None]


def reindex(package_ids: Collection[str]) -> None:
    """Rebuild the documents from the database (a package_show each)."""
    if not package_ids:
        return
    search.rebuild(package_ids=package_ids, defer_commit=True, quiet=True)
    search.commit()


def reindex_with(package_ids: Collection[str], change: Change) -> None:
    """Reindex datasets after a change made straight in the database, known
    to the caller: their copies stored in Solr (`data_dict`, as indexed, and
    `validated_data_dict`, as shown) get the same change and are indexed
    again, a batch per Solr request (search_documents.py: plugins and
    permission labels included). Far faster than a package_show and a
    request each at 80,000 datasets. A dataset missing from the index,
    or whose copy is older than it, is rebuilt from the database."""
    ids = list(package_ids)
    if not ids:
        return
    connection = make_connection()
    site = tk.config.get("ckan.site_id")
    for batch in batches(ids, BATCH):
        loaded = _load_for_indexing(batch)  # held until the batch is indexed
        modified = {item.id: item.metadata_modified for item in loaded if isinstance(item, model.Package)}
        quoted = " OR ".join(f'"{package_id}"' for package_id in batch)
        documents = connection.search(
            q="*:*",
            fq=[f'+site_id:"{site}"', f"+id:({quoted})"],
            fl="id,data_dict,validated_data_dict",
            rows=len(batch),
        )
        current: dict[str, Shown] = {}
        for document in documents:
            data, shown = json.loads(document["data_dict"]), json.loads(document["validated_data_dict"])
            stored_modified = modified.get(document["id"])
            if stored_modified is None or data.get("metadata_modified") != stored_modified.isoformat():
                continue  # a copy older than the dataset (its update not yet searchable)
            change(data, shown)
            current[document["id"]] = (data, shown)
        index_many(current.values())
        rebuilt = [package_id for package_id in batch if package_id not in current]
        if rebuilt:
            search.rebuild(package_ids=rebuilt, defer_commit=True, quiet=True)
    search.commit()


def _load_for_indexing(package_ids: list[str]) -> list[Any]:
    """What indexing reads of each dataset one query at a time, loaded for a
    whole batch in two: CKAN's permission labels read the package, and
    ckanext-harvest the source of its current harvest object; the session
    then answers both from what it holds."""
    loaded: list[Any] = model.Session.query(model.Package).filter(model.Package.id.in_(package_ids)).all()
    if plugins.plugin_loaded("harvest"):
        from ckanext.harvest.model import HarvestObject, HarvestSource

        loaded += (
            model.Session.query(HarvestSource)
            .join(HarvestObject, HarvestObject.harvest_source_id == HarvestSource.id)
            .filter(HarvestObject.package_id.in_(package_ids), HarvestObject.current.is_(True))
            .distinct()
            .all()
        )
    return loaded
