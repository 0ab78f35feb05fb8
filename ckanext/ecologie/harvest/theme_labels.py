"""The themes a DCAT record states, as the classifier reads them.

ckanext-dcat keeps every `dcat:theme` object in the `theme` extra as a string:
a concept given as a blank node (GeoNetwork's `rdf:parseType="Resource"`)
becomes its blank-node id, and its `skos:prefLabel`, the only thing that says
what it is, is lost. ISO topic categories given as `geodcatap:topicCategory`
or `dct:subject` (GeoNetwork's GeoDCAT-AP and DCAT outputs) are not read at
all. Here `theme` keeps the concept URIs only (topic categories included) and
`theme_labels` the labels of the concepts, named or not.
"""

from __future__ import annotations

from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDFS, SKOS
from rdflib.term import Node

from ckanext.ecologie.harvest.iso import TOPIC_CATEGORY
from ckanext.ecologie.harvest.records import is_uri, set_extra

GEODCATAP_TOPIC_CATEGORY = URIRef("http://data.europa.eu/930/topicCategory")
# ISO 19115 MD_TopicCategoryCode values, as some exporters write them literally
TOPIC_CATEGORY_CODES = frozenset(
    (
        "farming",
        "biota",
        "boundaries",
        "climatologyMeteorologyAtmosphere",
        "economy",
        "elevation",
        "environment",
        "geoscientificInformation",
        "health",
        "imageryBaseMapsEarthCover",
        "intelligenceMilitary",
        "inlandWaters",
        "location",
        "oceans",
        "planningCadastre",
        "society",
        "structure",
        "transportation",
        "utilitiesCommunication",
    )
)
LABEL_PREDICATES = (SKOS.prefLabel, RDFS.label, DCTERMS.title)
LANGUAGES = ("fr", "fre", "fra", None, "en", "eng")


def _label(graph: Graph, node: Node) -> str | None:
    """The French label of a concept, else one without a language, else English."""
    found: dict[str | None, str] = {}
    for predicate in LABEL_PREDICATES:
        for value in graph.objects(node, predicate):
            if isinstance(value, Literal) and str(value).strip():
                found.setdefault(value.language.lower() if value.language else None, str(value).strip())
        if found:
            break
    for language in LANGUAGES:
        if language in found:
            return found[language]
    return next(iter(found.values()), None)


def _topic_category(value: Node) -> str | None:
    text = str(value).strip()
    if isinstance(value, URIRef) and "/TopicCategory/" in text:
        return text
    code = text.rsplit("/", 1)[-1]
    return TOPIC_CATEGORY + code if code in TOPIC_CATEGORY_CODES else None


def read_themes(graph: Graph, dataset_ref: Node) -> tuple[list[str], list[str]]:
    """(concept URIs, concept labels) that the record states as its themes."""
    uris: list[str] = []
    labels: list[str] = []
    for value in graph.objects(dataset_ref, DCAT.theme):
        if isinstance(value, URIRef) and is_uri(str(value).strip()):
            uris.append(str(value).strip())
        label = str(value).strip() if isinstance(value, Literal) else _label(graph, value)
        if label:
            labels.append(label)
    for predicate in (GEODCATAP_TOPIC_CATEGORY, DCTERMS.subject):
        for value in graph.objects(dataset_ref, predicate):
            category = _topic_category(value)
            if category:
                uris.append(category)
    return list(dict.fromkeys(uris)), list(dict.fromkeys(labels))


def read_into(dataset_dict: dict[str, Any], graph: Graph, dataset_ref: Node) -> None:
    """Replace ckanext-dcat's `theme` extra (blank-node ids, labels and URIs
    mixed) with the concept URIs, and keep the labels in `theme_labels`."""
    uris, labels = read_themes(graph, dataset_ref)
    set_extra(dataset_dict, "theme", uris)
    set_extra(dataset_dict, "theme_labels", labels)
