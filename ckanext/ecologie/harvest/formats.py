"""Resource formats as French catalogues give them (media types, IANA URIs,
OGC protocols, free text) -> the short names CKAN facets on."""

from __future__ import annotations

from urllib.parse import urlsplit

_SERVICES = (("wmts", "WMTS"), ("wms", "WMS"), ("wfs", "WFS"), ("wcs", "WCS"), ("atom", "ATOM"))
_EXTENSIONS = {
    "CSV", "JSON", "GEOJSON", "ZIP", "PDF", "XML", "SHP", "XLS", "XLSX", "ODS", "KML", "KMZ",
    "GPKG", "TXT", "HTML", "JPEG", "JPG", "PNG", "TIF", "TIFF", "RDF", "TTL", "JSONLD", "PARQUET",
}  # fmt: skip


def normalise(value: str | None, url: str | None) -> str:
    text = (value or "").strip()
    lowered = text.lower()
    for marker, name in _SERVICES:
        if marker in lowered:
            return name
    if "/" in text:  # a media type or an IANA URI: its last part
        text = text.rstrip("/").rsplit("/", 1)[-1]
    if ":" in text:  # another protocol (WWW:LINK...) says nothing of the format
        text = ""
    if text:
        return text.upper() if len(text) <= 8 else text
    parts = urlsplit(url or "")
    for marker, name in _SERVICES:  # an OGC service's address names it: ?SERVICE=WMS
        if f"service={marker}" in parts.query.lower():
            return name
    extension = parts.path.rsplit(".", 1)[-1].upper()
    return extension if extension in _EXTENSIONS else ""
