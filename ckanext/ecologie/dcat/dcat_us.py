"""DCAT-US 1.1 (Project Open Data `data.json`, as ArcGIS Hub publishes it),
read after `euro_dcat_ap_3` and `dcat_ap_fr` (list it after them).

The shipped JSON-LD context (harvest/data/jsonld/) turns the feed into RDF
that DCAT-AP reading mostly understands; this profile reads what DCAT-US
says its own way: `pod:accessLevel`, the publisher's `name`
(skos:prefLabel), the contact's `hasEmail` (vcard:email), `spatial` and
`temporal` as plain strings (a "W,S,E,N" bounding box, a "start/end"
interval), licences and descriptions written in HTML. It only touches
datasets that carry `pod:accessLevel`, which DCAT-US requires."""

from __future__ import annotations

import json
import re
from typing import Any

from ckanext.dcat.profiles import DCAT, DCT, FOAF, SKOS, VCARD
from ckanext.dcat.profiles.base import RDFProfile
from rdflib import Literal, Namespace
from rdflib.term import Node

from ckanext.ecologie.dcat.profile import plain_text
from ckanext.ecologie.harvest.records import extra, set_extra

POD = Namespace("https://project-open-data.cio.gov/v1.1/schema#")

EU_ACCESS_RIGHT = "http://publications.europa.eu/resource/authority/access-right/"
# DCAT-US accessLevel -> EU access right, which the harvest maps to ours
ACCESS_LEVELS = {
    "public": EU_ACCESS_RIGHT + "PUBLIC",
    "restricted public": EU_ACCESS_RIGHT + "RESTRICTED",
    "non-public": EU_ACCESS_RIGHT + "NON_PUBLIC",
}

_NUMBER = r"\s*(-?\d+(?:\.\d+)?)\s*"
BBOX = re.compile(rf"^{_NUMBER},{_NUMBER},{_NUMBER},{_NUMBER}$")
# ISO 8601 date or date-time: the start of a part of an interval
DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2}([T ][0-9:.]+(Z|[+-]\d{2}:?\d{2})?)?)?)?$")
# dct:format labels naming a service, whose dcat:mediaType (what the
# service answers, e.g. application/json) would name it wrongly
SERVICE_FORMATS = {"arcgis geoservices rest api": "Esri REST", "esri rest": "Esri REST"}
# an ArcGIS Hub template left unfilled, e.g. {{extent:computeSpatialProperty}}
TEMPLATE = re.compile(r"^\s*\{\{.*\}\}\s*$")


def bbox_geometry(value: str) -> dict[str, Any] | None:
    """A GeoJSON geometry of a "west,south,east,north" string in degrees."""
    match = BBOX.match(value)
    if not match:
        return None
    west, south, east, north = (float(number) for number in match.groups())
    if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        return None
    if (west, south) == (east, north):
        return {"type": "Point", "coordinates": [west, south]}
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


def interval(value: str) -> tuple[str | None, str | None]:
    """Start and end of an ISO 8601 interval ("start/end", "start/P1Y",
    "R/start/P1D"); a duration gives no date."""
    parts = [part.strip() for part in value.split("/")]
    if parts and re.match(r"^R\d*$", parts[0]):
        parts = parts[1:]
    dates = [part if DATE.match(part) else None for part in parts]
    if len(dates) == 1:
        return dates[0], None
    if len(dates) == 2:
        return dates[0], dates[1]
    return None, None


class DcatUsProfile(RDFProfile):
    def parse_dataset(self, dataset_dict: dict[str, Any], dataset_ref: Node) -> dict[str, Any]:
        access_level = self._object_value(dataset_ref, POD.accessLevel)
        if not access_level:
            return dataset_dict
        self._access(dataset_dict, dataset_ref, access_level.strip().lower())
        if dataset_dict.get("notes"):
            dataset_dict["notes"] = plain_text(dataset_dict["notes"])
        licence = self._object_value(dataset_ref, DCT.license)
        set_extra(dataset_dict, "license", plain_text(licence) if licence else extra(dataset_dict, "license"))
        self._publisher(dataset_dict, dataset_ref)
        self._contact(dataset_dict, dataset_ref)
        self._spatial_string(dataset_dict)
        self._temporal_string(dataset_dict, dataset_ref)
        self._resources(dataset_dict, dataset_ref)
        return dataset_dict

    def _resources(self, dataset_dict: dict[str, Any], dataset_ref: Node) -> None:
        distributions = {str(node): node for node in self._distributions(dataset_ref)}
        for resource in dataset_dict.get("resources") or []:
            if resource.get("description"):
                resource["description"] = plain_text(resource["description"])
            distribution = distributions.get(resource.get("distribution_ref") or "")
            # DCT["format"]: DCT.format is the namespace string's format method
            label = self._object_value(distribution, DCT["format"]) if distribution is not None else ""
            service = SERVICE_FORMATS.get(label.strip().casefold())
            if service:
                resource["format"] = service

    def _access(self, dataset_dict: dict[str, Any], dataset_ref: Node, level: str) -> None:
        # dcat_ap_fr, listed before, may have set them (top level) from dct:accessRights
        if level not in ACCESS_LEVELS or dataset_dict.get("access_rights") or extra(dataset_dict, "access_rights"):
            return
        set_extra(dataset_dict, "access_rights", ACCESS_LEVELS[level])
        rights = self._object_value(dataset_ref, DCT.rights)
        if level != "public" and rights:
            dataset_dict["access_reason"] = plain_text(rights)

    def _publisher(self, dataset_dict: dict[str, Any], dataset_ref: Node) -> None:
        if extra(dataset_dict, "publisher_name"):
            return
        for publisher in self.g.objects(dataset_ref, DCT.publisher):
            if isinstance(publisher, Literal):  # DCAT-US 1.0 wrote the name alone
                name = str(publisher)
            else:
                name = self._object_value(publisher, SKOS.prefLabel) or self._object_value(publisher, FOAF.name)
            if name:
                set_extra(dataset_dict, "publisher_name", name.strip())
                return

    def _contact(self, dataset_dict: dict[str, Any], dataset_ref: Node) -> None:
        if extra(dataset_dict, "contact_email"):
            return
        for contact in self.g.objects(dataset_ref, DCAT.contactPoint):
            email = self._object_value(contact, VCARD.email) or self._object_value(contact, VCARD.hasEmail)
            email = re.sub(r"^mailto:", "", email.strip(), flags=re.IGNORECASE)
            if "@" in email:
                set_extra(dataset_dict, "contact_email", email)
                return

    def _spatial_string(self, dataset_dict: dict[str, Any]) -> None:
        """A bounding box given as text becomes the geometry; an unfilled
        template is no place name."""
        text = extra(dataset_dict, "spatial_text")
        if not text:
            return
        geometry = bbox_geometry(text)
        if geometry is not None:
            if not extra(dataset_dict, "spatial"):
                set_extra(dataset_dict, "spatial", json.dumps(geometry))
            set_extra(dataset_dict, "spatial_text", None)
        elif TEMPLATE.match(text):
            set_extra(dataset_dict, "spatial_text", None)

    def _temporal_string(self, dataset_dict: dict[str, Any], dataset_ref: Node) -> None:
        if extra(dataset_dict, "temporal_start") or extra(dataset_dict, "temporal_end"):
            return
        for value in self.g.objects(dataset_ref, DCT.temporal):
            if isinstance(value, Literal):
                start, end = interval(str(value))
                set_extra(dataset_dict, "temporal_start", start)
                set_extra(dataset_dict, "temporal_end", end)
                return

    def graph_from_dataset(self, dataset_dict: dict[str, Any], dataset_ref: Node) -> None:
        pass  # a reading profile: our catalogue speaks DCAT-AP-FR

    def graph_from_catalog(self, catalog_dict: dict[str, Any], catalog_ref: Node) -> None:
        pass
