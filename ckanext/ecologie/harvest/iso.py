"""ISO 19139 records (parsed by OWSLib) -> the pipeline's dataset dicts."""

from __future__ import annotations

import json
import re
from typing import Any

from owslib.iso import MD_Metadata

from ckanext.ecologie.access.rights import from_limitations
from ckanext.ecologie.harvest import licences
from ckanext.ecologie.harvest.records import is_uri, set_extra

TOPIC_CATEGORY = "http://inspire.ec.europa.eu/metadata-codelist/TopicCategory/"
# Roles that name who publishes the data, most telling first.
PUBLISHER_ROLES = ("publisher", "owner", "custodian", "originator", "distributor", "pointOfContact")
_TAG_UNSAFE = re.compile(r"[^\w\s\-.]", re.UNICODE)


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


def _bbox(identification: Any) -> str | None:
    bbox = identification.bbox
    try:
        west, south, east, north = (float(v) for v in (bbox.minx, bbox.miny, bbox.maxx, bbox.maxy))
    except (AttributeError, TypeError, ValueError):
        return None
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return json.dumps({"type": "Polygon", "coordinates": [ring]})


def _resources(md: MD_Metadata, data_format: str | None) -> list[dict[str, Any]]:
    resources = []
    seen = set()
    for online in md.distribution.online if md.distribution else []:
        url = (online.url or "").strip()
        if not url or url in seen:
            continue
        seen.add(url)
        resources.append(
            {
                "url": url,
                "name": online.name or url,
                "description": online.description or "",
                # a download's format is the distribution's; other links name a protocol
                "format": (data_format if "download" in (online.protocol or "").lower() else online.protocol) or "",
                "protocol": online.protocol or "",
            }
        )
    return resources


def dataset_from_iso(md: MD_Metadata, record_url: str) -> tuple[list[str], dict[str, Any]]:
    """(identifier candidates, dataset dict) of an ISO 19139 record."""
    identification = md.identification[0]
    tags, theme_uris = [], [TOPIC_CATEGORY + code for code in identification.topiccategory or []]
    for group in identification.keywords or []:
        for keyword in group.keywords:
            if keyword.name and _tag(keyword.name):
                tags.append(_tag(keyword.name))
            if keyword.url:
                theme_uris.append(keyword.url)
    data_format = md.distribution.format if md.distribution else None
    dataset: dict[str, Any] = {
        "title": identification.title or md.identifier,
        "notes": identification.abstract or "",
        "tags": [{"name": name} for name in dict.fromkeys(tags)],
        "resources": _resources(md, data_format),
        "url": record_url,
        "extras": [],
    }
    constraints = (identification.otherconstraints or []) + (identification.uselimitation or [])
    # French records often state access limitations among the use limitations
    access = list(identification.otherconstraints or []) + [
        value for value in identification.uselimitation or [] if from_limitations([value]) is not None
    ]
    publisher = _publisher(list(identification.contact or []) + list(md.contact or []))
    contact = _first([c for c in identification.contact or [] if c.role == "pointOfContact"]) or publisher
    dates = {date.type: date.date for date in identification.date or []}
    extras = {
        "identifier": md.identifier,
        "theme": theme_uris,
        "license": next((value for value in constraints if licences.normalise([value])), None),
        "publisher_name": publisher and (publisher.organization or publisher.name),
        "contact_name": contact and (contact.organization or contact.name),
        "contact_email": contact and contact.email,
        "spatial": _bbox(identification),
        "temporal_start": identification.temporalextent_start,
        "temporal_end": identification.temporalextent_end,
        "issued": dates.get("publication") or dates.get("creation"),
        "modified": dates.get("revision") or md.datestamp,
        "provenance": md.dataquality.lineage if md.dataquality else None,
        "source_record_url": record_url,
    }
    for key, value in extras.items():
        set_extra(dataset, key, value)
    if access:
        dataset["access_rights"] = access  # mapped by the enrichment, like ckanext-dcat's field
    candidates = [code for code in identification.uricode or [] if is_uri(code)]
    return candidates, dataset
