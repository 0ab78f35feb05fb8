"""The dataset page in Chromium: a visitor searches from the home page's box,
opens a dataset and reads its "Informations" panel; an agent adds it to a
bouquet through the page's "Add to a bouquet"; axe-core on the dataset page
and on an API page finds no serious or critical violation. Screenshots at
each step (test-artifacts/screenshots/dataset-page/)."""

from __future__ import annotations

import pytest
from ckan.tests import factories
from ckan.tests.helpers import call_action
from playwright.sync_api import expect

from ckanext.ecologie.tests.browser.portal import Screenshots, axe_violations, blocking, write_report
from ckanext.ecologie.tests.dataservices.support import ENDPOINT, make_dataservice
from ckanext.ecologie.tests.helpers import call, make_dataset

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

PASSWORD = "Un-mot-de-passe-solide-2026"


def _catalogue() -> dict:
    agent = factories.User(name="agente", password=PASSWORD)
    organization = factories.Organization(
        name="dreal", title="DREAL Nouvelle-Aquitaine", organization_type="service-deconcentre"
    )
    dataset = make_dataset(
        owner_org=organization["id"],
        name="pistes-cyclables",
        title="Pistes cyclables",
        notes="Le réseau **cyclable** de la région.",
        license_id="lov2",
        themes=["transport-et-deplacements"],
        maintainer="Service mobilités",
        maintainer_email="mobilites@example.org",
        extras=[
            {"key": "issued", "value": "2021-03-15"},
            {"key": "modified", "value": "2024-06-01T10:00:00"},
            {"key": "frequency", "value": "http://publications.europa.eu/resource/authority/frequency/ANNUAL"},
            {
                "key": "spatial",
                "value": '{"type": "Polygon", "coordinates": [[[-1.8, 43.3], [-1.8, 46.5], '
                "[1.4, 46.5], [1.4, 43.3], [-1.8, 43.3]]]}",
            },
        ],
        resources=[{"url": "https://example.org/pistes.csv", "format": "CSV", "name": "Pistes"}],
    )
    bouquet = call_action(
        "package_create",
        context={"user": agent["name"], "ignore_auth": False},
        type="bouquet",
        name="velo",
        title="Vélo au quotidien",
        themes=["mieux-se-deplacer"],
        private=False,
    )
    make_dataservice(organization["id"], license_id="lov2")
    return {"dataset": dataset, "bouquet": bouquet}


def test_search_open_read_and_add_to_a_bouquet(portal, new_context) -> None:
    made = _catalogue()
    portal.start()
    shots = Screenshots("dataset-page")
    page = new_context().new_page()
    found: dict[str, list[dict]] = {}

    page.goto(portal.url + "/")
    page.fill("#home-search-input", "pistes")
    shots.take(page, "1 home search")
    page.locator("#home-search-input").press("Enter")
    page.get_by_role("link", name="Pistes cyclables").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pistes cyclables")
    shots.take(page, "2 dataset page")
    found["dataset"] = axe_violations(page)

    panel = page.locator("#information")
    panel.scroll_into_view_if_needed()
    rows = dict(
        zip(
            [text.strip() for text in panel.locator("dt").all_inner_texts()],
            [" ".join(text.split()) for text in panel.locator("dd").all_inner_texts()],
            strict=True,
        )
    )
    assert rows["Date de publication"] == "15 mars 2021"
    assert rows["Date de mise à jour"] == "1 juin 2024"
    assert rows["Fréquence de mise à jour"] == "Annuelle"
    assert rows["Licence"] == "Licence Ouverte / Open Licence version 2.0"
    assert rows["Contact"] == "Service mobilités · mobilites@example.org"
    assert rows["Couverture géographique"].startswith("Ouest -1.8°, sud 43.3°, est 1.4°, nord 46.5°")
    expect(panel.locator("svg.ecologie-extent-map")).to_be_visible()
    shots.take(page, "3 information panel")

    page.goto(portal.url + "/user/login")
    page.fill("#field-login", "agente")
    page.fill("#field-password", PASSWORD)
    page.locator("form:has(#field-login)").get_by_role("button", name="Se connecter").click()
    page.goto(portal.url + "/dataset/pistes-cyclables")
    adding = page.locator(".ecologie-add-to-bouquet")
    adding.scroll_into_view_if_needed()
    expect(adding.get_by_role("heading", name="Ajouter à un bouquet")).to_be_visible()
    adding.get_by_label("Pourquoi elle est nécessaire").fill("Le réseau à compléter")
    shots.take(page, "4 add to a bouquet")
    found["dataset-logged-in"] = axe_violations(page)
    adding.get_by_role("button", name="Ajouter à « Vélo au quotidien »").click()
    expect(page.locator(".fr-alert--success")).to_contain_text("Le bouquet est enregistré.")
    shots.take(page, "5 added")
    items = call("ecologie_bouquet_item_list", bouquet_id=made["bouquet"]["id"])
    assert [(item["package_id"], item["purpose"]) for item in items] == [
        (made["dataset"]["id"], "Le réseau à compléter")
    ]
    page.goto(portal.url + "/dataset/pistes-cyclables")
    expect(page.locator(".ecologie-used-in")).to_contain_text("Vélo au quotidien")

    page.goto(portal.url + "/dataservice/api-qualite-air")
    expect(page.locator("a.ecologie-endpoint")).to_have_attribute("href", ENDPOINT)
    shots.take(page, "6 api page")
    found["api"] = axe_violations(page)

    report = write_report("dataset-page", found)
    serious = {name: blocking(violations) for name, violations in found.items() if blocking(violations)}
    assert serious == {}, f"serious or critical violations (all of them in {report})"
