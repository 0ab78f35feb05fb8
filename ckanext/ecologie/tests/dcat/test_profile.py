"""The DCAT-AP-FR profile on our DCAT endpoints: themes as dcat:theme with
their concept URIs, access rights with the EU vocabulary, and no resource URL
of restricted data for those who may not use it."""

from __future__ import annotations

import pytest
from ckan.tests import factories
from rdflib import Graph, URIRef

from ckanext.ecologie.tests.helpers import make_dataset
from ckanext.ecologie.themes.store import get_taxonomy

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

DCAT_THEME = URIRef("http://www.w3.org/ns/dcat#theme")
ACCESS_RIGHTS = URIRef("http://purl.org/dc/terms/accessRights")
EU = "http://publications.europa.eu/resource/authority/access-right/"


def _graph(app, url: str, headers: dict | None = None) -> Graph:
    response = app.get(url, headers=headers or {})
    return Graph().parse(data=response.body, format="turtle")


def test_dataset_serialised_with_themes_and_access_rights(app) -> None:
    dataset = make_dataset(
        title="Stations hydrométriques",
        themes=["eau"],
        resources=[{"url": "https://files.example.test/stations.csv", "name": "Stations"}],
    )
    graph = _graph(app, f"/dataset/{dataset['name']}.ttl")

    subject = next(graph.subjects(DCAT_THEME, None))
    assert URIRef(get_taxonomy().get("eau").uri) in set(graph.objects(subject, DCAT_THEME))
    assert set(graph.objects(subject, ACCESS_RIGHTS)) == {URIRef(EU + "PUBLIC")}
    assert "https://files.example.test/stations.csv" in {str(node) for node in graph.all_nodes()}


def test_restricted_dataset_keeps_its_data_url_from_strangers(app) -> None:
    member = factories.User()
    org = factories.Organization(users=[{"name": member["name"], "capacity": "member"}])
    dataset = make_dataset(
        owner_org=org["id"],
        title="Stations protégées",
        access_rights="restricted",
        access_reason_category="h",
        resources=[{"url": "https://files.example.test/secret.csv", "name": "Secret"}],
    )
    for url in (f"/dataset/{dataset['name']}.ttl", "/catalog.ttl"):
        graph = _graph(app, url)
        assert "https://files.example.test/secret.csv" not in {str(node) for node in graph.all_nodes()}
        assert URIRef(EU + "NON_PUBLIC") in set(graph.objects(None, ACCESS_RIGHTS))

    token = factories.APIToken(user=member["name"])["token"]
    graph = _graph(app, f"/dataset/{dataset['name']}.ttl", {"Authorization": token})
    assert "https://files.example.test/secret.csv" in {str(node) for node in graph.all_nodes()}
