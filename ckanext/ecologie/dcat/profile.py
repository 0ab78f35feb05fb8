"""DCAT-AP-FR on top of ckanext-dcat's DCAT-AP 3 profile (list it after
`euro_dcat_ap_3`).

Parsing: the licence of the dataset or of its distributions (URI or label),
kept for the harvest's licence normalisation; `dct:abstract` as the
description when there is no `dct:description`. Serialising: our themes as
dcat:theme with their concept URIs, and our access rights as
dct:accessRights with the EU access-right vocabulary. Resource URLs of
restricted data never reach this profile for unauthorised users: the
endpoints read datasets through package_show / package_search, which strip
them."""

from __future__ import annotations

import re
from typing import Any

import lxml.html
from ckanext.dcat.profiles import DCAT, DCT, RDFS
from ckanext.dcat.profiles.base import RDFProfile
from rdflib import Literal, URIRef
from rdflib.term import Node

from ckanext.ecologie.access.rights import OPEN, OPEN_WITH_ACCOUNT, RESTRICTED
from ckanext.ecologie.harvest.records import set_extra
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


class DcatApFrProfile(RDFProfile):
    def parse_dataset(self, dataset_dict: dict[str, Any], dataset_ref: Node) -> dict[str, Any]:
        licence = self._licence_value(dataset_ref)
        for distribution in self._distributions(dataset_ref):
            licence = licence or self._licence_value(distribution)
        if licence:
            set_extra(dataset_dict, "license", licence)
        if not dataset_dict.get("notes"):
            abstract = self._object_value(dataset_ref, DCT.abstract)
            dataset_dict["notes"] = plain_text(abstract) if abstract else dataset_dict.get("notes")
        return dataset_dict

    def _licence_value(self, subject: Node) -> str | None:
        for licence in self.g.objects(subject, DCT.license):
            if isinstance(licence, Literal):
                return str(licence)
            label = self._object_value(licence, DCT.title) or self._object_value(licence, RDFS.label)
            return str(licence) if isinstance(licence, URIRef) else label or None
        return None

    def graph_from_dataset(self, dataset_dict: dict[str, Any], dataset_ref: Node) -> None:
        g = self.g
        access_rights = dataset_dict.get("access_rights")
        if access_rights in ACCESS_RIGHT_URIS:
            g.remove((dataset_ref, DCT.accessRights, None))
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
