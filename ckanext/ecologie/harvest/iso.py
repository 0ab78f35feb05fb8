"""ISO 19139 records (parsed by OWSLib, and read from the element where
OWSLib does not) -> the pipeline's dataset dicts."""

from __future__ import annotations

import json
import re
from typing import Any

from lxml import etree
from owslib.iso import MD_Metadata

from ckanext.ecologie.access.rights import from_limitations
from ckanext.ecologie.harvest import iso_resources, licences
from ckanext.ecologie.harvest.iso_xml import NS, Value, find, find_all
from ckanext.ecologie.harvest.records import is_uri, set_extra

TOPIC_CATEGORY = "http://inspire.ec.europa.eu/metadata-codelist/TopicCategory/"
# Roles that name who publishes the data, most telling first.
PUBLISHER_ROLES = ("publisher", "owner", "custodian", "originator", "distributor", "pointOfContact")
_TAG_UNSAFE = re.compile(r"[^\w\s\-.]", re.UNICODE)

IDENTIFICATION = "gmd:identificationInfo/*"
CITATION_IDENTIFIERS = IDENTIFICATION + "/gmd:citation/gmd:CI_Citation/gmd:identifier/*"
CONSTRAINTS = IDENTIFICATION + "/gmd:resourceConstraints/*/gmd:"
BOUNDING_BOXES = (
    IDENTIFICATION + "/gmd:extent/gmd:EX_Extent/gmd:geographicElement/gmd:EX_GeographicBoundingBox",
    IDENTIFICATION + "/srv:extent/gmd:EX_Extent/gmd:geographicElement/gmd:EX_GeographicBoundingBox",
)
FREQUENCY = IDENTIFICATION + "/gmd:resourceMaintenance/gmd:MD_MaintenanceInformation/gmd:maintenanceAndUpdateFrequency"
# MD_MaintenanceFrequencyCode -> the EU frequency vocabulary, as GeoDCAT-AP
# (and GeoNetwork's DCAT output) map it: ckanext-dcat stores the same URIs
# in `frequency` for DCAT records.
EU_FREQUENCY = "http://publications.europa.eu/resource/authority/frequency/"
FREQUENCIES = {
    "continual": "CONT",
    "daily": "DAILY",
    "weekly": "WEEKLY",
    "fortnightly": "BIWEEKLY",
    "monthly": "MONTHLY",
    "quarterly": "QUARTERLY",
    "biannually": "ANNUAL_2",
    "annually": "ANNUAL",
    "asNeeded": "AS_NEEDED",
    "irregular": "IRREG",
    "notPlanned": "NOT_PLANNED",
    "unknown": "UNKNOWN",
}


def _tag(name: str) -> str:
    return " ".join(_TAG_UNSAFE.sub(" ", name).split())[:100]


def _first(values: list[Any] | None) -> Any:
    return values[0] if values else None


def _publisher(contacts: list[Any]) -> Any:
    for role in PUBLISHER_ROLES:
        for contact in contacts:
            if contact.role == role and (contact.organization or contact.name):
                return contact
    return _first([contact for contact in contacts if contact.organization or contact.name])


def _joined(code: str, space: str | None) -> str:
    """An identifier's code in its namespace, as géo-IDE and GeoNetwork write
    it: code "fr-120066022-orphan-residentifier-…" in codeSpace
    "http://catalogue.geo-ide.developpement-durable.gouv.fr" is the URI the
    other catalogues give as the code itself."""
    if not space or is_uri(code) or code.startswith(space):
        return code
    return space + code if space.endswith(("/", "#", ":")) else f"{space}/{code}"


def resource_identifiers(md: etree._Element) -> list[str]:
    """The citation's identifiers (MD_Identifier, RS_Identifier), each with
    its codeSpace; an anchor's URI wins over its text."""
    found = []
    for identifier in md.iterfind(CITATION_IDENTIFIERS, NS):
        code, space = find(identifier, "gmd:code"), find(identifier, "gmd:codeSpace")
        value = code.href if is_uri(code.href) else code.text
        if value:
            found.append(_joined(value, space.href if is_uri(space.href) else space.text))
    return list(dict.fromkeys(found))


def _constraint_text(value: Value) -> str:
    return value.text or value.href or ""


def _licence(constraints: list[Value]) -> str | None:
    """The first constraint that names a licence, by its text or its anchor."""
    for value in constraints:
        for candidate in (value.text, value.href):
            if candidate and licences.normalise([candidate]):
                return candidate
    return None


def _access(other: list[Value], limitations: list[Value]) -> list[str]:
    """Every other constraint (INSPIRE LimitationsOnPublicAccess, as text or
    anchor), and the use limitations that speak of public access: French
    records often state it there."""
    found = []
    for value in other:
        text = _constraint_text(value)
        found.append(text)
        if value.href and value.href != text and from_limitations([text]) is None:
            found.append(value.href)
    found += [text for text in map(_constraint_text, limitations) if from_limitations([text]) is not None]
    return [text for text in found if text]


def _box(element: etree._Element) -> tuple[float, float, float, float] | None:
    try:
        west, east, south, north = (
            float(find(element, f"gmd:{side}").text or "")
            for side in ("westBoundLongitude", "eastBoundLongitude", "southBoundLatitude", "northBoundLatitude")
        )
    except ValueError:
        return None
    if west > east and west - east < 180:  # swapped (géo-IDE writes some so), not across the antimeridian
        west, east = east, west
    south, north = min(south, north), max(south, north)
    if not (-180 <= west <= 180 and -180 <= east <= 180 and -90 <= south <= 90 and -90 <= north <= 90):
        return None
    return west, south, east, north


def spatial(md: etree._Element) -> str | None:
    """GeoJSON of the record's bounding boxes: a Polygon, or a MultiPolygon
    for a record covering several places (metropolitan France and overseas)."""
    boxes = list(dict.fromkeys(box for path in BOUNDING_BOXES for box in map(_box, md.iterfind(path, NS)) if box))
    if not boxes:
        return None
    rings = [[[w, s], [e, s], [e, n], [w, n], [w, s]] for w, s, e, n in boxes]
    if len(rings) == 1:
        return json.dumps({"type": "Polygon", "coordinates": rings})
    return json.dumps({"type": "MultiPolygon", "coordinates": [[ring] for ring in rings]})


def frequency(md: etree._Element) -> str | None:
    code = find(md, FREQUENCY).text
    return EU_FREQUENCY + FREQUENCIES[code] if code in FREQUENCIES else None


def dataset_from_iso(md: MD_Metadata, element: etree._Element, record_url: str) -> tuple[list[str], dict[str, Any]]:
    """(identifier candidates, dataset dict) of an ISO 19139 record, given
    parsed by OWSLib (`md`) and as its element."""
    identification = md.identification[0]
    tags, theme_uris = [], [TOPIC_CATEGORY + code for code in identification.topiccategory or []]
    for group in identification.keywords or []:
        for keyword in group.keywords:
            if keyword.name and _tag(keyword.name):
                tags.append(_tag(keyword.name))
            if keyword.url:
                theme_uris.append(keyword.url)
    identifiers = resource_identifiers(element)
    dataset: dict[str, Any] = {
        "title": identification.title or md.identifier,
        "notes": identification.abstract or "",
        "version": identification.edition or "",
        "tags": [{"name": name} for name in dict.fromkeys(tags)],
        "resources": iso_resources.resources(element, md.identifier),
        "url": iso_resources.landing_page(element, md.identifier) or record_url,
        "extras": [],
    }
    other = find_all(element, CONSTRAINTS + "otherConstraints")
    limitations = find_all(element, CONSTRAINTS + "useLimitation")
    publisher = _publisher(list(identification.contact or []) + list(md.contact or []))
    contact = _first([c for c in identification.contact or [] if c.role == "pointOfContact"]) or publisher
    dates = {date.type: date.date for date in identification.date or []}
    extras = {
        # the resource's identifier (dct:identifier), the record's (fileIdentifier) without one
        "identifier": _first(identifiers) or md.identifier,
        "theme": theme_uris,
        "license": _licence(other + limitations),
        "publisher_name": publisher and (publisher.organization or publisher.name),
        "contact_name": contact and (contact.organization or contact.name),
        "contact_email": contact and contact.email,
        "spatial": spatial(element),
        "temporal_start": identification.temporalextent_start,
        "temporal_end": identification.temporalextent_end,
        "issued": dates.get("publication") or dates.get("creation"),
        # the data's revision; the record's dateStamp dates the metadata, not the data
        "modified": dates.get("revision"),
        "frequency": frequency(element),
        "provenance": md.dataquality.lineage if md.dataquality else None,
        "source_record_url": record_url,
    }
    for key, value in extras.items():
        set_extra(dataset, key, value)
    access = _access(other, limitations)
    if access:
        dataset["access_rights"] = access  # mapped by the enrichment, like ckanext-dcat's field
    return identifiers, dataset
