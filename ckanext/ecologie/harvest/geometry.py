"""Spatial coverage of harvested records as one GeoJSON geometry (the
`spatial` extra, as ckanext-dcat stores it), read from the encodings
catalogues use: GeoJSON, WKT (read by geomet, which ckanext-dcat depends on)
and GML envelopes. A geometry is kept only when every position is a finite
longitude/latitude pair: a broken one (NaN, projected coordinates, longitudes
past 180) would break whatever reads the field."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from typing import Any

from geomet import wkt

Geometry = dict[str, Any]

# type -> depth of the position arrays in `coordinates`
DEPTHS = {"Point": 0, "MultiPoint": 1, "LineString": 1, "MultiLineString": 2, "Polygon": 2, "MultiPolygon": 3}
# WKT may start with its CRS (GeoSPARQL) or an SRID (EWKT)
_CRS_PREFIX = re.compile(r"^\s*<([^>]*)>\s*")
_SRID_PREFIX = re.compile(r"^\s*SRID=(\d+)\s*;\s*", re.IGNORECASE)
_GML_CORNER = re.compile(r"<(?:\w+:)?(lowerCorner|upperCorner)[^>]*>([^<]*)<", re.IGNORECASE)
_GML_SRS = re.compile(r"srsName\s*=\s*[\"']([^\"']*)[\"']")
_EPSG = re.compile(r"EPSG(?:/\d+/|:+|::)(\d+)$", re.IGNORECASE)
# CRS that write latitude first (GeoSPARQL and GML follow the axis order of the CRS)
_LAT_LON = "4326"


def _crs_code(crs: str) -> str | None:
    """ "CRS84" for OGC's longitude/latitude, an EPSG code, else None."""
    crs = crs.strip()
    if not crs or crs.upper().endswith("CRS84"):
        return "CRS84"
    found = _EPSG.search(crs)
    return found.group(1) if found else None


def _position(position: Any) -> list[float] | None:
    if not isinstance(position, list | tuple) or len(position) < 2:
        return None
    try:
        lon, lat = float(position[0]), float(position[1])
    except (TypeError, ValueError):
        return None
    if not (math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
        return None
    return [lon, lat]


def _positions(value: Any, depth: int) -> Any:
    """The coordinates with every position checked (2D), else None."""
    if depth == 0:
        return _position(value)
    if not isinstance(value, list) or not value:
        return None
    checked = [_positions(item, depth - 1) for item in value]
    return None if any(item is None for item in checked) else checked


def _polygon(rings: list[list[list[float]]]) -> list[list[list[float]]] | None:
    """The rings closed, or None when one has fewer than three corners."""
    closed = [ring if ring[0] == ring[-1] else [*ring, ring[0]] for ring in rings]
    return closed if all(len(ring) >= 4 for ring in closed) else None


def checked(geometry: Any) -> Geometry | None:
    """The geometry as a plain 2D GeoJSON geometry, or None when it is not
    one that can be kept."""
    if not isinstance(geometry, dict) or geometry.get("type") not in DEPTHS:
        return None
    kind = geometry["type"]
    coordinates = _positions(geometry.get("coordinates"), DEPTHS[kind])
    if coordinates is None:
        return None
    if kind == "Polygon":
        coordinates = _polygon(coordinates)
    elif kind == "MultiPolygon":
        polygons = [_polygon(polygon) for polygon in coordinates]
        coordinates = None if any(polygon is None for polygon in polygons) else polygons
    return {"type": kind, "coordinates": coordinates} if coordinates else None


def from_geojson(text: str) -> Geometry | None:
    try:
        # NaN and Infinity are not JSON: refused rather than read as floats
        value = json.loads(text, parse_constant=_refuse)
    except (ValueError, TypeError):
        return None
    if isinstance(value, dict) and value.get("type") == "Feature":
        value = value.get("geometry")
    return checked(value)


def _refuse(constant: str) -> None:
    raise ValueError(constant)


def _swap(value: Any) -> Any:
    if isinstance(value, list) and value and not isinstance(value[0], list):
        return [value[1], value[0], *value[2:]]
    return [_swap(item) for item in value] if isinstance(value, list) else value


def from_wkt(text: str) -> Geometry | None:
    """WKT, optionally after its CRS (`<http://www.opengis.net/def/crs/...>`,
    GeoSPARQL) or an SRID (`SRID=4326;`): longitude/latitude CRS only."""
    text = text.strip()
    code = "CRS84"
    found = _CRS_PREFIX.match(text)
    if found:
        code = _crs_code(found.group(1)) or ""
        text = text[found.end() :]
    srid = _SRID_PREFIX.match(text)
    if srid:
        # EWKT writes longitude first whatever the SRID says
        code = "CRS84" if srid.group(1) == _LAT_LON else srid.group(1)
        text = text[srid.end() :]
    if code not in ("CRS84", _LAT_LON):
        return None  # projected coordinates: no reprojection here
    try:
        geometry = wkt.loads(text.upper())
    except (ValueError, TypeError, IndexError, AttributeError):
        return None
    if code == _LAT_LON and isinstance(geometry, dict):
        geometry["coordinates"] = _swap(geometry.get("coordinates"))
    return checked(geometry)


def from_bbox(west: Any, south: Any, east: Any, north: Any) -> Geometry | None:
    try:
        w, s, e, n = (float(value) for value in (west, south, east, north))
    except (TypeError, ValueError):
        return None
    if w == e and s == n:
        return checked({"type": "Point", "coordinates": [w, s]})
    ring = [[w, s], [e, s], [e, n], [w, n], [w, s]]
    return checked({"type": "Polygon", "coordinates": [ring]})


def from_gml(text: str) -> Geometry | None:
    """A GML envelope (lowerCorner, upperCorner), the shape GeoDCAT-AP uses."""
    corners = {name.lower(): value.split() for name, value in _GML_CORNER.findall(text)}
    lower, upper = corners.get("lowercorner"), corners.get("uppercorner")
    if not lower or not upper or len(lower) < 2 or len(upper) < 2:
        return None
    srs = _GML_SRS.search(text)
    name = srs.group(1).strip() if srs else ""
    code = _crs_code(name)
    if code == _LAT_LON and not name.upper().startswith("EPSG:"):
        # urn:ogc:def:crs:EPSG::4326 and its http form are latitude first;
        # the old "EPSG:4326" is written longitude first in practice
        lower, upper = lower[1::-1], upper[1::-1]
    elif code not in ("CRS84", _LAT_LON):
        return None
    return from_bbox(lower[0], lower[1], upper[0], upper[1])


GEOJSON_TYPES = ("geojson", "vnd.geo+json")
WKT_TYPES = ("wktliteral",)
GML_TYPES = ("gmlliteral",)


def from_literal(text: str, datatype: str | None = None) -> Geometry | None:
    """A geometry literal, read by its datatype (GeoSPARQL's, IANA's GeoJSON
    media type) or, untyped or of an unknown type, by its look."""
    folded = (datatype or "").casefold()
    stripped = text.strip()
    if any(name in folded for name in GEOJSON_TYPES) or stripped.startswith("{"):
        return from_geojson(stripped)
    if any(name in folded for name in GML_TYPES) or (stripped.startswith("<") and "Corner" in stripped):
        return from_gml(stripped)
    return from_wkt(stripped)


def _part_key(part: Any) -> str:
    """The same shape whatever the ring's first corner or direction: its
    corners, rounded to about a centimetre."""
    positions: set[tuple[float, float]] = set()

    def collect(value: Any) -> None:
        if value and isinstance(value[0], int | float):
            positions.add((round(value[0], 7), round(value[1], 7)))
        else:
            for item in value:
                collect(item)

    collect(part)
    return json.dumps(sorted(positions))


def merge(geometries: Iterable[Geometry | None]) -> Geometry | None:
    """One geometry for several (the same extent given in several encodings
    counts once): their polygons as a MultiPolygon, else their points, else
    their lines."""
    found = [geometry for geometry in geometries if geometry]
    for single, multi in (("Polygon", "MultiPolygon"), ("Point", "MultiPoint"), ("LineString", "MultiLineString")):
        parts: dict[str, Any] = {}
        for geometry in found:
            if geometry["type"] == single:
                parts.setdefault(_part_key(geometry["coordinates"]), geometry["coordinates"])
            elif geometry["type"] == multi:
                for part in geometry["coordinates"]:
                    parts.setdefault(_part_key(part), part)
        if len(parts) == 1:
            return {"type": single, "coordinates": next(iter(parts.values()))}
        if parts:
            return {"type": multi, "coordinates": list(parts.values())}
    return found[0] if found else None


def bbox(geometry: Geometry) -> list[float]:
    """[west, south, east, north] of a checked geometry."""
    positions: list[list[float]] = []

    def collect(value: Any) -> None:
        if value and isinstance(value[0], int | float):
            positions.append(value)
        else:
            for item in value:
                collect(item)

    collect(geometry["coordinates"])
    lons = [position[0] for position in positions]
    lats = [position[1] for position in positions]
    return [min(lons), min(lats), max(lons), max(lats)]


def dumps(geometry: Geometry | None) -> str | None:
    return json.dumps(geometry, separators=(",", ":")) if geometry else None
