"""The bouquet's DCAT export, serialised by ckanext-dcat: each format parsed
with rdflib; an item on a dataset of the portal carries exactly the triples
of that dataset's own export (`/dataset/<name>.ttl`), as the requesting user
may see them."""

from __future__ import annotations

import ckan.plugins.toolkit as tk
import pytest
import rdflib
from ckan.tests import factories
from ckan.tests.helpers import call_action
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SKOS

from ckanext.ecologie.tests.helpers import make_dataset

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

PARSERS = {"ttl": "turtle", "rdf": "xml", "jsonld": "json-ld"}
MIMETYPES = {"ttl": "text/turtle", "rdf": "application/rdf+xml", "jsonld": "application/ld+json"}
SECRET_URL = "https://donnees.example.org/restreint/releves-piezo-4b1e.csv"
OPEN_URL = "https://donnees.example.org/ouvert/dpe.csv"


def _graph(app, path: str, extension: str, headers: dict | None = None) -> tuple[rdflib.Graph, str]:
    response = app.get(f"{path}.{extension}", headers=headers or {})
    assert response.status_code == 200
    assert response.mimetype == MIMETYPES[extension]
    text = response.get_data(as_text=True)
    return rdflib.Graph().parse(data=text, format=PARSERS[extension]), text


def _described(graph: rdflib.Graph, node: rdflib.term.Node) -> rdflib.Graph:
    """The triples about `node` and about what it points to (its
    distributions, publisher, contact...), as a dataset's own export holds."""
    found = rdflib.Graph()
    pending, seen = [node], set()
    while pending:
        subject = pending.pop()
        if subject in seen:
            continue
        seen.add(subject)
        for triple in graph.triples((subject, None, None)):
            found.add(triple)
            if not isinstance(triple[2], rdflib.Literal):
                pending.append(triple[2])
    return found


def _difference(first: rdflib.Graph, second: rdflib.Graph) -> tuple[list[str], list[str]]:
    """The triples of each graph missing from the other (blank nodes matched)."""
    _, only_first, only_second = graph_diff(to_isomorphic(first), to_isomorphic(second))
    return sorted(only_first.serialize(format="nt").splitlines()), sorted(
        only_second.serialize(format="nt").splitlines()
    )


@pytest.fixture
def restricted_world(app) -> dict:
    """A published bouquet of an organisation, with a restricted dataset of
    that organisation (its data file gated), an open one, data found
    elsewhere and missing data, in two groups."""
    member = factories.User()
    org = factories.Organization(title="DREAL Occitanie", users=[{"name": member["name"], "capacity": "editor"}])
    headers = {"Authorization": factories.APIToken(user=member["name"])["token"]}
    restricted = make_dataset(
        owner_org=org["id"],
        title="Relevés piézométriques",
        access_rights="restricted",
        resources=[{"name": "Relevés", "url": SECRET_URL, "format": "CSV"}],
    )
    open_data = make_dataset(
        owner_org=org["id"],
        title="Diagnostics de performance énergétique",
        resources=[{"name": "DPE", "url": OPEN_URL, "format": "CSV"}],
    )
    context = {"user": member["name"]}
    bouquet = call_action(
        "package_create",
        context,
        type="bouquet",
        name="eau-et-logement",
        title="Eau et logement",
        notes="Des **nappes** aux logements.",
        themes=["mieux-se-loger"],
        tags=[{"name": "nappes"}],
        spatial_coverage="Occitanie",
        owner_org=org["id"],
        private=False,
    )
    items = call_action(
        "ecologie_bouquet_item_create",
        context,
        bouquet_id=bouquet["id"],
        items=[
            {"package_id": restricted["id"], "purpose": "Suivre les nappes", "group": "Eau"},
            {"package_id": open_data["id"], "purpose": "Repérer les passoires", "group": "Logement"},
            {"label": "Aides locales", "uri": "https://aides.example.org/renovation", "group": "Logement"},
            {"label": "Consommations réelles"},
        ],
    )
    return {
        "bouquet": call_action("package_show", context, id=bouquet["id"]),
        "items": items,
        "restricted": restricted,
        "open": open_data,
        "org": org,
        "member": headers,
    }


def test_the_bouquet_is_a_catalogue_of_records(app, restricted_world: dict) -> None:
    bouquet, items = restricted_world["bouquet"], restricted_world["items"]
    graphs = {extension: _graph(app, f"/bouquet/{bouquet['name']}", extension)[0] for extension in PARSERS}
    assert isomorphic(graphs["ttl"], graphs["rdf"]) and isomorphic(graphs["ttl"], graphs["jsonld"])
    graph = graphs["ttl"]
    site = tk.config["ckan.site_url"]
    catalogue = rdflib.URIRef(f"{site}/bouquet/{bouquet['name']}")
    assert set(graph.subjects(RDF.type, DCAT.Catalog)) == {catalogue, *graph.objects(catalogue, DCTERMS.hasPart)}
    assert graph.value(catalogue, DCTERMS.title) == rdflib.Literal("Eau et logement")
    assert graph.value(catalogue, DCTERMS.description) == rdflib.Literal("Des **nappes** aux logements.")
    assert graph.value(catalogue, FOAF.homepage) == catalogue
    assert set(graph.objects(catalogue, DCAT.keyword)) == {rdflib.Literal("nappes")}
    assert set(graph.objects(catalogue, DCAT.theme)) == {
        rdflib.URIRef(call_action("ecologie_theme_show", scheme="bouquet", id="mieux-se-loger")["uri"])
    }
    (place,) = graph.objects(catalogue, DCTERMS.spatial)
    assert graph.value(place, SKOS.prefLabel) == rdflib.Literal("Occitanie")
    publisher = graph.value(catalogue, DCTERMS.publisher)
    assert publisher == rdflib.URIRef(f"{site}/organization/{restricted_world['org']['id']}")
    assert graph.value(publisher, FOAF.name) == rdflib.Literal("DREAL Occitanie")
    modified = graph.value(catalogue, DCTERMS.modified).toPython()
    assert modified.isoformat() == bouquet["metadata_modified"]

    datasets = {
        restricted_world["restricted"]["id"]: rdflib.URIRef(f"{site}/dataset/{restricted_world['restricted']['id']}"),
        restricted_world["open"]["id"]: rdflib.URIRef(f"{site}/dataset/{restricted_world['open']['id']}"),
    }
    records = {item["id"]: rdflib.URIRef(f"{catalogue}#item-{item['id']}") for item in items}
    assert set(graph.objects(catalogue, DCAT.record)) == set(records.values())
    shown = []
    for item in items:
        record = records[item["id"]]
        data = graph.value(record, FOAF.primaryTopic)
        assert graph.value(record, RDF.type) == DCAT.CatalogRecord
        assert (catalogue, DCAT.dataset, data) in graph
        assert graph.value(record, DCTERMS.modified) is not None
        shown.append(
            (
                str(graph.value(record, DCTERMS.title)),
                str(graph.value(record, DCTERMS.description) or ""),
                data == datasets.get(item["package_id"]),
                str(graph.value(data, DCAT.landingPage) or ""),
                str(graph.value(data, DCTERMS.title)),
            )
        )
    assert shown == [
        ("Relevés piézométriques", "Suivre les nappes", True, "", "Relevés piézométriques"),
        (
            "Diagnostics de performance énergétique",
            "Repérer les passoires",
            True,
            "",
            "Diagnostics de performance énergétique",
        ),
        ("Aides locales", "", False, "https://aides.example.org/renovation", "Aides locales"),
        ("Consommations réelles", "", False, "", "Consommations réelles"),
    ]
    sections = {
        str(graph.value(section, DCTERMS.title)): (str(section), set(graph.objects(section, DCAT.record)))
        for section in graph.objects(catalogue, DCTERMS.hasPart)
    }
    assert sections == {
        "Eau": (f"{catalogue}#group-1", {records[items[0]["id"]]}),
        "Logement": (f"{catalogue}#group-2", {records[items[1]["id"]], records[items[2]["id"]]}),
    }
    assert not [term for term in graph.all_nodes() if "ecologie.data.gouv.fr/ns" in str(term)]
    assert not [predicate for predicate in graph.predicates() if "ecologie" in str(predicate)]


@pytest.mark.parametrize("viewer", ["anonymous", "member"])
def test_an_item_carries_its_dataset_s_own_export(app, restricted_world: dict, viewer: str) -> None:
    headers = restricted_world["member"] if viewer == "member" else {}
    site = tk.config["ckan.site_url"]
    for extension in PARSERS:
        graph, text = _graph(app, f"/bouquet/{restricted_world['bouquet']['name']}", extension, headers)
        for key in ("restricted", "open"):
            dataset = restricted_world[key]
            own, _ = _graph(app, f"/dataset/{dataset['name']}", "ttl", headers)
            node = rdflib.URIRef(f"{site}/dataset/{dataset['id']}")
            assert len(own) > 10
            assert _difference(_described(graph, node), own) == ([], []), (extension, key)
        assert OPEN_URL in text
        assert (SECRET_URL in text) is (viewer == "member")
