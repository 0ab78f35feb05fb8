"""The pipeline's small parts on their own: licences, formats, hardened XML,
the fetcher (retries, size cap, content types), identifiers and hashes, the
records read on the plain graph."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import ckan.plugins.toolkit as tk
import pytest
import rdflib
from rdflib.plugins.stores.memory import SimpleMemory

from ckanext.ecologie.harvest import formats, junk, licences, safexml
from ckanext.ecologie.harvest.config import ConfigError, load
from ckanext.ecologie.harvest.csw import EcologieCswHarvester
from ckanext.ecologie.harvest.enrich import SourceInfo
from ckanext.ecologie.harvest.fetch import XML_TYPES, Fetcher, FetchError
from ckanext.ecologie.harvest.ownership import Reach
from ckanext.ecologie.harvest.records import Record, content_hash, identifier_of
from ckanext.ecologie.tests.harvest.servers import Answer
from ckanext.ecologie.tests.helpers import CORPUS

pytestmark = pytest.mark.usefixtures("with_request_context")

CORPUS_SOURCE = SourceInfo("corpus", "Corpus", "http://127.0.0.1/catalogue/", None, Reach("corpus", None))


LICENCES = [
    ("Licence Ouverte / Open Licence version 2.0", "lov2"),
    ("https://www.etalab.gouv.fr/licence-ouverte-open-licence", "lov2"),
    ("etalab-2.0", "lov2"),
    ("Licence Ouverte 1.0 http://www.data.gouv.fr/Licence-Ouverte-Open-Licence.", "fr-lo"),
    ("fr-lo", "fr-lo"),
    ("ODbL", "odc-odbl"),
    ("http://opendatacommons.org/licenses/odbl/1.0/", "odc-odbl"),
    ("https://creativecommons.org/licenses/by/4.0/", "cc-by"),
    ("CC-BY-SA 4.0", "cc-by-sa"),
    ("https://creativecommons.org/publicdomain/zero/1.0/", "cc-zero"),
    ("Pas de restriction d'usage", None),
]


def test_licences() -> None:
    assert {value: licences.normalise([None, value]) for value, _ in LICENCES} == dict(LICENCES)


FORMATS = [
    ("OGC:WMS", "https://example.test/ows", "WMS"),
    ("WWW:LINK-1.0-http--link", "https://example.test/doc.pdf", "PDF"),
    ("WWW:LINK-1.0-http--link", "https://example.test/page", ""),
    ("https://www.iana.org/assignments/media-types/application/json", "", "JSON"),
    ("text/csv", "", "CSV"),
    ("", "https://example.test/ows?SERVICE=WFS&REQUEST=GetCapabilities", "WFS"),
    ("MapInfo TAB", "", "MapInfo TAB"),
    # CKAN's names (unified_resource_format) for what CKAN knows
    ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "", "XLSX"),
    (
        "https://www.iana.org/assignments/media-types/application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "",
        "XLSX",
    ),
    ("ESRI Shapefile (SHP)", "", "SHP"),
    ("http://publications.europa.eu/resource/authority/file-type/GEOJSON", "", "GeoJSON"),
    ("", "https://example.test/tables.xlsx", "XLSX"),
    ("OGC:WMTS", "https://example.test/wmts?SERVICE=WMTS&REQUEST=GetCapabilities", "WMTS"),
    ("OGC Web Feature Service", "https://example.test/ows", "WFS"),
    ("GPKG", "", "GPKG"),
]


def test_formats() -> None:
    assert [formats.normalise(value, url) for value, url, _ in FORMATS] == [expected for *_, expected in FORMATS]


def test_hardened_xml() -> None:
    ok = b'<!DOCTYPE r [<!ENTITY ns "http://example.test/">]><r a="&ns;x"/>'
    assert safexml.parse(ok, 10_000).getroot().get("a") == "http://example.test/x"
    for hostile in (
        b'<!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]><r>&e;</r>',
        b'<!DOCTYPE r [<!ENTITY a "x"><!ENTITY b "&a;&a;">]><r>&b;</r>',
        b'<!DOCTYPE r SYSTEM "http://127.0.0.1:9/r.dtd"><r/>',
        b"<r><unclosed></r>",
        b"",
    ):
        with pytest.raises(safexml.UnsafeXML):
            safexml.parse(hostile, 10_000)
    with pytest.raises(safexml.UnsafeXML):
        safexml.parse(b"<r>" + b"x" * 100 + b"</r>", 50)


def test_fetcher(catalogue_server) -> None:
    config = load('{"timeout": 1, "retries": 2, "backoff": 0.01, "max_size_mb": 0.001}')
    catalogue_server.add("/ok", Answer(content_type="application/json; charset=utf-8", body=b"{}"))
    with pytest.raises(FetchError, match=r"127\.0\.0\.1"):  # a private address, by default
        Fetcher(config).get(catalogue_server.url + "/ok", ["application/json"])
    fetcher = Fetcher(config, allow_private=True)
    assert fetcher.get(catalogue_server.url + "/ok", ["application/json"]).body == b"{}"
    with pytest.raises(FetchError, match="text/html"):
        catalogue_server.add("/html", Answer(content_type="text/html", body=b"<html/>"))
        fetcher.get(catalogue_server.url + "/html", ["application/json"])
    catalogue_server.add("/big", Answer(content_type="application/json", body=b" " * 5000))
    with pytest.raises(FetchError, match=r"MB|Mo"):
        fetcher.get(catalogue_server.url + "/big", ["application/json"])
    catalogue_server.add("/down", Answer(status=503, content_type="text/plain", body=b"busy"))
    with pytest.raises(FetchError, match="503"):
        fetcher.get(catalogue_server.url + "/down", ["application/json"])
    assert catalogue_server.hits["/down"] == 3
    with pytest.raises(FetchError, match="404"):
        fetcher.get(catalogue_server.url + "/missing", ["application/json"])
    assert catalogue_server.hits["/missing"] == 1  # a 4xx is not retried


def _trickle() -> Iterator[bytes]:
    """20 s of an answer, a little at a time (never a read timeout)."""
    for _ in range(400):
        time.sleep(0.05)
        yield b"x" * 1024


def test_fetcher_retries_with_urllib3(catalogue_server) -> None:
    """urllib3's Retry: POSTs (CSW GetRecords) retried too, a 5xx answer
    closed unread (a hostile one may never end), a timeout reported as one."""
    fetcher = Fetcher(load('{"timeout": 1, "retries": 2, "backoff": 0.01}'), allow_private=True)
    catalogue_server.add("/busy", Answer(status=503, content_type="text/plain", body=b"busy"))
    with pytest.raises(FetchError, match="503"):
        fetcher.post(catalogue_server.url + "/busy", XML_TYPES, b"<GetRecords/>", "application/xml")
    assert catalogue_server.hits["/busy"] == 3
    catalogue_server.add("/trickle", Answer(status=500, content_type="text/plain", body=_trickle))
    started = time.monotonic()
    with pytest.raises(FetchError, match="500"):
        fetcher.get(catalogue_server.url + "/trickle", ["application/json"])
    assert catalogue_server.hits["/trickle"] == 3 and time.monotonic() - started < 5
    catalogue_server.add("/slow", Answer(delay=3, content_type="application/json", body=b"{}"))
    slow = Fetcher(load('{"timeout": 0.5, "retries": 1, "backoff": 0}'), allow_private=True)
    with pytest.raises(FetchError) as raised:
        slow.get(catalogue_server.url + "/slow", ["application/json"])
    no_answer = tk._("No answer from {url} within {seconds} s")
    assert str(raised.value) == no_answer.format(url=catalogue_server.url + "/slow", seconds=0.5)
    assert catalogue_server.hits["/slow"] == 2


@pytest.mark.ckan_config("ckanext.ecologie.harvest.timeout", 7)
def test_source_config_schema() -> None:
    """The portal's defaults where a key is not given; every error at once,
    unknown keys first."""
    config = load('{"keywords": " eau ", "page_size": 20}', EcologieCswHarvester().config_schema())
    assert (config.timeout, config.retries, config.extra) == (7, 3, {"keywords": ["eau"], "page_size": 20})
    with pytest.raises(ConfigError) as raised:
        load('{"colour": "green", "timeout": "slow", "page_size": 0}', EcologieCswHarvester().config_schema())
    allowed = (
        "backoff, keywords, max_deletion_share, max_size_mb, organization_type, output_schema, page_size, "
        "publisher_mapping, publishers_to_organizations, retries, timeout"
    )
    assert str(raised.value) == "; ".join(
        [
            tk._("Unknown configuration keys: {keys}. Allowed: {allowed}").format(keys="colour", allowed=allowed),
            tk._("{name} must be a number").format(name="timeout"),
            tk._("{name} must be a whole number from 1 to {maximum}").format(name="page_size", maximum=500),
        ]
    )


def test_identifiers_and_hashes() -> None:
    assert identifier_of([None, "12", "https://id.example.test/1"], "src", "12") == "https://id.example.test/1"
    assert identifier_of(["12"], "src", "12") == "urn:ecologie:source:src:12"
    assert identifier_of([], "src", None) is None
    one = {
        "title": "a",
        "extras": [{"key": "b", "value": "N" + "0" * 32}],
        "resources": [{"ref": "n" + "1" * 32 + "b2"}],
    }
    two = {
        "resources": [{"ref": "n" + "2" * 32 + "b7"}],
        "extras": [{"value": "N" + "f" * 32, "key": "b"}],
        "title": "a",
    }
    assert content_hash(one, {"owner": "x"}) == content_hash(two, {"owner": "x"})
    assert content_hash(one, {"owner": "x"}) != content_hash(one, {"owner": "y"})
    assert content_hash(one, {}) != content_hash({**one, "title": "b"}, {})


def test_rdf_xml_in_its_declared_encoding() -> None:
    from ckanext.ecologie.harvest import rdf

    body = (
        '<?xml version="1.0" encoding="ISO-8859-1"?>'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:dcat="http://www.w3.org/ns/dcat#"'
        ' xmlns:dct="http://purl.org/dc/terms/"><dcat:Dataset rdf:about="https://id.example.test/1">'
        "<dct:title>Qualité de l'air</dct:title></dcat:Dataset></rdf:RDF>"
    ).encode("iso-8859-1")
    (dataset,) = rdf.parse(body, "xml", 10_000).datasets()
    assert dataset["title"] == "Qualité de l'air"
    with pytest.raises(rdf.RDFPageError):
        rdf.parse("<http://a> <http://b> «c» .".encode("iso-8859-1"), "turtle", 10_000)


def test_scrub_drops_blank_node_ids_and_the_portal_address_only() -> None:
    """ckanext-dcat puts `ckan.site_url` where a record has no homepage:
    that goes, as blank-node ids do; a text mentioning the portal and a
    resource on the portal's host are kept (test.ini's site is test.ckan.net)."""
    dataset = {
        "title": "Stations",
        "notes": "Voir aussi http://test.ckan.net/dataset/stations-2020.",
        "url": "http://test.ckan.net",
        "extras": [
            {"key": "homepage", "value": "http://test.ckan.net/"},
            {"key": "conforms_to", "value": '["N0123456789abcdef0123456789abcdef", "https://example.org/norme"]'},
            {"key": "theme", "value": "https://example.org/theme"},
        ],
        "resources": [
            {"url": "http://test.ckan.net/geoserver/wfs", "name": "WFS", "distribution_ref": "_:b0"},
            {"url": "https://example.org/f.csv", "name": "N0123456789abcdef0123456789abcdef"},
        ],
    }
    junk.scrub(dataset)
    assert dataset == {
        "title": "Stations",
        "notes": "Voir aussi http://test.ckan.net/dataset/stations-2020.",
        "url": "",
        "extras": [
            {"key": "conforms_to", "value": '["https://example.org/norme"]'},
            {"key": "theme", "value": "https://example.org/theme"},
        ],
        "resources": [
            {"url": "http://test.ckan.net/geoserver/wfs", "name": "WFS"},
            {"url": "https://example.org/f.csv"},
        ],
    }


RDF_XML_SAMPLES = sorted(name for name in os.listdir(os.path.join(CORPUS, "dcat")) if name.endswith((".xml", ".rdf")))
# Each sample as it is, and in Turtle and N-Triples, except geonetwork.xml:
# its addresses with spaces exist in RDF/XML only (rdflib cannot write them).
PAGES = [(name, "xml") for name in RDF_XML_SAMPLES] + [
    (name, rdf_format) for name in RDF_XML_SAMPLES if name != "geonetwork.xml" for rdf_format in ("turtle", "nt")
]


def _read(body: bytes, rdf_format: str) -> tuple[rdflib.Graph, list[tuple[str, str]]]:
    """The graph a page is read into, and each record's identifier and
    content hash (its stored content, blank node names aside), in the order read."""
    from ckanext.ecologie.harvest import rdf
    from ckanext.ecologie.harvest.dcat import dataset_records

    parser = rdf.parse(body, rdf_format, 10_000_000, base=CORPUS_SOURCE.url)
    records = [
        (item.identifier, content_hash(item.dataset, {}))
        if isinstance(item, Record)
        else ("error", f"{item.reference}: {item.message}")
        for item in dataset_records(parser, CORPUS_SOURCE)
    ]
    return parser.g, records


@pytest.mark.parametrize(("name", "rdf_format"), PAGES)
def test_pages_without_named_graphs_read_alike_on_the_plain_graph(monkeypatch, name, rdf_format) -> None:
    """A page is read into rdflib's plain SimpleMemory graph when its format
    has no named graphs: the records, their order and their content are
    those read on the context-aware graph ckanext-dcat makes."""
    from ckanext.ecologie.harvest import rdf

    with open(os.path.join(CORPUS, "dcat", name), "rb") as sample:
        body = sample.read()
    if rdf_format != "xml":
        graph = rdflib.Graph().parse(data=body, format="xml", publicID=CORPUS_SOURCE.url)
        body = graph.serialize(format=rdf_format, encoding="utf-8")
    plain_graph, plain = _read(body, rdf_format)
    assert isinstance(plain_graph.store, SimpleMemory)
    monkeypatch.setattr(rdf, "TRIPLE_FORMATS", frozenset())
    context_aware_graph, context_aware = _read(body, rdf_format)
    assert isinstance(context_aware_graph, rdflib.ConjunctiveGraph)
    assert len(plain) >= 1
    assert plain == context_aware
