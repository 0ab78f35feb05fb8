"""Open in QGIS: the `.qgs` project of a dataset and of a bouquet, opened by
QGIS itself (Debian's `python3-qgis`, installed by `make test` through
tools/qgis.sh): the layers QGIS reads, their provider and their data
source, parsed back by QGIS's own QgsDataSourceUri. Restricted layers are
absent for outsiders, private datasets unknown to them."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from typing import Any

import pytest
from ckan.tests import factories
from ckan.tests.helpers import call_action
from lxml import etree

from ckanext.ecologie.qgis import layers
from ckanext.ecologie.qgis.project import build
from ckanext.ecologie.tests.helpers import make_dataset

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

QGIS_PYTHON = "/usr/bin/python3"
READER = os.path.join(os.path.dirname(__file__), "qgis_reader.py")
CONTENT_TYPE = "application/x-qgis-project"

# Addresses as harvested records give them (tests/fixtures/corpus/expected/csw/
# geoplateforme-iso19139-IGNF_RPG.xml.yaml and geonetwork-dcat-page-5.xml.yaml).
GEOPF_WMS = "https://data.geopf.fr/wms-r?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetCapabilities"
GEOPF_WMTS = "https://data.geopf.fr/wmts?SERVICE=WMTS&VERSION=1.0.0&REQUEST=GetCapabilities"
GEO2FRANCE = "https://www.geo2france.fr/geoserver/odema/ows"
QGIS_SERVER = "https://qgisserver.hautsdefrance.fr/cgi-bin/qgis_mapserv.fcgi?MAP=/var/www/data/qgis/applications/parlement_mer.qgz"
SECRET_WMS = "https://secret.example.org/geoserver/ows?SERVICE=WMS&REQUEST=GetCapabilities"

WMS_PARAMS = {
    "contextualWMSLegend": ["0"],
    "crs": ["EPSG:3857"],
    "dpiMode": ["7"],
    "featureCount": ["10"],
    "format": ["image/png"],
}
WFS_PARAMS = {
    "pagingEnabled": ["true"],
    "preferCoordinatesForWfsT11": ["false"],
    "restrictToRequestBBOX": ["1"],
    "version": ["auto"],
}


def qgis_read(body: bytes) -> dict[str, Any]:
    """What QGIS reads of the project."""
    if not os.access(QGIS_PYTHON, os.X_OK) or subprocess.run([QGIS_PYTHON, "-c", "import qgis.core"]).returncode:
        pytest.fail("QGIS's Python bindings are missing: apt-get install python3-qgis (make test does it)")
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "project.qgs")
        with open(path, "wb") as project:
            project.write(body)
        runtime = os.path.join(folder, "runtime")
        os.mkdir(runtime, 0o700)
        done = subprocess.run(
            [QGIS_PYTHON, READER, path],
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_RUNTIME_DIR": runtime, "HOME": folder},
        )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["read"] is True and found["error"] == ""
    return found


def wms(name: str, title: str, url: str) -> dict[str, Any]:
    source = (
        "contextualWMSLegend=0&crs=EPSG:3857&dpiMode=7&featureCount=10&format=image/png"
        f"&layers={name}&styles=&url={url}"
    )
    params = {**WMS_PARAMS, "layers": [name], "styles": [""], "url": [url]}
    return {"name": title, "layer_name": title, "provider": "wms", "kind": "raster", "source": source, "params": params}


def wfs(name: str, title: str, url: str) -> dict[str, Any]:
    source = (
        "pagingEnabled='true' preferCoordinatesForWfsT11='false' restrictToRequestBBOX='1'"
        f" typename='{name}' url='{url}' version='auto'"
    )
    params = {**WFS_PARAMS, "typename": [name], "url": [url]}
    return {"name": title, "layer_name": title, "provider": "WFS", "kind": "vector", "source": source, "params": params}


def _download(app, path: str, headers: dict | None = None, name: str = "") -> bytes:
    response = app.get(path, headers=headers or {})
    assert response.status_code == 200
    assert response.mimetype == CONTENT_TYPE
    assert response.headers["Content-Disposition"] == f'attachment; filename="{name}.qgs"'
    return response.data


@pytest.fixture
def world() -> dict[str, Any]:
    member = factories.User()
    org = factories.Organization(users=[{"name": member["name"], "capacity": "editor"}])
    rpg = make_dataset(
        owner_org=org["id"],
        name="rpg",
        title="RPG <2024> & « parcelles »",
        resources=[
            # ISO 19139 (harvest/iso_resources.py): the layer in `layer`
            {
                "name": "LANDUSE.AGRICULTURE2024",
                "layer": "LANDUSE.AGRICULTURE2024",
                "protocol": "OGC:WMS",
                "url": GEOPF_WMS,
                "format": "WMS",
            },
            {
                "name": "LANDUSE.AGRICULTURE2024",
                "layer": "LANDUSE.AGRICULTURE2024",
                "protocol": "OGC:WMTS",
                "url": GEOPF_WMTS,
                "format": "WMTS",
            },
            {"name": "RPG", "url": "https://data.geopf.fr/telechargement/resource/RPG", "format": "GPKG"},
            # a GetFeature address: the layer and the server's own MAP= are in it
            {
                "name": "Tableau de données (csv)",
                "format": "WFS",
                "url": f"{QGIS_SERVER}&request=GetFeature&typename=plage_sans_plastique&outputformat=csv&service=WFS",
            },
        ],
    )
    collecte = make_dataset(
        owner_org=org["id"],
        name="territoires-collecte",
        title="Territoires de collecte",
        # DCAT (GeoNetwork): the distribution named after its layer
        resources=[{"name": "odema:territoires_collecte", "url": GEO2FRANCE, "format": "WFS"}],
    )
    restricted = make_dataset(
        owner_org=org["id"],
        name="captages-sensibles",
        title="Captages sensibles",
        access_rights="restricted",
        resources=[{"name": "captages", "url": SECRET_WMS, "format": "WMS"}],
    )
    private = make_dataset(
        owner_org=org["id"],
        name="projet-interne",
        title="Projet interne",
        private=True,
        resources=[{"name": "interne", "url": SECRET_WMS, "format": "WMS"}],
    )
    no_layer = make_dataset(
        owner_org=org["id"],
        name="dpe",
        title="DPE",
        resources=[
            {"name": "DPE", "url": "https://donnees.example.org/dpe.csv", "format": "CSV"},
            # a service address without a layer name (a title is not one)
            {"name": "Resource 1-4", "url": GEOPF_WMS, "format": "WMS"},
        ],
    )
    context = {"user": member["name"]}
    bouquet = call_action(
        "package_create",
        context,
        type="bouquet",
        name="sols-agricoles",
        title="Sols agricoles",
        owner_org=org["id"],
        private=False,
        themes=["mieux-produire"],
    )
    call_action(
        "ecologie_bouquet_item_create",
        context,
        bouquet_id=bouquet["id"],
        items=[
            {"package_id": rpg["id"]},
            {"package_id": restricted["id"]},
            {"package_id": private["id"]},
            {"package_id": collecte["id"]},
            {"label": "Aides", "uri": "https://aides.example.org/"},
        ],
    )
    return {
        "member": {"Authorization": factories.APIToken(user=member["name"])["token"]},
        "rpg": rpg,
        "collecte": collecte,
        "restricted": restricted,
        "private": private,
        "no_layer": no_layer,
        "bouquet": bouquet,
        "context": context,
        "org": org,
    }


RPG = "RPG <2024> & « parcelles »"
RPG_LAYERS = [
    wms("LANDUSE.AGRICULTURE2024", f"{RPG} – LANDUSE.AGRICULTURE2024 (WMS)", "https://data.geopf.fr/wms-r"),
    {
        "name": f"{RPG} – LANDUSE.AGRICULTURE2024 (WMTS)",
        "layer_name": f"{RPG} – LANDUSE.AGRICULTURE2024 (WMTS)",
        "provider": "wms",
        "kind": "raster",
        "source": "contextualWMSLegend=0&crs=EPSG:3857&dpiMode=7&featureCount=10&format=image/png"
        "&layers=LANDUSE.AGRICULTURE2024&styles=normal&tileMatrixSet=PM"
        "&url=https://data.geopf.fr/wmts?SERVICE%3DWMTS%26REQUEST%3DGetCapabilities%26VERSION%3D1.0.0",
        "params": {
            **WMS_PARAMS,
            "layers": ["LANDUSE.AGRICULTURE2024"],
            "styles": ["normal"],
            "tileMatrixSet": ["PM"],
            "url": ["https://data.geopf.fr/wmts?SERVICE=WMTS&REQUEST=GetCapabilities&VERSION=1.0.0"],
        },
    },
    wfs("plage_sans_plastique", f"{RPG} – Tableau de données (csv) (WFS)", QGIS_SERVER),
]
COLLECTE_LAYERS = [
    wfs("odema:territoires_collecte", "Territoires de collecte – odema:territoires_collecte (WFS)", GEO2FRANCE)
]
RESTRICTED_LAYERS = [wms("captages", "Captages sensibles – captages (WMS)", "https://secret.example.org/geoserver/ows")]
PRIVATE_LAYERS = [wms("interne", "Projet interne – interne (WMS)", "https://secret.example.org/geoserver/ows")]


def test_a_dataset_opens_in_qgis_with_its_wms_wmts_and_wfs_layers(app, world: dict) -> None:
    project = qgis_read(_download(app, "/dataset/rpg/qgis", name="rpg"))
    assert project["title"] == RPG
    assert project["crs"] == "EPSG:3857"
    assert project["layers"] == RPG_LAYERS
    # by id as well as by name
    assert qgis_read(_download(app, f"/dataset/{world['rpg']['id']}/qgis", name="rpg"))["layers"] == RPG_LAYERS


def test_a_bouquet_holds_the_layers_of_the_datasets_the_visitor_may_use(app, world: dict) -> None:
    outsider = qgis_read(_download(app, "/bouquet/sols-agricoles/qgis", name="sols-agricoles"))
    assert outsider["title"] == "Sols agricoles"
    # the restricted dataset gives no layer, the private one is unknown
    assert outsider["layers"] == RPG_LAYERS + COLLECTE_LAYERS
    member = qgis_read(_download(app, "/bouquet/sols-agricoles/qgis", world["member"], name="sols-agricoles"))
    assert member["layers"] == RPG_LAYERS + RESTRICTED_LAYERS + PRIVATE_LAYERS + COLLECTE_LAYERS


def test_a_restricted_dataset_gives_its_layers_only_to_authorised_users(app, world: dict) -> None:
    assert app.get("/dataset/captages-sensibles/qgis").status_code == 404
    outsider = {"Authorization": factories.APIToken(user=factories.User()["name"])["token"]}
    assert app.get("/dataset/captages-sensibles/qgis", headers=outsider).status_code == 404
    body = _download(app, "/dataset/captages-sensibles/qgis", world["member"], name="captages-sensibles")
    assert b"secret.example.org" in body
    assert qgis_read(body)["layers"] == RESTRICTED_LAYERS
    # a bouquet of restricted data only: nothing to open for an outsider
    call_action(
        "package_create",
        world["context"],
        type="bouquet",
        name="captages",
        title="Captages",
        owner_org=world["org"]["id"],
        private=False,
        themes=["mieux-produire"],
    )
    call_action(
        "ecologie_bouquet_item_create",
        world["context"],
        bouquet_id="captages",
        items=[{"package_id": world["restricted"]["id"]}],
    )
    assert app.get("/bouquet/captages/qgis").status_code == 404
    page = app.get("/bouquet/captages").get_data(as_text=True)
    assert "/bouquet/captages/qgis" not in page
    assert "/bouquet/captages/qgis" in app.get("/bouquet/captages", headers=world["member"]).get_data(as_text=True)


def test_a_private_dataset_is_unknown_to_outsiders(app, world: dict) -> None:
    assert app.get("/dataset/projet-interne/qgis").status_code == 404
    assert app.get(f"/dataset/{world['private']['id']}/qgis").status_code == 404
    body = _download(app, "/dataset/projet-interne/qgis", world["member"], name="projet-interne")
    assert qgis_read(body)["layers"] == PRIVATE_LAYERS


def test_no_layer_no_project(app, world: dict) -> None:
    assert app.get("/dataset/dpe/qgis").status_code == 404
    assert app.get("/dataset/no-such-dataset/qgis").status_code == 404
    assert app.get("/bouquet/no-such-bouquet/qgis").status_code == 404
    # a bouquet is not a dataset, nor a dataset a bouquet
    assert app.get("/dataset/sols-agricoles/qgis").status_code == 404
    assert app.get("/bouquet/rpg/qgis").status_code == 404
    empty = call_action(
        "package_create",
        world["context"],
        type="bouquet",
        name="vide",
        title="Vide",
        owner_org=world["org"]["id"],
        private=False,
        themes=["mieux-produire"],
    )
    assert app.get(f"/bouquet/{empty['name']}/qgis").status_code == 404
    assert "/bouquet/vide/qgis" not in app.get("/bouquet/vide").get_data(as_text=True)


def test_the_bouquet_page_offers_the_project(app, world: dict) -> None:
    page = app.get("/bouquet/sols-agricoles").get_data(as_text=True)
    assert 'href="/bouquet/sols-agricoles/qgis" download="sols-agricoles.qgs"' in page
    assert "Ouvrir dans QGIS" in page


def test_layers_of_resources_without_a_layer_name_or_address() -> None:
    assert layers.of_resource({"name": "Resource 1-4", "url": GEOPF_WMS, "format": "WMS"}) is None
    assert layers.of_resource({"name": "captages", "format": "WMS"}) is None  # stripped: no address
    assert layers.of_resource({"name": "x", "url": "ftp://example.org/x", "format": "WMS"}) is None
    found = layers.of_resource(
        {"name": "Carte", "url": f"{GEO2FRANCE}?service=WMS&layers=odema:a,odema:b", "format": ""}
    )
    assert found == layers.Layer(service="WMS", name="odema:a", title="Carte (WMS)", url=GEO2FRANCE)


def test_characters_xml_forbids_are_left_out_of_the_project() -> None:
    """A harvested title may hold control characters: the project is still
    written, without them."""
    layer = layers.Layer("WMS", "zones", "Zones\x0b humides\x00", "https://example.org/wms")
    root = etree.fromstring(build("Carte\x1f des zones", [layer]))
    assert root.get("projectname") == "Carte des zones"
    assert root.findtext("title") == "Carte des zones"
    assert [element.text for element in root.iter("layername")] == ["Zones humides"]
