"""Resource formats as French catalogues give them (media types, IANA URIs,
OGC protocols, free text) -> the short names CKAN facets on, CKAN's own
(`unified_resource_format`) whenever CKAN knows the format."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from ckan.lib.helpers import resource_formats, unified_resource_format

_SERVICES = (("wmts", "WMTS"), ("wms", "WMS"), ("wfs", "WFS"), ("wcs", "WCS"), ("atom", "ATOM"))
_SERVICE_NAMES = (
    ("web map tile service", "WMTS"),
    ("web map service", "WMS"),
    ("web feature service", "WFS"),
    ("web coverage service", "WCS"),
)
_EXTENSIONS = {
    "CSV", "JSON", "GEOJSON", "ZIP", "PDF", "XML", "SHP", "XLS", "XLSX", "ODS", "KML", "KMZ",
    "GPKG", "TXT", "HTML", "JPEG", "JPG", "PNG", "TIF", "TIFF", "RDF", "TTL", "JSONLD", "PARQUET",
}  # fmt: skip
_IANA = "/media-types/"
_PARENTHESES = re.compile(r"\(([^()]*)\)")


def service(value: str | None) -> str | None:
    """The OGC service (or Atom feed) a protocol or format names: "OGC:WMS",
    "OGC:WMS-1.3.0-http-get-map", "OGC Web Feature Service"..."""
    lowered = (value or "").lower()
    return next((name for marker, name in _SERVICES + _SERVICE_NAMES if marker in lowered), None)


def _known(text: str) -> str | None:
    """CKAN's name of a format it knows by name, media type or alias."""
    text = text.strip()
    return unified_resource_format(text) if text and text.lower() in resource_formats() else None


def _candidates(text: str) -> list[str]:
    """The text, and the parts of it that may name a format on their own:
    an IANA URI's media type, a URI's last part, "ESRI Shapefile (SHP)"'s
    "SHP" and "ESRI Shapefile"."""
    found = [text]
    if _IANA in text:
        found.append(text.split(_IANA, 1)[1])
    if "/" in text:
        found.append(text.rstrip("/").rsplit("/", 1)[-1])
    found += [*_PARENTHESES.findall(text), _PARENTHESES.sub(" ", text)]
    return found


def _from_url(url: str | None) -> str:
    parts = urlsplit(url or "")
    for marker, name in _SERVICES:  # an OGC service's address names it: ?SERVICE=WMS
        if f"service={marker}" in parts.query.lower():
            return name
    extension = parts.path.rsplit(".", 1)[-1] if "." in parts.path.rsplit("/", 1)[-1] else ""
    if extension.upper() not in _EXTENSIONS:
        return ""
    return _known(extension) or extension.upper()


def normalise(value: str | None, url: str | None) -> str:
    text = (value or "").strip()
    found = service(text)
    if found:
        return found
    for candidate in _candidates(text):
        known = _known(candidate)
        if known:
            return known
    if "/" in text:  # a media type or a URI CKAN does not know: its last part
        text = text.rstrip("/").rsplit("/", 1)[-1]
    if ":" in text:  # another protocol (WWW:LINK...) says nothing of the format
        text = ""
    if text:
        return text.upper() if len(text) <= 8 else text
    return _from_url(url)
