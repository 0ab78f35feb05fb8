"""The OGC layers (WMS, WMTS, WFS) of a dataset's resources, and each one's
QGIS data source as QGIS's providers read it.

Harvested records give an OGC layer as one resource per (service address,
layer): the format says the service ("WMS", "WMTS", "WFS", see
`harvest/formats.py`), the ISO 19139 mapping keeps the layer name in
`layer` (`harvest/iso_resources.py`), DCAT records name the resource after
the layer, and some addresses carry it (`LAYERS=`, `TYPENAME=`). A resource
the visitor may not use has no address (`access/strip.py`): it gives no
layer."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlsplit, urlunsplit

from ckanext.ecologie.harvest import formats

WMS, WMTS, WFS = "WMS", "WMTS", "WFS"
SERVICES = (WMS, WMTS, WFS)
CRS = "EPSG:3857"
IMAGE_FORMAT = "image/png"
# The parameters of an OGC request: the rest of a query (a QGIS Server's
# MAP=, a key) belongs to the service's address.
OGC_PARAMETERS = frozenset(
    {
        "service", "request", "version", "acceptversions", "layers", "layer", "typename", "typenames",
        "type_name", "styles", "style", "format", "bbox", "width", "height", "crs", "srs", "srsname",
        "outputformat", "tilematrixset", "tilematrix", "tilerow", "tilecol", "exceptions", "transparent",
        "maxfeatures", "count", "sld", "sld_body", "infoformat", "info_format",
    }
)  # fmt: skip
LAYER_PARAMETERS = {WMS: ("layers", "layer"), WMTS: ("layer", "layers"), WFS: ("typenames", "typename", "type_name")}
# The Géoplateforme's WMTS (IGN) serves its layers in the tile matrix set
# "PM" (Web Mercator) with the style "normal"; other servers name theirs
# after the CRS, with the style "default" the WMTS standard gives as example.
GEOPLATEFORME_HOSTS = ("data.geopf.fr", "wxs.ign.fr")
NAME = re.compile(r"^[^\s]+$")


@dataclass(frozen=True)
class Layer:
    service: str  # WMS, WMTS or WFS
    name: str  # the layer's name on the service
    title: str  # what QGIS shows in its layer list
    url: str  # the service's address, without the request's own parameters
    tile_matrix_set: str = ""  # WMTS only
    style: str = ""  # WMTS only

    @property
    def key(self) -> tuple[str, str, str]:
        """The same layer of the same service, whatever resource gives it."""
        return self.service, self.name, self.url

    @property
    def provider(self) -> str:
        return "WFS" if self.service == WFS else "wms"

    @property
    def is_vector(self) -> bool:
        return self.service == WFS

    @property
    def source(self) -> str:
        return wfs_source(self) if self.service == WFS else wms_source(self)


def _query(url: str) -> dict[str, str]:
    return {key.lower(): value for key, value in parse_qsl(urlsplit(url).query, keep_blank_values=True)}


def service_of(resource: dict[str, Any]) -> str | None:
    """The OGC service of a resource: its format, else its protocol, else its address's SERVICE=."""
    for value in (resource.get("format"), resource.get("protocol"), _query(resource.get("url") or "").get("service")):
        found = formats.service(value)
        if found:
            return found if found in SERVICES else None
    return None


def base_url(url: str) -> str:
    """The service's address: the query without the OGC request's parameters."""
    parts = urlsplit(url)
    kept = [
        part for part in parts.query.split("&") if part and unquote(part.split("=", 1)[0]).lower() not in OGC_PARAMETERS
    ]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "&".join(kept), ""))


def layer_name(resource: dict[str, Any], service: str) -> str | None:
    """The layer's name: the harvested `layer`, else the address's, else the
    resource's name when it is one word (a title is not a layer name)."""
    if resource.get("layer"):
        return str(resource["layer"]).strip() or None
    query = _query(resource.get("url") or "")
    for parameter in LAYER_PARAMETERS[service]:
        if query.get(parameter):
            return query[parameter].split(",")[0].strip() or None
    name = (resource.get("name") or "").strip()
    return name if NAME.match(name) else None


def of_resource(resource: dict[str, Any], dataset_title: str = "") -> Layer | None:
    url = (resource.get("url") or "").strip()
    if urlsplit(url).scheme not in ("http", "https"):
        return None  # no address (a restricted resource, for this visitor), or not a web service
    service = service_of(resource)
    if not service:
        return None
    name = layer_name(resource, service)
    if not name:
        return None
    label = (resource.get("name") or "").strip() or name
    if dataset_title and label != dataset_title:
        label = f"{dataset_title} – {label}"
    matrix_set, style = _wmts_defaults(url) if service == WMTS else ("", "")
    return Layer(
        service=service,
        name=name,
        title=f"{label} ({service})",
        url=base_url(url),
        tile_matrix_set=matrix_set,
        style=style,
    )


def unique(found: list[Layer]) -> list[Layer]:
    """Each layer once, in order."""
    seen: set[tuple[str, str, str]] = set()
    kept = []
    for layer in found:
        if layer.key not in seen:
            seen.add(layer.key)
            kept.append(layer)
    return kept


def of_dataset(dataset: dict[str, Any]) -> list[Layer]:
    """The dataset's layers, once each, in the order of its resources."""
    title = dataset.get("title") or ""
    return unique([layer for resource in dataset.get("resources") or [] if (layer := of_resource(resource, title))])


def encoded_uri(params: list[tuple[str, str]]) -> str:
    """What QgsDataSourceUri::encodedUri() writes: `key=value` pairs joined by
    `&`, sorted by key, each value percent-encoded but for `:/?` (so that an
    address's own `&` and `=` stay in it; setEncodedUri() decodes them back)."""
    return "&".join(f"{key}={quote(value, safe=':/?')}" for key, value in sorted(params, key=lambda pair: pair[0]))


def _wmts_defaults(url: str) -> tuple[str, str]:
    query = _query(url)
    geoplateforme = (urlsplit(url).hostname or "") in GEOPLATEFORME_HOSTS
    matrix_set = query.get("tilematrixset") or ("PM" if geoplateforme else CRS)
    style = query.get("style") or ("normal" if geoplateforme else "default")
    return matrix_set, style


def wms_source(layer: Layer) -> str:
    """The data source of QGIS's "wms" provider (QgsWmsSettings::parseUri):
    a WMS layer, or a WMTS one (`tileMatrixSet`, and SERVICE=WMTS in its
    address so that QGIS asks the WMTS GetCapabilities)."""
    params = [
        ("contextualWMSLegend", "0"),
        ("crs", CRS),
        ("dpiMode", "7"),
        ("featureCount", "10"),
        ("format", IMAGE_FORMAT),
        ("layers", layer.name),
    ]
    if layer.service == WMTS:
        parts = urlsplit(layer.url)
        query = "&".join(filter(None, [parts.query, "SERVICE=WMTS", "REQUEST=GetCapabilities", "VERSION=1.0.0"]))
        url = urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))
        params += [("styles", layer.style), ("tileMatrixSet", layer.tile_matrix_set), ("url", url)]
    else:
        params += [("styles", ""), ("url", layer.url)]
    return encoded_uri(params)


def _quoted(value: str) -> str:
    """A value of a `key='value'` data source (QgsDataSourceUri::escape)."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def wfs_source(layer: Layer) -> str:
    """The data source of QGIS's "WFS" provider (QgsWFSDataSourceURI): the
    server's own CRS, features asked for the map's extent only, paged."""
    params = [
        ("pagingEnabled", "true"),
        ("preferCoordinatesForWfsT11", "false"),
        ("restrictToRequestBBOX", "1"),
        ("typename", layer.name),
        ("url", layer.url),
        ("version", "auto"),
    ]
    return " ".join(f"{key}={_quoted(value)}" for key, value in params)
