"""Exports of a bouquet: CSV of its items, and DCAT (the bouquet as a
dcat:Catalog of its items) in Turtle, RDF/XML or JSON-LD. Both are built from
the items as the requesting user sees them."""

from __future__ import annotations

import csv
import io
from typing import Any

import ckan.plugins.toolkit as tk
import rdflib
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF

from ckanext.ecologie.themes.store import get_taxonomy
from ckanext.ecologie.themes.taxonomy import BOUQUET as BOUQUET_SCHEME
from ckanext.ecologie.themes.validators import stored_themes

CSV_COLUMNS = ("label", "purpose", "availability", "uri", "title", "organisation", "last_update", "group")
RDF_FORMATS = {
    "ttl": ("turtle", "text/turtle"),
    "rdf": ("xml", "application/rdf+xml"),
    "jsonld": ("json-ld", "application/ld+json"),
}
ECOLOGIE = rdflib.Namespace("https://ecologie.data.gouv.fr/ns#")


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


def to_graph(bouquet: dict[str, Any], items: list[dict[str, Any]]) -> rdflib.Graph:
    graph = rdflib.Graph()
    graph.bind("dcat", DCAT)
    graph.bind("dct", DCTERMS)
    graph.bind("ecologie", ECOLOGIE)
    catalogue = rdflib.URIRef(bouquet_uri(bouquet))
    graph.add((catalogue, RDF.type, DCAT.Catalog))
    graph.add((catalogue, DCTERMS.title, rdflib.Literal(bouquet["title"], lang="fr")))
    if bouquet.get("notes"):
        graph.add((catalogue, DCTERMS.description, rdflib.Literal(bouquet["notes"], lang="fr")))
    graph.add((catalogue, FOAF.homepage, catalogue))
    taxonomy = get_taxonomy(BOUQUET_SCHEME)
    for concept_id in stored_themes(bouquet.get("themes")):
        concept = taxonomy.get(concept_id)
        if concept is not None:
            graph.add((catalogue, DCAT.theme, rdflib.URIRef(concept.uri)))
    for tag in bouquet.get("tags", []):
        graph.add((catalogue, DCAT.keyword, rdflib.Literal(tag["name"])))
    if bouquet.get("spatial_coverage"):
        graph.add((catalogue, DCTERMS.spatial, rdflib.Literal(bouquet["spatial_coverage"])))
    for item in items:
        graph.add((catalogue, DCAT.dataset, _item_node(graph, catalogue, item)))
    return graph


def _item_node(graph: rdflib.Graph, catalogue: rdflib.URIRef, item: dict[str, Any]) -> rdflib.term.Node:
    dataset = item.get("dataset")
    node: rdflib.term.Node
    if dataset:
        node = rdflib.URIRef(dataset["url"])
        graph.add((node, DCTERMS.title, rdflib.Literal(dataset["title"] or item["label"], lang="fr")))
    else:
        node = rdflib.URIRef(f"{catalogue}#item-{item['id']}")
        graph.add((node, DCTERMS.title, rdflib.Literal(item["label"], lang="fr")))
        if item.get("uri"):
            graph.add((node, DCAT.landingPage, rdflib.URIRef(item["uri"])))
    graph.add((node, RDF.type, DCAT.Dataset))
    graph.add((node, ECOLOGIE.availability, rdflib.Literal(item["availability"])))
    if item.get("purpose"):
        graph.add((node, ECOLOGIE.purpose, rdflib.Literal(item["purpose"], lang="fr")))
    if item.get("group"):
        graph.add((node, ECOLOGIE.group, rdflib.Literal(item["group"], lang="fr")))
    return node


def to_rdf(bouquet: dict[str, Any], items: list[dict[str, Any]], extension: str) -> tuple[str, str]:
    rdf_format, mimetype = RDF_FORMATS[extension]
    return to_graph(bouquet, items).serialize(format=rdf_format), mimetype
