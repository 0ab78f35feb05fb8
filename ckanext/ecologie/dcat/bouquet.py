"""A bouquet as a DCAT catalogue (profile `ecologie_bouquet`, run after the
portal's profiles by the bouquet export only).

The bouquet is a `dcat:Catalog` at its page's address. Each item is a
`dcat:CatalogRecord` (at the item's permalink, `#item-<id>`): its label is
the record's `dct:title`, why it is needed its `dct:description`, and its
`foaf:primaryTopic` the data. That data is a `dcat:dataset` of the bouquet:
a dataset of the portal, described by the portal's profiles as its own
export describes it, or, for data found elsewhere or still missing, a
`dcat:Dataset` of the bouquet (`#data-<id>`) with a title and, when known,
its `dcat:landingPage`. An item's group, a section of the bouquet's page,
is a sub-catalogue (`dct:hasPart`, at the section's anchor `#group-<n>`)
titled with the group and listing its records.

An item's availability has no term of its own: it is what the data is (a
dataset of the portal, a landing page elsewhere, or a title alone), and a
dataset of the portal carries its access rights (`dct:accessRights`)."""

from __future__ import annotations

from typing import Any

from ckanext.dcat.profiles import DCAT, DCT, FOAF, RDF, SKOS
from ckanext.dcat.profiles.base import RDFProfile
from ckanext.dcat.utils import dataset_uri, publisher_uri_organization_fallback
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from ckanext.ecologie.themes.store import get_taxonomy
from ckanext.ecologie.themes.taxonomy import BOUQUET as BOUQUET_SCHEME
from ckanext.ecologie.themes.validators import stored_themes

PROFILE = "ecologie_bouquet"
BOUQUET = "bouquet"  # catalog_dict keys: the bouquet as package_show gives it,
ITEMS = "items"  # and its items, each with `full_dataset` when it is a dataset of the portal
FULL_DATASET = "full_dataset"


def catalogue_dict(uri: str, bouquet: dict[str, Any], items: list[dict[str, Any]]) -> dict[str, Any]:
    """What RDFSerializer.graph_from_catalog takes for a bouquet: the
    catalogue's literal fields (no fallback to the portal's title or
    description), and what this profile reads."""
    return {
        "uri": uri,
        "title": bouquet["title"],
        "description": bouquet.get("notes") or None,
        "homepage": uri,
        BOUQUET: bouquet,
        ITEMS: items,
    }


def section_numbers(items: list[dict[str, Any]]) -> dict[str, int]:
    """Each group's section number on the bouquet page (`#group-<n>`: the
    groups in the order of their first item, items without one included)."""
    numbers: dict[str, int] = {}
    for item in items:
        numbers.setdefault(item.get("group") or "", len(numbers) + 1)
    return numbers


class BouquetProfile(RDFProfile):
    def graph_from_catalog(self, catalog_dict: dict[str, Any] | None, catalog_ref: Node) -> None:
        catalog_dict = catalog_dict or {}
        bouquet = catalog_dict.get(BOUQUET)
        if not bouquet:  # the portal's own catalogue
            return
        ref = URIRef(catalog_dict["uri"])
        self._rename(catalog_ref, ref)
        self._describe(bouquet, ref)
        self._add_items(ref, catalog_dict[ITEMS])

    def _rename(self, portal_ref: Node, ref: URIRef) -> None:
        """ckanext-dcat gives every catalogue the portal's URI (catalog_uri())
        and has no hook to name another one: what the profiles before this
        one wrote about it moves to the bouquet's URI."""
        for _, predicate, value in list(self.g.triples((portal_ref, None, None))):
            self.g.remove((portal_ref, predicate, value))
            self.g.add((ref, predicate, value))

    def _describe(self, bouquet: dict[str, Any], ref: URIRef) -> None:
        g = self.g
        g.remove((ref, DCT.modified, None))  # the portal's last change, written by the base profile
        self._add_date_triple(ref, DCT.modified, bouquet.get("metadata_modified"))
        self._add_date_triple(ref, DCT.issued, bouquet.get("metadata_created"))
        organization = bouquet.get("organization")
        if organization:  # as the dataset profiles name an organisation
            publisher = URIRef(publisher_uri_organization_fallback(bouquet))
            g.add((ref, DCT.publisher, publisher))
            g.add((publisher, RDF.type, FOAF.Agent))
            g.add((publisher, FOAF.name, Literal(organization["title"])))
        taxonomy = get_taxonomy(BOUQUET_SCHEME)
        for concept_id in stored_themes(bouquet.get("themes")):
            concept = taxonomy.get(concept_id)
            if concept is not None:
                g.add((ref, DCAT.theme, URIRef(concept.uri)))
        for tag in bouquet.get("tags") or []:
            g.add((ref, DCAT.keyword, Literal(tag["name"])))
        if bouquet.get("spatial_coverage"):  # a place name, as ckanext-dcat writes `spatial_text`
            location = BNode()
            g.add((ref, DCT.spatial, location))
            g.add((location, RDF.type, DCT.Location))
            g.add((location, SKOS.prefLabel, Literal(bouquet["spatial_coverage"])))

    def _add_items(self, ref: URIRef, items: list[dict[str, Any]]) -> None:
        g = self.g
        sections = section_numbers(items)
        for item in items:
            record = URIRef(f"{ref}#item-{item['id']}")
            data = self._data(ref, item)
            g.add((ref, DCAT.dataset, data))
            g.add((ref, DCAT.record, record))
            g.add((record, RDF.type, DCAT.CatalogRecord))
            g.add((record, FOAF.primaryTopic, data))
            g.add((record, DCT.title, Literal(item["label"])))
            if item.get("purpose"):
                g.add((record, DCT.description, Literal(item["purpose"])))
            self._add_date_triple(record, DCT.issued, item.get("created"))
            self._add_date_triple(record, DCT.modified, item.get("modified"))
            if item.get("group"):
                section = URIRef(f"{ref}#group-{sections[item['group']]}")
                g.add((ref, DCT.hasPart, section))
                g.add((section, RDF.type, DCAT.Catalog))
                g.add((section, DCT.title, Literal(item["group"])))
                g.add((section, DCAT.record, record))

    def _data(self, ref: URIRef, item: dict[str, Any]) -> URIRef:
        """The dataset of the portal (its triples come from graph_from_dataset),
        or data of the bouquet's own."""
        full_dataset = item.get(FULL_DATASET)
        if full_dataset:
            return URIRef(dataset_uri(full_dataset))
        data = URIRef(f"{ref}#data-{item['id']}")
        self.g.add((data, RDF.type, DCAT.Dataset))
        self.g.add((data, DCT.title, Literal(item["label"])))
        if item.get("uri"):
            self.g.add((data, DCAT.landingPage, URIRef(item["uri"])))
        return data
