"""Exports of a bouquet: CSV of its items, and DCAT in Turtle, RDF/XML or
JSON-LD, serialised by ckanext-dcat with the portal's profiles and ours for
bouquets (dcat/bouquet.py): the bouquet is a dcat:Catalog of its items, and
an item on a dataset of the portal carries the triples of that dataset's own
export. Both are built from the items and datasets as the requesting user
sees them (package_search in their context strips restricted data)."""

from __future__ import annotations

import csv
import io
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Context
from ckanext.dcat.processors import RDF_PROFILES_CONFIG_OPTION, RDFSerializer
from ckanext.dcat.utils import url_to_rdflib_format

from ckanext.ecologie.batches import batches
from ckanext.ecologie.dcat import bouquet as bouquet_profile

CSV_COLUMNS = ("label", "purpose", "availability", "uri", "title", "organisation", "last_update", "group")
RDF_FORMATS = {"ttl": "text/turtle", "rdf": "application/rdf+xml", "jsonld": "application/ld+json"}
SEARCH_BATCH = 100


def to_csv(items: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for item in items:
        dataset = item.get("dataset") or {}
        writer.writerow(
            [
                item["label"],
                item["purpose"],
                item["availability"],
                dataset.get("url") or item.get("uri") or "",
                dataset.get("title") or "",
                dataset.get("organization") or "",
                dataset.get("metadata_modified") or item.get("modified") or "",
                item.get("group") or "",
            ]
        )
    return out.getvalue()


def bouquet_uri(bouquet: dict[str, Any]) -> str:
    return tk.h.url_for("bouquet.read", id=bouquet["name"], qualified=True)


def item_datasets(context: Context, items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The whole dicts of the items' datasets, by id, as package_search gives
    them to the caller (as the portal's /catalog does): one query per
    hundred datasets."""
    ids = sorted({item["dataset"]["id"] for item in items if item.get("dataset")})
    found: dict[str, dict[str, Any]] = {}
    for batch in batches(ids, SEARCH_BATCH):
        results = tk.get_action("package_search")(
            dict(context),  # type: ignore[arg-type]
            {
                "fq": "+dataset_type:dataset +id:({})".format(" OR ".join(f'"{package_id}"' for package_id in batch)),
                "rows": len(batch),
                "include_private": True,
            },
        )["results"]
        found.update((dataset["id"], dataset) for dataset in results)
    return found


def to_rdf(
    bouquet: dict[str, Any], items: list[dict[str, Any]], datasets: dict[str, dict[str, Any]], extension: str
) -> tuple[str, str]:
    """The bouquet in `extension` (a key of RDF_FORMATS), and its mimetype."""
    profiles = [*tk.config.get(RDF_PROFILES_CONFIG_OPTION).split(), bouquet_profile.PROFILE]
    serializer = RDFSerializer(profiles=profiles)
    described = [
        {**item, bouquet_profile.FULL_DATASET: datasets.get((item.get("dataset") or {}).get("id", ""))}
        for item in items
    ]
    serializer.graph_from_catalog(bouquet_profile.catalogue_dict(bouquet_uri(bouquet), bouquet, described))
    for dataset in datasets.values():
        serializer.graph_from_dataset(dataset)
    return serializer.g.serialize(format=url_to_rdflib_format(extension)), RDF_FORMATS[extension]
