"""Open in QGIS: a visitor clicks "Ouvrir dans QGIS" on a dataset page and on
a bouquet page and gets the `.qgs` project (its layers are checked by QGIS
itself in tests/qgis/). Screenshots: test-artifacts/screenshots/qgis/."""

from __future__ import annotations

import pytest
from ckan.tests import factories
from ckan.tests.helpers import call_action
from lxml import etree
from playwright.sync_api import Page, expect

from ckanext.ecologie.tests.browser.portal import Screenshots
from ckanext.ecologie.tests.helpers import make_dataset

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

WMS = "https://data.geopf.fr/wms-r?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetCapabilities"
WFS = "https://www.geo2france.fr/geoserver/odema/ows"


def _download(page: Page, name: str) -> list[tuple[str, str]]:
    """Click the button, save the file: its layers' (provider, name)."""
    button = page.get_by_role("link", name="Ouvrir dans QGIS")
    expect(button).to_be_visible()
    with page.expect_download() as download:
        button.click()
    assert download.value.suggested_filename == f"{name}.qgs"
    with open(download.value.path(), "rb") as saved:
        project = etree.fromstring(saved.read())
    return [
        (layer.findtext("provider"), layer.findtext("layername"))
        for layer in project.iterfind("projectlayers/maplayer")
    ]


def test_a_visitor_downloads_the_qgis_project_of_a_dataset_and_of_a_bouquet(portal, new_context) -> None:
    member = factories.User()
    org = factories.Organization(title="IGN", users=[{"name": member["name"], "capacity": "editor"}])
    rpg = make_dataset(
        owner_org=org["id"],
        name="rpg",
        title="Registre parcellaire graphique",
        resources=[
            {"name": "LANDUSE.AGRICULTURE2024", "layer": "LANDUSE.AGRICULTURE2024", "url": WMS, "format": "WMS"},
            {"name": "Parcelles (CSV)", "url": "https://data.geopf.fr/parcelles.csv", "format": "CSV"},
        ],
    )
    collecte = make_dataset(
        owner_org=org["id"],
        name="territoires-collecte",
        title="Territoires de collecte",
        resources=[{"name": "odema:territoires_collecte", "url": WFS, "format": "WFS"}],
    )
    bouquet = call_action(
        "package_create",
        {"user": member["name"]},
        type="bouquet",
        name="sols-et-dechets",
        title="Sols et déchets",
        themes=["mieux-produire"],
        owner_org=org["id"],
        private=False,
    )
    call_action(
        "ecologie_bouquet_item_create",
        {"user": member["name"]},
        bouquet_id=bouquet["id"],
        items=[{"package_id": rpg["id"]}, {"package_id": collecte["id"]}],
    )
    make_dataset(owner_org=org["id"], name="sans-couche", title="Sans couche")
    portal.start()
    shots = Screenshots("qgis")
    page = new_context().new_page()

    page.goto(f"{portal.url}/dataset/rpg")
    shots.take(page, "dataset page with its open in qgis button")
    assert _download(page, "rpg") == [("wms", "Registre parcellaire graphique – LANDUSE.AGRICULTURE2024 (WMS)")]

    page.goto(f"{portal.url}/bouquet/sols-et-dechets")
    shots.take(page, "bouquet page with its open in qgis button")
    assert _download(page, "sols-et-dechets") == [
        ("wms", "Registre parcellaire graphique – LANDUSE.AGRICULTURE2024 (WMS)"),
        ("WFS", "Territoires de collecte – odema:territoires_collecte (WFS)"),
    ]

    # a dataset without a map layer has no button
    page.goto(f"{portal.url}/dataset/sans-couche")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="Ouvrir dans QGIS")).to_have_count(0)
