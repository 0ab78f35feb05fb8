"""DCAT-AP-FR on top of ckanext-dcat's DCAT-AP 3 profile (list it after
`euro_dcat_ap_3`).

Parsing: the licence of the dataset or of its distributions (URI or label),
kept for the harvest's licence normalisation. Serialising: our themes as
dcat:theme with their concept URIs, and our access rights as
dct:accessRights with the EU access-right vocabulary. Resource URLs of
restricted data never reach this profile for unauthorised users: the
endpoints read datasets through package_show / package_search, which strip
them."""

from __future__ import annotations

from typing import Any

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


class DcatApFrProfile(RDFProfile):
    def parse_dataset(self, dataset_dict: dict[str, Any], dataset_ref: Node) -> dict[str, Any]:
        licence = self._licence_value(dataset_ref)
        for distribution in self._distributions(dataset_ref):
            licence = licence or self._licence_value(distribution)
        if licence:
            set_extra(dataset_dict, "license", licence)
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
