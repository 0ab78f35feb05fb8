"""harvest/theme_labels.py: the themes a DCAT record states, as URIs and
labels, never as blank-node ids."""

from __future__ import annotations

import json

import pytest
import rdflib

from ckanext.ecologie.harvest import rdf
from ckanext.ecologie.harvest.records import extra
from ckanext.ecologie.harvest.theme_labels import read_into, read_themes

TOPIC = "http://inspire.ec.europa.eu/metadata-codelist/TopicCategory/"

RECORD = """
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix geodcatap: <http://data.europa.eu/930/> .

<https://example.org/d> a dcat:Dataset ;
  dct:title "Relevés" ;
  dcat:theme [ a skos:Concept ; skos:prefLabel "Habitats and biotopes"@en, "Habitats et biotopes"@fr ] ,
    <http://www.eionet.europa.eu/gemet/concept/3301> ,
    <http://inspire.ec.europa.eu/theme/hb> ,
    "geodesy" ,
    [ a skos:Concept ] ;
  geodcatap:topicCategory <http://inspire.ec.europa.eu/metadata-codelist/TopicCategory/biota> ;
  geodcatap:topicCategory "inlandWaters" ;
  dct:subject <http://inspire.ec.europa.eu/metadata-codelist/TopicCategory/biota> , <http://example.org/other> .

<http://www.eionet.europa.eu/gemet/concept/3301> skos:prefLabel "inondation"@fr .
"""


def test_uris_labels_and_topic_categories() -> None:
    graph = rdflib.Graph().parse(data=RECORD, format="turtle")
    uris, labels = read_themes(graph, rdflib.URIRef("https://example.org/d"))

    assert sorted(uris) == [
        TOPIC + "biota",
        TOPIC + "inlandWaters",
        "http://inspire.ec.europa.eu/theme/hb",
        "http://www.eionet.europa.eu/gemet/concept/3301",
    ]
    # French first; a concept without a label gives nothing, not its blank-node id
    assert sorted(labels) == ["Habitats et biotopes", "geodesy", "inondation"]


def test_the_theme_extra_keeps_uris_and_the_labels_go_to_theme_labels() -> None:
    graph = rdflib.Graph().parse(data=RECORD, format="turtle")
    dataset = {"extras": [{"key": "theme", "value": '["N0123456789abcdef0123456789abcdef", "geodesy"]'}]}

    read_into(dataset, graph, rdflib.URIRef("https://example.org/d"))

    # ckanext-dcat's blank-node id is gone, the literal moved to the labels
    assert sorted(json.loads(extra(dataset, "theme"))) == [
        TOPIC + "biota",
        TOPIC + "inlandWaters",
        "http://inspire.ec.europa.eu/theme/hb",
        "http://www.eionet.europa.eu/gemet/concept/3301",
    ]
    assert sorted(json.loads(extra(dataset, "theme_labels"))) == ["Habitats et biotopes", "geodesy", "inondation"]


def test_a_record_without_themes_gets_neither_extra() -> None:
    graph = rdflib.Graph().parse(data='<https://example.org/d> <http://purl.org/dc/terms/title> "x" .', format="nt")
    dataset = {"extras": []}
    read_into(dataset, graph, rdflib.URIRef("https://example.org/d"))
    assert dataset["extras"] == []


@pytest.mark.usefixtures("with_plugins")
def test_read_through_the_dcat_ap_fr_profile() -> None:
    """GeoNetwork's `rdf:parseType="Resource"` concepts (DataRA)."""
    body = f"""<?xml version="1.0" encoding="utf-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:dcat="http://www.w3.org/ns/dcat#"
    xmlns:dct="http://purl.org/dc/terms/" xmlns:skos="http://www.w3.org/2004/02/skos/core#">
  <dcat:Dataset rdf:about="https://catalogue.example.org/d">
    <dct:title xml:lang="fr">Campings</dct:title>
    <dct:subject rdf:resource="{TOPIC}structure"/>
    <dcat:theme rdf:parseType="Resource">
      <rdf:type rdf:resource="http://www.w3.org/2004/02/skos/core#Concept"/>
      <skos:prefLabel xml:lang="fr">Gestion des crises et des risques</skos:prefLabel>
    </dcat:theme>
  </dcat:Dataset>
</rdf:RDF>"""
    (dataset,) = rdf.parse(body.encode(), "xml", 10**6).datasets()
    assert extra(dataset, "theme") == f'["{TOPIC}structure"]'
    assert extra(dataset, "theme_labels") == '["Gestion des crises et des risques"]'
