"""A QGIS 3 project file (`.qgs`) holding OGC layers, built as QGIS writes
one (QgsProject::write): the project's CRS, the layer tree, the layers
(`maplayer`: id, data source, name, CRS, provider), their order and the
map's extent. QGIS fills the rest with its defaults when it reads it. The
XML is built with lxml, never by joining strings."""

from __future__ import annotations

import hashlib
import math
import re

from lxml import etree

from ckanext.ecologie.qgis.layers import Layer

QGIS_VERSION = "3.22.0-Białowieża"  # the oldest long-term release that reads every element written here
CONTENT_TYPE = "application/x-qgis-project"
# EPSG:3857, as QgsCoordinateReferenceSystem::writeXml() writes it (QGIS reads the srsid and authid)
WEB_MERCATOR = {
    "proj4": "+proj=merc +a=6378137 +b=6378137 +lat_ts=0 +lon_0=0 +x_0=0 +y_0=0 +k=1 +units=m "
    "+nadgrids=@null +wktext +no_defs",
    "srsid": "3857",
    "srid": "3857",
    "authid": "EPSG:3857",
    "description": "WGS 84 / Pseudo-Mercator",
    "projectionacronym": "merc",
    "ellipsoidacronym": "EPSG:7030",
    "geographicflag": "false",
}
# Metropolitan France, longitude and latitude: where the map opens.
FRANCE = (-5.5, 41.2, 9.8, 51.3)


# Characters XML 1.0 forbids: a harvested title may carry them, lxml refuses them.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml(value: str) -> str:
    return NOT_XML.sub("", value)


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attributes: str) -> etree._Element:
    element = etree.SubElement(parent, tag, {key: _xml(value) for key, value in attributes.items()})
    if text is not None:
        element.text = _xml(text)
    return element


def _crs(parent: etree._Element) -> None:
    spatialrefsys = _sub(parent, "spatialrefsys")
    for tag, value in WEB_MERCATOR.items():
        _sub(spatialrefsys, tag, value)


def _mercator(longitude: float, latitude: float) -> tuple[float, float]:
    radius = 6378137.0
    x = math.radians(longitude) * radius
    y = math.log(math.tan(math.pi / 4 + math.radians(latitude) / 2)) * radius
    return x, y


def layer_id(layer: Layer, position: int) -> str:
    """A layer id as QGIS makes them (a name and a unique suffix), stable for the same layer."""
    digest = hashlib.sha1(f"{layer.service}|{layer.url}|{layer.name}".encode()).hexdigest()[:12]
    safe = "".join(character if character.isalnum() else "_" for character in layer.name)[:40]
    return f"{safe}_{position}_{digest}"


def build(title: str, layers: list[Layer]) -> bytes:
    """The project, as the bytes of a UTF-8 `.qgs` file."""
    root = etree.Element(
        "qgis", {"projectname": _xml(title), "version": QGIS_VERSION, "saveUser": "", "saveUserFull": ""}
    )
    _sub(root, "homePath", path="")
    _sub(root, "title", title)
    _crs(_sub(root, "projectCrs"))
    ids = [layer_id(layer, position) for position, layer in enumerate(layers)]

    tree = _sub(root, "layer-tree-group")
    _sub(tree, "customproperties")
    for layer, identifier in zip(layers, ids, strict=True):
        node = _sub(
            tree,
            "layer-tree-layer",
            id=identifier,
            name=layer.title,
            source=layer.source,
            providerKey=layer.provider,
            checked="Qt::Checked",
            expanded="1",
        )
        _sub(node, "customproperties")

    project_layers = _sub(root, "projectlayers")
    for layer, identifier in zip(layers, ids, strict=True):
        attributes = {"type": "vector", "geometry": "Unknown"} if layer.is_vector else {"type": "raster"}
        maplayer = _sub(project_layers, "maplayer", autoRefreshEnabled="0", refreshOnNotifyEnabled="0", **attributes)
        _sub(maplayer, "id", identifier)
        _sub(maplayer, "datasource", layer.source)
        _sub(maplayer, "layername", layer.title)
        _crs(_sub(maplayer, "srs"))
        if layer.is_vector:
            _sub(maplayer, "provider", layer.provider, encoding="UTF-8")
        else:
            _sub(maplayer, "provider", layer.provider)

    # QgsProject reads `projectCrs` only when the project says its layers are reprojected
    properties = _sub(root, "properties")
    _sub(_sub(properties, "SpatialRefSys"), "ProjectionsEnabled", "1", type="int")

    order = _sub(root, "layerorder")
    for identifier in ids:
        _sub(order, "layer", id=identifier)

    canvas = _sub(root, "mapcanvas", name="theMapCanvas", annotationsVisible="1")
    _sub(canvas, "units", "meters")
    extent = _sub(canvas, "extent")
    xmin, ymin = _mercator(FRANCE[0], FRANCE[1])
    xmax, ymax = _mercator(FRANCE[2], FRANCE[3])
    for tag, value in (("xmin", xmin), ("ymin", ymin), ("xmax", xmax), ("ymax", ymax)):
        _sub(extent, tag, f"{value:.2f}")
    _sub(canvas, "rotation", "0")
    _crs(_sub(canvas, "destinationsrs"))

    doctype = "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>"
    return etree.tostring(root, encoding="UTF-8", xml_declaration=True, doctype=doctype, pretty_print=True)
