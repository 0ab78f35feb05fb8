"""Open in QGIS: a QGIS 3 project (`.qgs`) holding the WMS, WMTS and WFS
layers of a dataset, or of every dataset of a bouquet, as the visitor may
use them."""
