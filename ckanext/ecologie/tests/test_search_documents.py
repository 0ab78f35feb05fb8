"""Documents sent to Solr in batches (search_documents.py) against those
CKAN's own indexing sends, one dataset at a time, in a real Solr."""

from __future__ import annotations

import datetime
import json
from typing import Any

import ckan.model as model
import pytest
from ckan import logic
from ckan.lib import search
from ckan.lib.search.common import make_connection
from ckan.tests import factories
from ckanext.harvest.model import HarvestJob, HarvestObject

from ckanext.ecologie.search_documents import index_many
from ckanext.ecologie.tests.harvest.support import extra, make_source
from ckanext.ecologie.tests.helpers import call, make_dataset

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


def _documents(ids: list[str]) -> dict[str, dict[str, Any]]:
    """The stored fields of each dataset's document, without Solr's own
    bookkeeping; a dataset missing from the index has none."""
    make_connection().commit(waitSearcher=True)
    found = make_connection().search(q="*:*", fq=[f"id:({' OR '.join(ids)})"], fl="*", rows=len(ids))
    return {doc["id"]: {k: v for k, v in doc.items() if k not in ("indexed_ts", "_version_")} for doc in found}


def _labelled(ids: list[str]) -> set[tuple[str, str]]:
    """(dataset, permission label) pairs the index answers for (the labels
    are indexed, not stored)."""
    labels = model.Session.query(model.Package).filter(model.Package.id.in_(ids)).all()
    pairs = set()
    for package in labels:
        for label in ["public", f"member-{package.owner_org}", f"creator-{package.creator_user_id}"]:
            fq = [f'id:"{package.id}"', f'permission_labels:"{label}"']
            if make_connection().search(q="*:*", fq=fq, rows=0).hits:
                pairs.add((package.id, label))
    return pairs


def _forget(ids: list[str]) -> None:
    quoted = " OR ".join(f'"{package_id}"' for package_id in ids)
    make_connection().delete(q=f"id:({quoted})", commit=True)


def _catalogue() -> list[str]:
    """Datasets that go through every part of a document: resources with
    their types, free and vocabulary tags, a group, extras (lists, `*_date`
    ones valid, empty and unreadable, keys with characters Solr refuses),
    a title with a character XML refuses, a private
    dataset, a harvested one and a deleted dataset."""
    sysadmin = factories.Sysadmin()
    vocabulary = call("vocabulary_create", name="usages", tags=[{"name": "eau-potable"}])
    group = factories.Group()
    rich = make_dataset(
        title="Stations\x0b hydrométriques",
        notes="Débits\x01 journaliers",
        tags=[{"name": "hydrométrie"}, {"name": "eau-potable", "vocabulary_id": vocabulary["id"]}],
        groups=[{"id": group["id"]}],
        extras=[
            {"key": "dct:spatial", "value": "Rhône"},
            {"key": "collection_date", "value": "2024-03-01"},
            {"key": "review_date", "value": "pas une date"},
            {"key": "site_id", "value": "un extra qui ne remplace pas le site"},
        ],
        resources=[
            {"url": "https://example.org/debits.csv", "name": "Débits", "format": "CSV", "description": "Jour"},
            {"url": "https://example.org/wms", "name": "Carte", "resource_type": "api", "format": "WMS"},
        ],
        user=sysadmin,
    )
    private = make_dataset(title="Captages sensibles", private=True)
    source = make_source("ecologie_dcat", "http://127.0.0.1:9/catalogue.ttl")  # never read: no job runs
    harvested = make_dataset(title="PLU de Cartigny", owner_org=source["owner_org"])
    job = HarvestJob.get(call("harvest_job_create", source_id=source["id"], run=False)["id"])
    model.Session.add(HarvestObject(guid="plu-cartigny", job=job, package_id=harvested["id"], current=True))
    model.Session.commit()
    deleted = make_dataset(title="Ancien jeu")
    call("package_delete", id=deleted["id"])
    return [rich["id"], private["id"], harvested["id"], deleted["id"]]


def test_a_batch_indexes_what_ckan_indexes_one_by_one() -> None:
    ids = _catalogue()
    search.rebuild(package_ids=ids, defer_commit=True)
    by_ckan, labelled_by_ckan = _documents(ids), _labelled(ids)
    _forget(ids)
    assert _documents(ids) == {}

    index_many(logic.package_show_default_and_custom_schemas({}, package_id) for package_id in ids)

    by_batch = _documents(ids)
    assert by_batch == by_ckan
    assert sorted(by_batch) == sorted(ids[:3])  # deleted: not indexed
    assert _labelled(ids) == labelled_by_ckan
    # what the catalogue was built to cover
    rich = by_batch[ids[0]]
    assert rich["title"] == "Stations hydrométriques"
    assert rich["vocab_usages"] == ["eau-potable"]
    assert rich["res_type"] == ["api"]  # Solr drops the empty one
    assert rich["collection_date"] == datetime.datetime(2024, 3, 1)  # a Solr date
    assert "review_date" not in rich
    assert rich["extras_dctspatial"] == "Rhône"
    harvested = json.loads(by_batch[ids[2]]["validated_data_dict"])
    assert extra(harvested, "harvest_source_title") == "Source source-de-test"  # ckanext-harvest's hook


def test_a_deleted_dataset_is_removed_from_the_index() -> None:
    dataset = make_dataset(title="Ancien jeu")
    assert sorted(_documents([dataset["id"]])) == [dataset["id"]]
    # deleted in the database only: its document is still in the index
    model.Package.get(dataset["id"]).state = "deleted"
    model.Session.commit()
    assert sorted(_documents([dataset["id"]])) == [dataset["id"]]

    index_many([logic.package_show_default_and_custom_schemas({}, dataset["id"])])

    assert _documents([dataset["id"]]) == {}
