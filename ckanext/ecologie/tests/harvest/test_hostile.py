"""Hostile inputs: each one ends in an error recorded on the job, consumers
still running, and the datasets harvested before left as they were."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from ckanext.ecologie.tests.harvest.servers import Answer, CswCatalogue, records_of
from ckanext.ecologie.tests.harvest.support import datasets_of, harvest, make_source
from ckanext.ecologie.tests.helpers import CORPUS, FIXTURES, call

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

HOSTILE = os.path.join(FIXTURES, "harvest", "hostile")
GOOD = os.path.join(FIXTURES, "dcat", "three-datasets.ttl")
TITLES = ["Aménagements cyclables de test", "Linéaire de haies bocagères de test", "Stations hydrométriques de test"]


def _read(path: str) -> bytes:
    with open(path, "rb") as stream:
        return stream.read()


def _file(name: str, content_type: str) -> Answer:
    return Answer(content_type=content_type, body=_read(os.path.join(HOSTILE, name)))


def _endless() -> Iterator[bytes]:
    """200 MB of RDF/XML, sent in 1 MB chunks for as long as the client reads."""
    yield b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    chunk = b"<!-- " + b"x" * (1024 * 1024 - 9) + b" -->"
    for _ in range(200):
        yield chunk


def _snapshot(source: dict) -> dict[str, tuple[str, str, int]]:
    return {
        title: (dataset["id"], dataset["metadata_modified"], len(dataset["resources"]))
        for title, dataset in datasets_of(source).items()
    }


HOSTILE_ANSWERS = {
    "malformed XML": (_file("malformed.rdf", "application/rdf+xml"), {}, "titre"),
    "malformed Turtle": (_file("malformed.ttl", "text/turtle"), {}, "turtle"),
    "malformed JSON-LD": (_file("malformed.jsonld", "application/ld+json"), {}, "JSON"),
    "JSON-LD remote context": (_file("remote-context.jsonld", "application/ld+json"), {}, "JSON-LD"),
    "external entity": (_file("external-entity.rdf", "application/rdf+xml"), {}, "secret"),
    "entity expansion bomb": (_file("entity-bomb.rdf", "application/rdf+xml"), {}, ("lol1", "amplification")),
    "200 MB body": (Answer(content_type="application/rdf+xml", body=_endless), {"max_size_mb": 1}, ("MB", "Mo")),
    "wrong content type": (Answer(content_type="text/html", body=b"<html>maintenance</html>"), {}, "text/html"),
    "HTTP 500": (Answer(status=500, content_type="text/plain", body=b"oops"), {"retries": 2}, "500"),
    "HTTP 404": (Answer(status=404, content_type="text/plain", body=b"gone"), {}, "404"),
    "timeout": (Answer(delay=3, content_type="text/turtle", body=b""), {"timeout": 0.5, "retries": 0}, "0.5"),
}


@pytest.mark.parametrize("case", list(HOSTILE_ANSWERS))
def test_hostile_answer_keeps_existing_datasets(catalogue_server, harvest_consumers, case) -> None:
    answer, config, expected = HOSTILE_ANSWERS[case]
    url = catalogue_server.add_file("/catalogue", GOOD, "text/turtle")
    source = make_source("ecologie_dcat", url, backoff=0.05, **config)
    assert harvest(source, harvest_consumers)["stats"]["added"] == 3
    before = _snapshot(source)

    catalogue_server.add("/catalogue", answer)
    job = harvest(source, harvest_consumers)

    harvest_consumers.assert_alive()
    assert job["gather_errors"], job
    tokens = expected if isinstance(expected, tuple) else (expected,)
    assert any(token in message for message in job["gather_errors"] for token in tokens), job["gather_errors"]
    assert job["stats"]["added"] == job["stats"]["updated"] == job["stats"]["deleted"] == 0
    assert _snapshot(source) == before
    if case == "HTTP 500":
        assert catalogue_server.hits["/catalogue"] == 1 + 3  # the first harvest, then 1 try and 2 retries
    if case == "external entity":
        found = call("package_search", q="root", rows=5)["results"]
        assert not [dataset for dataset in found if "root:" in dataset["title"]]


def test_empty_catalogue_deletes_nothing(catalogue_server, harvest_consumers) -> None:
    url = catalogue_server.add_file("/catalogue", GOOD, "text/turtle")
    source = make_source("ecologie_dcat", url)
    harvest(source, harvest_consumers)
    before = _snapshot(source)

    catalogue_server.add("/catalogue", _file("empty.ttl", "text/turtle"))
    job = harvest(source, harvest_consumers)

    assert len(job["gather_errors"]) == 1 and "confirm-deletions source-de-test" in job["gather_errors"][0]
    assert job["stats"]["deleted"] == 0
    assert _snapshot(source) == before


def test_truncated_second_page_deletes_nothing(catalogue_server, harvest_consumers) -> None:
    paged = os.path.join(CORPUS, "dcat")
    replace = {"http://data.test.org/catalog.jsonld": "{base}/catalog.jsonld"}
    for page in (1, 2):
        catalogue_server.add_file(
            f"/catalog.jsonld?page={page}",
            os.path.join(paged, f"paged-collection-{page}.jsonld"),
            "application/ld+json",
            replace=replace,
        )
    source = make_source("ecologie_dcat", catalogue_server.url + "/catalog.jsonld?page=1")
    assert harvest(source, harvest_consumers)["stats"]["added"] == 4
    before = _snapshot(source)

    whole = catalogue_server.routes["/catalog.jsonld?page=2"].body
    catalogue_server.add("/catalog.jsonld?page=2", Answer(content_type="application/ld+json", body=whole[:-300]))
    job = harvest(source, harvest_consumers)

    assert any("JSON" in message for message in job["gather_errors"]), job
    assert job["stats"]["not modified"] == 3  # page 1 is fine
    assert job["stats"]["deleted"] == 0
    assert _snapshot(source) == before


def test_duplicate_identifiers_in_one_page(catalogue_server, harvest_consumers) -> None:
    url = catalogue_server.add_file("/catalogue", GOOD, "text/turtle")
    source = make_source("ecologie_dcat", url)
    harvest(source, harvest_consumers)
    before = _snapshot(source)

    body = _read(GOOD) + b"\n" + _read(os.path.join(HOSTILE, "duplicate-record.ttl"))
    catalogue_server.add("/catalogue", Answer(content_type="text/turtle", body=body))
    job = harvest(source, harvest_consumers)

    assert (
        job["gather_errors"] == [job["gather_errors"][0]]
        and "https://test.example.org/catalogue/stations-hydrometriques" in job["gather_errors"][0]
    )
    assert job["stats"]["not modified"] == 2 and job["stats"]["deleted"] == 0
    assert _snapshot(source) == before
    assert sorted(before) == TITLES


def test_truncated_csw_page(catalogue_server, harvest_consumers) -> None:
    records = records_of(os.path.join(CORPUS, "csw", "geonetwork-iso19139-page-1.xml"))
    catalogue = CswCatalogue(records)
    source = make_source("ecologie_csw", catalogue_server.add("/csw", catalogue))
    assert harvest(source, harvest_consumers)["stats"]["added"] == 2
    before = _snapshot(source)

    # the page announces two records but the answer stops after the first
    catalogue.records = [records[0], records[1][: len(records[1]) // 2]]
    job = harvest(source, harvest_consumers)

    assert job["gather_errors"] and job["stats"]["deleted"] == 0
    assert _snapshot(source) == before


def test_udata_errors(catalogue_server, harvest_consumers) -> None:
    page = {"data": [{"id": "a1", "title": "Jeu de test", "page": "https://udata.example.test/a1"}], "next_page": None}
    import json

    catalogue_server.add("/api/1/datasets/", Answer(content_type="application/json", body=json.dumps(page).encode()))
    source = make_source("ecologie_udata", catalogue_server.url)
    assert harvest(source, harvest_consumers)["stats"]["added"] == 1
    before = _snapshot(source)

    catalogue_server.add("/api/1/datasets/", Answer(content_type="application/json", body=b'{"data": [{"id": '))
    job = harvest(source, harvest_consumers)
    assert any("JSON" in message for message in job["gather_errors"]), job
    catalogue_server.add("/api/1/datasets/", Answer(content_type="application/json", body=b'{"message": "x"}'))
    job = harvest(source, harvest_consumers)
    assert job["gather_errors"] and job["stats"]["deleted"] == 0
    assert _snapshot(source) == before
