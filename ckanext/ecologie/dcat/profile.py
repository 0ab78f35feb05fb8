"""DCAT-AP-FR on top of ckanext-dcat's DCAT-AP 3 profile (list it after
`euro_dcat_ap_3`).

Parsing (graph reading in reading.py): what ckanext-dcat loses or stores as
a blank-node id. The licence of the dataset, its distributions or its
rights, kept for the harvest's licence normalisation; `dct:abstract` as the
description when there is no `dct:description`; node labels (identifiers,
standards, provenance statements); spatial coverage in every encoding;
literal temporal intervals; publisher and contact names; landing pages that
a reader can open (not the portal's or a catalogue's home page). Serialising: our themes as
dcat:theme with their concept URIs, and our access rights as
dct:accessRights with the EU access-right vocabulary. Resource URLs of
restricted data never reach this profile for unauthorised users: the
endpoints read datasets through package_show / package_search, which strip
them."""

from __future__ import annotations

import json
import re
from typing import Any

import lxml.html
from ckanext.dcat.profiles import DCAT, DCT, FOAF
from ckanext.dcat.profiles.base import RDFProfile
from rdflib import BNode, URIRef
from rdflib.term import Node

from ckanext.ecologie.access.rights import OPEN, OPEN_WITH_ACCOUNT, RESTRICTED
from ckanext.ecologie.dcat import reading
from ckanext.ecologie.harvest import formats, geometry, junk, theme_labels
from ckanext.ecologie.harvest.records import extra, is_uri, set_extra
from ckanext.ecologie.themes.store import get_taxonomy

EU_ACCESS_RIGHT = "http://publications.europa.eu/resource/authority/access-right/"
ACCESS_RIGHT_URIS = {
    OPEN: EU_ACCESS_RIGHT + "PUBLIC",
    OPEN_WITH_ACCOUNT: EU_ACCESS_RIGHT + "RESTRICTED",
    RESTRICTED: EU_ACCESS_RIGHT + "NON_PUBLIC",
}


BLOCKS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "ul", "ol", "table", "blockquote", "pre"}


def plain_text(value: str) -> str:
    """A description that catalogues write in HTML, as plain paragraphs
    (CKAN renders descriptions as Markdown and drops HTML)."""
    if "<" not in value:
        return value.strip()
    root = lxml.html.fragment_fromstring(value, create_parent="div")
    for element in root.xpath(".//script | .//style"):
        element.drop_tree()
    for element in root.iter():
        if element.tag in BLOCKS:
            element.tail = "\n\n" + (element.tail or "")
    return re.sub(r"\n\s*\n+", "\n\n", root.text_content()).strip()


def _without_node_ids(access_services: str) -> str:
    """ckanext-dcat's access services, without the graph node ids it keeps
    for its own profiles."""
    services = json.loads(access_services)
    for service in services:
        service.pop("access_service_ref", None)
    return json.dumps(services)


class DcatApFrProfile(RDFProfile):
    def parse_dataset(self, dataset_dict: dict[str, Any], dataset_ref: Node) -> dict[str, Any]:
        distributions = list(self._distributions(dataset_ref))
        set_extra(dataset_dict, "license", reading.licence(self.g, dataset_ref, distributions))
        if not dataset_dict.get("notes"):
            abstract = self._object_value(dataset_ref, DCT.abstract)
            dataset_dict["notes"] = plain_text(abstract) if abstract else dataset_dict.get("notes")
        theme_labels.read_into(dataset_dict, self.g, dataset_ref)
        self._read_values(dataset_dict, dataset_ref)
        self._read_coverage(dataset_dict, dataset_ref)
        self._read_agents(dataset_dict, dataset_ref)
        self._read_links(dataset_dict, dataset_ref)
        self._read_resources(dataset_dict, distributions)
        return dataset_dict

    def _read_values(self, dataset_dict: dict[str, Any], dataset_ref: Node) -> None:
        """ckanext-dcat stores a node's id where the node has a label (an
        adms:Identifier's notation, a dct:Standard's title, a
        dct:ProvenanceStatement's description): the labels instead, or nothing."""
        g = self.g
        for key, predicate in reading.DATASET_LISTS.items():
            set_extra(dataset_dict, key, reading.values(g, dataset_ref, predicate, reading.predicates_for(key)))
        for key, predicate in reading.DATASET_VALUES.items():
            set_extra(dataset_dict, key, reading.first_value(g, dataset_ref, predicate, reading.predicates_for(key)))
        set_extra(dataset_dict, "provenance", reading.provenance(g, dataset_ref))
        if not extra(dataset_dict, "modified"):  # GeoNetwork writes dct:updated, which DCAT does not have
            set_extra(dataset_dict, "modified", reading.first_value(g, dataset_ref, reading.DCT_UPDATED))
        if not extra(dataset_dict, "issued"):  # as for ISO records: the creation date when no publication date
            set_extra(dataset_dict, "issued", reading.first_value(g, dataset_ref, DCT.created))
        access = reading.access_rights(g, dataset_ref)
        set_extra(dataset_dict, "access_rights", None)
        if access:
            dataset_dict["access_rights"] = access  # mapped by the harvest's enrichment
        version = reading.version(g, dataset_ref)
        dataset_dict.pop("version", None)
        if version and not junk.is_loopback(version):  # a development server's address is no version
            dataset_dict["version"] = version

    def _read_coverage(self, dataset_dict: dict[str, Any], dataset_ref: Node) -> None:
        """Spatial coverage of every shape (typed dct:Location or not, WKT,
        GeoJSON or GML, geometry, bbox or centroid), and temporal coverage
        also from literal intervals."""
        found = reading.spatial(self.g, dataset_ref)
        shape = found["geometry"] or found["bbox"] or found["centroid"]
        set_extra(dataset_dict, "spatial", geometry.dumps(shape))
        set_extra(dataset_dict, "spatial_bbox", geometry.dumps(found["bbox"]))
        set_extra(dataset_dict, "spatial_centroid", geometry.dumps(found["centroid"]))
        set_extra(dataset_dict, "spatial_text", "; ".join(reading.place_names(self.g, dataset_ref)) or None)
        if not is_uri(extra(dataset_dict, "spatial_uri")):
            set_extra(dataset_dict, "spatial_uri", None)
        start, end = reading.temporal(self.g, dataset_ref)
        set_extra(dataset_dict, "temporal_start", start)
        set_extra(dataset_dict, "temporal_end", end)

    def _read_agents(self, dataset_dict: dict[str, Any], dataset_ref: Node) -> None:
        """The publisher's name also from vcard:fn, skos:prefLabel or
        rdfs:label (ckanext-dcat reads foaf:name only); no name when the
        publisher is a bare URI. The contact's from its vCard organisation."""
        name, uri = reading.publisher(self.g, dataset_ref)
        set_extra(dataset_dict, "publisher_name", name)
        set_extra(dataset_dict, "publisher_uri", uri)
        if not extra(dataset_dict, "contact_name"):
            set_extra(dataset_dict, "contact_name", reading.contact_name(self.g, dataset_ref))

    def _read_links(self, dataset_dict: dict[str, Any], dataset_ref: Node) -> None:
        """Landing page and homepage, unless they are the portal's own
        address (ckanext-dcat's default homepage), a catalogue's home page,
        or no address a reader can open."""
        roots = reading.catalogue_pages(self.g)
        pages = reading.values(self.g, dataset_ref, DCAT.landingPage, ())
        dataset_dict["url"] = next((page for page in pages if junk.usable_link(page, roots)), "")
        homepage = reading.first_value(self.g, dataset_ref, FOAF.homepage, ())
        set_extra(dataset_dict, "homepage", homepage if junk.usable_link(homepage, roots) else None)

    def _read_resources(self, dataset_dict: dict[str, Any], distributions: list[Node]) -> None:
        by_ref = {str(node): node for node in distributions}
        g = self.g
        for resource in dataset_dict.get("resources") or []:
            node = by_ref.get(resource.get("distribution_ref") or "")
            if node is None:
                continue
            for key, predicate in reading.RESOURCE_VALUES.items():
                value = reading.first_value(g, node, predicate)
                resource.pop(key, None)
                if value:
                    resource[key] = value
            for key, predicate in reading.RESOURCE_LISTS.items():
                found = reading.values(g, node, predicate)
                resource.pop(key, None)
                if found:
                    resource[key] = json.dumps(found)
            if not is_uri(resource.get("uri")):
                resource["uri"] = ""
            if resource.get("mimetype") == "None":  # ckanext-dcat's str() of a dct:IMT without rdf:value
                resource.pop("mimetype")
            if resource.get("access_services"):
                resource["access_services"] = _without_node_ids(resource["access_services"])
            if not resource.get("format"):  # GeoDCAT-AP: the OGC standard its access service conforms to
                resource["format"] = next(filter(None, map(formats.service, reading.service_standards(g, node))), "")

    def graph_from_dataset(self, dataset_dict: dict[str, Any], dataset_ref: Node) -> None:
        g = self.g
        access_rights = dataset_dict.get("access_rights")
        if access_rights in ACCESS_RIGHT_URIS:
            for statement in list(g.objects(dataset_ref, DCT.accessRights)):
                g.remove((dataset_ref, DCT.accessRights, statement))
                if isinstance(statement, BNode):  # the base profile's dct:RightsStatement of our raw value
                    g.remove((statement, None, None))
            g.add((dataset_ref, DCT.accessRights, URIRef(ACCESS_RIGHT_URIS[access_rights])))
        themes = dataset_dict.get("themes") or []
        if isinstance(themes, str):
            themes = [theme.strip() for theme in themes.split(",") if theme.strip()]
        taxonomy = get_taxonomy()
        for theme_id in themes:
            concept = taxonomy.get(theme_id)
            if concept is not None:
                g.add((dataset_ref, DCAT.theme, URIRef(concept.uri)))

    def graph_from_catalog(self, catalog_dict: dict[str, Any], catalog_ref: Node) -> None:
        pass
