"""A changed RDF page runs the profiles on its changed records only
(record_digests.py): a record's digest changes with every triple its
reading depends on, and a record taken by its digest is the record the
profiles would have read."""

from __future__ import annotations

import json
import os
from typing import Any

import ckan.model as model
import pytest
import rdflib
from ckanext.harvest.model import HarvestGatherError, HarvestJob

from ckanext.ecologie.harvest import rdf, read_ahead, record_digests
from ckanext.ecologie.harvest.base import _source_info, hash_context
from ckanext.ecologie.harvest.dcat import EcologieDcatHarvester
from ckanext.ecologie.harvest.gather import _Gathering
from ckanext.ecologie.harvest.model import HarvestPage
from ckanext.ecologie.harvest.pages import KnownPage, ReadPage
from ckanext.ecologie.harvest.records import KnownRecord, Record, content_hash
from ckanext.ecologie.tests.harvest.servers import Answer
from ckanext.ecologie.tests.harvest.support import datasets_of, harvest, make_source
from ckanext.ecologie.tests.helpers import CORPUS, call

BASE = "http://127.0.0.1:9/cat"
PREFIXES = """@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix vcard: <http://www.w3.org/2006/vcard/ns#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
"""


def _dataset(key: str, title: str | None = None, contact: str | None = None, extra: str = "") -> str:
    return f"""<{BASE}/dataset/{key}> a dcat:Dataset ;
    dct:identifier "jeu-{key}" ;
    dct:title "{title or "Jeu " + key}"@fr ;
    dct:publisher <{BASE}/org/dreal> ;
    dcat:contactPoint [ a vcard:Kind ; vcard:fn "{contact or "Service " + key}" ] ;
    dcat:distribution <{BASE}/dataset/{key}/csv> {extra}.
<{BASE}/dataset/{key}/csv> a dcat:Distribution ;
    dct:title "Fichier {key}" ;
    dcat:accessURL <{BASE}/files/{key}.csv> .
"""


def _page(
    *datasets: str,
    publisher: str = "DREAL",
    catalogue: str = "Catalogue",
    record: str = "2024-01-01",
    total: int = 3,
    service: str = "WMS",
) -> str:
    return (
        PREFIXES
        + f"""<{BASE}/catalog> a dcat:Catalog ; dct:title "{catalogue}" ;
    foaf:homepage <{BASE}/> ; dcat:dataset <{BASE}/dataset/a>, <{BASE}/dataset/b>, <{BASE}/dataset/c> .
<{BASE}/record/a> a dcat:CatalogRecord ; foaf:primaryTopic <{BASE}/dataset/a> ; dct:modified "{record}" .
<{BASE}/service> a dcat:DataService ; dct:title "{service}" ;
    dcat:servesDataset <{BASE}/dataset/b>, <{BASE}/dataset/c> .
<{BASE}/org/dreal> a foaf:Organization ; foaf:name "{publisher}" .
[] a <http://www.w3.org/ns/hydra/core#PagedCollection> ; <http://www.w3.org/ns/hydra/core#totalItems> {total} .
"""
        + "".join(datasets)
    )


def _digests(text: str, context: str = "source") -> dict[str, str]:
    parser = rdf.parse(text.encode("utf-8"), "turtle", 10**7)
    return {
        str(node): digest
        for node, digest in record_digests.digests(parser.g, rdf.dataset_nodes(parser), context).items()
    }


def _changed(before: str, after: str) -> set[str]:
    first, second = _digests(before), _digests(after)
    assert set(first) == set(second)
    return {node.rsplit("/", 1)[-1] for node in first if first[node] != second[node]}


ABC = (_dataset("a"), _dataset("b"), _dataset("c"))


def test_digests_do_not_depend_on_blank_node_names() -> None:
    page = _page(*ABC)
    first, second = _digests(page), _digests(page)
    assert first == second
    assert sorted(first) == [f"{BASE}/dataset/{key}" for key in "abc"]
    assert len(set(first.values())) == 3


def test_a_dataset_digest_follows_its_own_triples_only() -> None:
    page = _page(*ABC)
    assert _changed(page, _page(_dataset("a"), _dataset("b", title="Autre"), _dataset("c"))) == {"b"}
    # a blank node it reaches
    assert _changed(page, _page(_dataset("a"), _dataset("b"), _dataset("c", contact="Autre service"))) == {"c"}
    # a named node it reaches (its distribution)
    changed_distribution = _page(*ABC).replace("Fichier a", "Fichier A")
    assert _changed(page, changed_distribution) == {"a"}
    # one more triple
    assert _changed(page, _page(_dataset("a", extra='; dct:language "fr" '), _dataset("b"), _dataset("c"))) == {"a"}
    # another dataset it links to: with that dataset's own triples, not with what that one reaches
    linked = _page(_dataset("a", extra=f"; dct:relation <{BASE}/dataset/b> "), _dataset("b"), _dataset("c"))
    assert _changed(linked, linked.replace('"Jeu b"', '"Autre"')) == {"a", "b"}
    assert _changed(linked, linked.replace("Fichier b", "Fichier B")) == {"b"}


def test_the_order_of_values_counts() -> None:
    """The profiles take the first of several titles, publishers..."""
    two_titles = _page(_dataset("a", extra='; dct:title "Autre titre"@fr '), _dataset("b"), _dataset("c"))
    swapped = two_titles.replace('dct:title "Jeu a"@fr', 'dct:title "Autre titre"@fr ; dct:title "Jeu a"@fr')
    swapped = swapped.replace('; dct:title "Autre titre"@fr .', ".")
    assert swapped != two_titles
    assert _changed(two_titles, swapped) == {"a"}


def test_terms_are_written_whole() -> None:
    """A literal, its datatype and its language, and an address rdflib
    cannot write in Turtle (GeoNetwork joins two with a space), are each one
    term: no change can pass for another."""
    page = _page(*ABC)
    assert _changed(page, page.replace('"Jeu a"@fr', '"Jeu a"@en')) == {"a"}
    assert _changed(page, page.replace('"Jeu a"@fr', '"Jeu a"')) == {"a"}
    assert _changed(page, page.replace('"Fichier a"', '"Fichier a"^^<http://www.w3.org/2001/XMLSchema#string>')) == {
        "a"
    }
    # a lone surrogate, which UTF-8 cannot write
    assert _changed(page, page.replace('"Fichier a"', '"Fichier \\uD83D"')) == {"a"}
    graph = rdflib.Graph()
    dataset = rdflib.URIRef(f"{BASE}/dataset/a b")
    graph.add((dataset, rdflib.RDF.type, rdflib.URIRef("http://www.w3.org/ns/dcat#Dataset")))
    graph.add((dataset, rdflib.URIRef("http://purl.org/dc/terms/title"), rdflib.Literal("x")))
    assert list(record_digests.digests(graph, [dataset], "source")) == [dataset]


def test_what_every_dataset_may_read_changes_every_digest() -> None:
    page = _page(*ABC)
    # a node all of them reach
    assert _changed(page, _page(*ABC, publisher="DREAL Occitanie")) == {"a", "b", "c"}
    # the catalogues' addresses and home pages
    assert _changed(page, page.replace(f"foaf:homepage <{BASE}/>", f"foaf:homepage <{BASE}/accueil>")) == {
        "a",
        "b",
        "c",
    }
    assert _changed(page, page.replace(f"<{BASE}/catalog>", f"<{BASE}/catalogue>")) == {"a", "b", "c"}
    # what else shapes a record (the source, its configuration)
    assert _digests(page, "source") != _digests(page, "another source")
    assert set(_digests(page, "source").values()).isdisjoint(_digests(page, "another source").values())


def test_what_no_profile_reads_changes_no_digest() -> None:
    """The catalogue's title and list of datasets, catalogue records, the
    paging, an API no dataset reaches: a page where only these changed
    reads none of its datasets again."""
    page = _page(*ABC)
    assert _changed(page, _page(*ABC, catalogue="Autre catalogue")) == set()
    assert _changed(page, _page(*ABC, record="2025-01-01")) == set()
    assert _changed(page, _page(*ABC, total=4)) == set()
    assert _changed(page, _page(*ABC, service="WFS")) == set()
    # a catalogue one dataset links to counts for that one, with its own triples
    inside = _page(_dataset("a", extra=f"; dct:isPartOf <{BASE}/catalog> "), _dataset("b"), _dataset("c"))
    assert _changed(inside, inside.replace('dct:title "Catalogue"', 'dct:title "Autre"')) == {"a"}


def test_a_dataset_reaching_a_blank_node_cycle_has_no_digest() -> None:
    cyclic = _dataset("b", extra="; dct:temporal _:loop ") + "_:loop dct:relation [ dct:relation _:loop ] .\n"
    digests = _digests(_page(_dataset("a"), cyclic, _dataset("c")))
    assert sorted(digests) == [f"{BASE}/dataset/a", f"{BASE}/dataset/c"]
    # a chain of blank nodes too long to write out (an RDF list of 5,000 items)
    words = " ".join(f'"mot {index}"' for index in range(5000))
    long_list = _dataset("c", extra=f"; dct:subject ( {words} ) ")
    digests = _digests(_page(_dataset("a"), _dataset("b"), long_list))
    assert sorted(digests) == [f"{BASE}/dataset/a", f"{BASE}/dataset/b"]


RDF_SAMPLES = sorted(
    name for name in os.listdir(os.path.join(CORPUS, "dcat")) if name.endswith((".xml", ".rdf", ".jsonld"))
)


@pytest.mark.usefixtures("with_plugins")
@pytest.mark.parametrize("name", RDF_SAMPLES)
def test_datasets_read_one_by_one_are_ckanext_dcats(name: str) -> None:
    """The profiles run on one node at a time give what ckanext-dcat's
    parser gives for all of them, in the same order; and every dataset of
    the corpus has a digest, the same at the next parse."""
    with open(os.path.join(CORPUS, "dcat", name), "rb") as sample:
        body = sample.read()
    rdf_format = "json-ld" if name.endswith(".jsonld") else "xml"
    parser = rdf.parse(body, rdf_format, 10**7, base="http://127.0.0.1/cat/")
    nodes = rdf.dataset_nodes(parser)
    ours = [rdf.read_dataset(parser, node) for node in nodes]
    assert ours
    assert ours == list(parser.datasets())

    digests = record_digests.digests(parser.g, nodes, "source")
    assert set(digests) == set(nodes)
    again = rdf.parse(body, rdf_format, 10**7, base="http://127.0.0.1/cat/")
    digests_again = record_digests.digests(again.g, rdf.dataset_nodes(again), "source")
    assert sorted(digests_again.values()) == sorted(digests.values())


@pytest.mark.usefixtures("with_plugins")
def test_the_reading_context_holds_the_settings_the_profiles_read(ckan_config, monkeypatch) -> None:
    context = record_digests.reading_context({"owner_org": "o"}, "http://127.0.0.1/cat")
    assert record_digests.reading_context({"owner_org": "o"}, "http://127.0.0.1/cat") == context
    assert record_digests.reading_context({"owner_org": "p"}, "http://127.0.0.1/cat") != context
    assert record_digests.reading_context({"owner_org": "o"}, "http://127.0.0.1/other") != context
    monkeypatch.setitem(ckan_config, "ckan.site_url", "http://127.0.0.1:5001")
    assert record_digests.reading_context({"owner_org": "o"}, "http://127.0.0.1/cat") != context
    assert record_digests.enabled()
    # links back to the dataset read by ckanext-dcat: not taken by digest
    monkeypatch.setitem(ckan_config, "ckanext.dcat.expose_subcatalogs", "true")
    assert not record_digests.enabled()
    monkeypatch.setitem(ckan_config, "ckanext.dcat.expose_subcatalogs", "false")
    monkeypatch.setitem(ckan_config, record_digests.OPTION, False)
    assert not record_digests.enabled()


# Harvests: a catalogue of two Turtle pages on 127.0.0.1.


def _served_page(server: Any, number: int, datasets: list[str]) -> None:
    hydra = "http://www.w3.org/ns/hydra/core#"
    first, second = f"{server.url}/catalog.ttl?page=1", f"{server.url}/catalog.ttl?page=2"
    following = f"<{first}> a <{hydra}PagedCollection> ; <{hydra}next> <{second}> .\n"
    body = PREFIXES + (following if number == 1 else "") + "".join(datasets)
    server.add(f"/catalog.ttl?page={number}", Answer(status=200, content_type="text/turtle", body=body.encode()))


def _serve(server: Any, changed_title: str | None = None) -> None:
    _served_page(server, 1, [_dataset("a"), _dataset("b", title=changed_title), _dataset("c")])
    _served_page(server, 2, [_dataset("d"), _dataset("e")])


def _pages(source: dict[str, Any]) -> list[Any]:
    """The harvester's pages, read in the gather's process."""
    job = HarvestJob.get(call("harvest_job_create", source_id=source["id"], run=False)["id"])
    info = _source_info(job)
    harvester = EcologieDcatHarvester()
    context = hash_context(job, info)
    read = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(read_ahead, "enabled", lambda: False)
        for page in harvester.pages(job, info, harvester.load_config(job.source.config)):
            if isinstance(page, KnownPage):
                read.append(("known page", sorted(page.hashes.items())))
                continue
            assert isinstance(page, ReadPage)
            read.append(
                [
                    (type(item).__name__, item.identifier, content_hash(item.dataset, context))
                    if isinstance(item, Record)
                    else (type(item).__name__, item.identifier, item.content_hash)
                    for item in page.items
                ]
            )
    model.Session.rollback()
    call("harvest_job_abort", source_id=source["id"])
    return read


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
def test_a_changed_page_reads_its_changed_records_only(catalogue_server, harvest_consumers) -> None:
    _serve(catalogue_server)
    source = make_source("ecologie_dcat", catalogue_server.url + "/catalog.ttl?page=1")
    assert harvest(source, harvest_consumers)["stats"]["added"] == 5
    model.Session.expire_all()
    rows = {row.url[-1]: row for row in model.Session.query(HarvestPage).filter_by(source_id=source["id"])}
    assert sorted(rows) == ["1", "2"]
    assert [len(json.loads(row.record_digests)) for _, row in sorted(rows.items())] == [3, 2]
    first_url = rows["1"].url

    _serve(catalogue_server, changed_title="Jeu b, révisé")
    with_memory = _pages(source)
    assert [kind for kind, *_ in with_memory[0]] == ["KnownRecord", "Record", "KnownRecord"]
    assert with_memory[1][0] == "known page"
    # read in full, the page gives the same records, of the same hashes
    model.Session.query(HarvestPage).filter_by(source_id=source["id"]).update({"record_digests": None})
    model.Session.commit()
    in_full = _pages(source)
    assert [kind for kind, *_ in in_full[0]] == ["Record", "Record", "Record"]
    assert [item[1:] for item in with_memory[0]] == [item[1:] for item in in_full[0]]

    job = harvest(source, harvest_consumers)
    assert job["stats"] == {"added": 0, "updated": 1, "not modified": 4, "errored": 0, "deleted": 0}, job
    titles = sorted(dataset["title"] for dataset in datasets_of(source).values())
    assert titles == ["Jeu a", "Jeu b, révisé", "Jeu c", "Jeu d", "Jeu e"]
    # the page read again is remembered with every record's digest
    model.Session.expire_all()
    row = model.Session.query(HarvestPage).filter_by(source_id=source["id"], url=first_url).one()
    assert len(json.loads(row.record_digests)) == 3
    job = harvest(source, harvest_consumers)
    assert job["stats"]["not modified"] == 5, job


def _kinds(read: list[Any]) -> list[Any]:
    return [page[0] if page[0] == "known page" else [kind for kind, *_ in page] for page in read]


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
def test_an_unchanged_page_is_read_again_after_what_shapes_its_records_changes(
    catalogue_server, harvest_consumers, ckan_config, monkeypatch
) -> None:
    """A deploy (our reading code, a library's version) or a setting the
    profiles read: the unchanged pages are read again, in full, and give
    the records they gave."""
    _serve(catalogue_server)
    source = make_source("ecologie_dcat", catalogue_server.url + "/catalog.ttl?page=1")
    assert harvest(source, harvest_consumers)["stats"]["added"] == 5
    known = _pages(source)
    assert _kinds(known) == ["known page", "known page"]
    stored = sorted(pair for _, hashes in known for pair in hashes)

    with monkeypatch.context() as deployed:
        deployed.setattr(record_digests, "_code_and_versions", lambda: ["another version of the reading code"])
        read = _pages(source)
    assert _kinds(read) == [["Record"] * 3, ["Record"] * 2]
    assert sorted((identifier, hashed) for page in read for _, identifier, hashed in page) == stored

    assert _kinds(_pages(source)) == ["known page", "known page"]
    monkeypatch.setitem(ckan_config, "ckanext.dcat.clean_tags", not ckan_config["ckanext.dcat.clean_tags"])
    assert _kinds(_pages(source)) == [["Record"] * 3, ["Record"] * 2]


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
def test_a_deleted_dataset_of_a_changed_page_is_read_again(catalogue_server, harvest_consumers) -> None:
    _serve(catalogue_server)
    source = make_source("ecologie_dcat", catalogue_server.url + "/catalog.ttl?page=1")
    harvest(source, harvest_consumers)
    gone = next(dataset for dataset in datasets_of(source).values() if dataset["title"] == "Jeu c")
    call("package_delete", id=gone["id"])

    _serve(catalogue_server, changed_title="Jeu b, révisé")
    assert [kind for kind, *_ in _pages(source)[0]] == ["KnownRecord", "Record", "Record"]
    job = harvest(source, harvest_consumers)
    assert job["stats"]["not modified"] == 3, job
    assert call("package_show", id=gone["id"])["state"] == "active"


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
def test_a_known_record_changed_while_the_page_was_read_is_an_error(catalogue_server, harvest_consumers) -> None:
    """Its dataset changed between the read and the gather: the gather has
    no record to import, says so, deletes nothing and forgets the page."""
    _serve(catalogue_server)
    source = make_source("ecologie_dcat", catalogue_server.url + "/catalog.ttl?page=1")
    harvest(source, harvest_consumers)
    model.Session.expire_all()
    page = model.Session.query(HarvestPage).filter_by(source_id=source["id"]).order_by(HarvestPage.url).first()
    identifier, uri = next(iter(json.loads(page.record_digests).values()))
    job = HarvestJob.get(call("harvest_job_create", source_id=source["id"], run=False)["id"])
    gathering = _Gathering(job, hash_context(job, _source_info(job)))
    known = KnownRecord(identifier, "a hash of another content", uri, "digest")
    gathering.page(ReadPage([known], url=page.url, digest="another page digest", next_url=None))

    assert gathering.failed is True
    messages = [error.message for error in model.Session.query(HarvestGatherError).filter_by(harvest_job_id=job.id)]
    assert messages == [f"Record {identifier}: changed while the source was read, read again at the next job"]
    model.Session.expire_all()
    assert model.Session.get(HarvestPage, (source["id"], page.url)) is None
    call("harvest_job_abort", source_id=source["id"])
