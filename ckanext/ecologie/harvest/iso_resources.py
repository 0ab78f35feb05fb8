"""The online resources of an ISO 19139 record -> CKAN resources: one per
link, and one per layer of an OGC service (a Géoplateforme record lists
dozens of WMS, WMTS and WFS layers behind one GetCapabilities address)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

from lxml import etree

from ckanext.ecologie.harvest import formats
from ckanext.ecologie.harvest.iso_xml import NS, Value, find, find_all, value_of
from ckanext.ecologie.text import fold

ONLINE = "gmd:distributionInfo//gmd:CI_OnlineResource"
FORMAT_NAMES = (
    "gmd:distributionInfo/gmd:MD_Distribution/gmd:distributionFormat/gmd:MD_Format/gmd:name",
    "gmd:distributionInfo/gmd:MD_Distribution/gmd:distributor/gmd:MD_Distributor"
    "/gmd:distributorFormat/gmd:MD_Format/gmd:name",
)
LAYERED_SERVICES = {"WMS", "WMTS", "WFS", "WCS"}


@dataclass(frozen=True)
class Link:
    url: str
    name: str | None
    description: str | None
    protocol: str | None
    media_type: str | None
    function: str | None


def _fold(text: str | None) -> str:
    return fold(text or "")


def _links(md: etree._Element) -> list[Link]:
    links = []
    for online in md.iterfind(ONLINE, NS):
        url = find(online, "gmd:linkage").text
        if not url:
            continue
        name, protocol = find(online, "gmd:name"), find(online, "gmd:protocol")
        links.append(
            Link(
                url=url,
                name=name.text,
                description=find(online, "gmd:description").text,
                protocol=protocol.text,
                # gmx:MimeFileType in place of a string: its type is the media type
                media_type=name.media_type or protocol.media_type,
                function=value_of(online.find("gmd:function", NS)).text,
            )
        )
    return links


def data_format(md: etree._Element) -> str | None:
    """The format of the data itself: the first distribution format that is
    not a service (a Géoplateforme record lists GPKG, then WMTS, WMS, WFS)."""
    names: list[Value] = [value for path in FORMAT_NAMES for value in find_all(md, path)]
    return next((value.text for value in names if value.text and not formats.service(value.text)), None)


def metadata_view(link: Link, file_identifier: str | None) -> str | None:
    """The format ("XML", "HTML") of a link to the record itself (GetRecordById, the
    catalogue's page of the record): not the data, whatever its protocol says."""
    lowered = link.url.lower()
    if "request=getrecordbyid" in lowered:
        return "XML"
    name = _fold(link.name)
    about_record = "metadonnees" in name or "metadata" in name or "/metadata/" in lowered or "/records/" in lowered
    if not (file_identifier and file_identifier.lower() in lowered and about_record):
        return None
    return "XML" if "xml" in name or "formatters/xml" in lowered else "HTML"


def _is_download(link: Link) -> bool:
    return "download" in _fold(link.protocol) or link.function == "download"


def _format(link: Link, service: str | None, view: str | None, downloads_format: str | None) -> str:
    if view:
        return view
    if service:
        return service
    if link.media_type:
        return formats.normalise(link.media_type, link.url)
    if _is_download(link):
        # a download's format is the distribution's, unless its address names one
        return formats.normalise("", link.url) or formats.normalise(downloads_format, link.url)
    return formats.normalise(link.protocol, link.url)


def _file_name(url: str) -> str:
    parsed = urlsplit(url)
    return unquote(parsed.path.rstrip("/").rsplit("/", 1)[-1]) or parsed.hostname or url


def resources(md: etree._Element, file_identifier: str | None) -> list[dict[str, Any]]:
    """CKAN resources, one per (address, layer)."""
    found, seen = [], set()
    downloads_format = data_format(md)
    for link in _links(md):
        service = formats.service(link.protocol)
        # the name of an OGC service link is the layer's (ISO 19139, INSPIRE)
        layer = link.name if service in LAYERED_SERVICES else None
        if (link.url, layer) in seen:
            continue
        seen.add((link.url, layer))
        view = metadata_view(link, file_identifier)
        name = link.name or link.description or _file_name(link.url)
        resource = {
            "url": link.url,
            "name": name,
            "description": link.description if link.description != name else "",
            "format": _format(link, service, view, downloads_format),
            "protocol": link.protocol or "",
        }
        if layer:
            resource["layer"] = layer
        found.append(resource)
    return found


def landing_page(md: etree._Element, file_identifier: str | None) -> str | None:
    """The catalogue's page of the record, when the record links to it."""
    return next(
        (link.url for link in _links(md) if metadata_view(link, file_identifier) == "HTML"),
        None,
    )
