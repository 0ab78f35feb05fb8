"""Pages served unchanged are not parsed again, and only while every record
of the page is imported from them (pages.py)."""

from __future__ import annotations

import os

import ckan.model as model
import pytest

from ckanext.ecologie.harvest.model import HarvestPage, HarvestRecord
from ckanext.ecologie.harvest.pages import recall
from ckanext.ecologie.tests.harvest.support import datasets_of, harvest, make_source
from ckanext.ecologie.tests.helpers import CORPUS, call

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


def _paged_source(server) -> dict:
    for page in (1, 2):
        server.add_file(
            f"/catalog.jsonld?page={page}",
            os.path.join(CORPUS, "dcat", f"paged-collection-{page}.jsonld"),
            "application/ld+json",
            replace={"http://data.test.org/catalog.jsonld": "{base}/catalog.jsonld"},
        )
    return make_source("ecologie_dcat", server.url + "/catalog.jsonld?page=1")


def _remembered(source: dict) -> dict[str, HarvestPage]:
    model.Session.expire_all()
    rows = model.Session.query(HarvestPage).filter_by(source_id=source["id"])
    return {row.url.rsplit("=", 1)[-1]: row for row in rows}


def test_an_unchanged_page_is_known_while_its_records_stand(catalogue_server, harvest_consumers) -> None:
    source = _paged_source(catalogue_server)
    assert harvest(source, harvest_consumers)["stats"]["added"] == 4
    pages = _remembered(source)
    assert sorted(pages) == ["1", "2"]
    first = pages["1"]
    assert first.next_url.endswith("page=2") and pages["2"].next_url is None

    known = recall(source["id"], first.url, first.digest)
    assert known is not None and len(known.hashes) == 3
    assert recall(source["id"], first.url, "another digest") is None

    job = harvest(source, harvest_consumers)
    assert job["stats"] == {"added": 0, "updated": 0, "not modified": 4, "errored": 0, "deleted": 0}, job

    # a record whose stored hash is not the page's (an import that failed) is read again
    identifier = next(iter(known.hashes))
    model.Session.query(HarvestRecord).filter_by(source_id=source["id"], identifier=identifier).update(
        {"content_hash": "from an older content"}
    )
    model.Session.commit()
    assert recall(source["id"], first.url, first.digest) is None
    job = harvest(source, harvest_consumers)
    assert job["stats"]["updated"] == 1 and job["stats"]["not modified"] == 3, job
    assert recall(source["id"], first.url, _remembered(source)["1"].digest) is not None


def test_a_deleted_dataset_brings_its_page_back_to_parsing(catalogue_server, harvest_consumers) -> None:
    source = _paged_source(catalogue_server)
    harvest(source, harvest_consumers)
    first = _remembered(source)["1"]
    gone = next(
        dataset for dataset in datasets_of(source).values() if dataset["id"] in _packages_of_page(source, first)
    )
    call("package_delete", id=gone["id"])
    assert recall(source["id"], first.url, first.digest) is None

    job = harvest(source, harvest_consumers)
    assert job["stats"]["not modified"] == 3, job
    assert call("package_show", id=gone["id"])["state"] == "active"


def _packages_of_page(source: dict, page: HarvestPage) -> set[str]:
    known = recall(source["id"], page.url, page.digest)
    assert known is not None
    rows = model.Session.query(HarvestRecord.package_id).filter(
        HarvestRecord.source_id == source["id"], HarvestRecord.identifier.in_(list(known.hashes))
    )
    return {row.package_id for row in rows}


def test_a_known_page_is_not_parsed_again(catalogue_server, harvest_consumers) -> None:
    source = _paged_source(catalogue_server)
    harvest(source, harvest_consumers)
    # Only a gather that trusts the remembered page, instead of parsing it,
    # follows this next page (parsing finds page 2 in the page itself).
    first = _remembered(source)["1"]
    first.next_url = catalogue_server.url + "/catalog.jsonld?page=99"
    model.Session.commit()

    job = harvest(source, harvest_consumers)
    assert any("404" in message for message in job["gather_errors"]), job
    assert job["stats"]["not modified"] == 3 and job["stats"]["deleted"] == 0, job
