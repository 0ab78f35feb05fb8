"""Run by Debian's Python (`/usr/bin/python3`, with `python3-qgis`), never
imported by the tests: open a project with QGIS itself and print, as JSON,
what QGIS read of it: its title, CRS and layers, each layer's data source
parsed back by QGIS's own QgsDataSourceUri.

    QT_QPA_PLATFORM=offscreen /usr/bin/python3 qgis_reader.py project.qgs
"""

import json
import re
import sys

from qgis.core import QgsApplication, QgsDataSourceUri, QgsProject

# The layers are not resolved: QGIS would ask every service its capabilities.
app = QgsApplication([], False)
app.initQgis()
project = QgsProject.instance()
read = project.read(sys.argv[1], QgsProject.FlagDontResolveLayers)
layers = []
for node in project.layerTreeRoot().findLayers():
    layer = node.layer()
    # QGIS 3.22 has no QgsDataSourceUri.parameterKeys(): the keys are read
    # off the source, their values are QGIS's
    uri = QgsDataSourceUri()
    if layer.providerType() == "wms":
        uri.setEncodedUri(layer.source())
        keys = [part.split("=", 1)[0] for part in layer.source().split("&")]
    else:
        uri = QgsDataSourceUri(layer.source())
        keys = re.findall(r"(?:^| )(\w+)=", layer.source())
    layers.append(
        {
            "name": node.name(),
            "layer_name": layer.name(),
            "provider": layer.providerType(),
            "kind": "vector" if layer.type() == 0 else "raster" if layer.type() == 1 else str(layer.type()),
            "source": layer.source(),
            "params": {key: uri.params(key) for key in keys},
        }
    )
print(
    json.dumps(
        {
            "read": read,
            "error": project.error(),
            "title": project.title(),
            "crs": project.crs().authid(),
            "layers": layers,
        }
    )
)
app.exitQgis()
