"""axe-core in Chromium on the key pages (home, search, theme, bouquet,
dataset, about, and the pages of the journeys): no serious or critical
violation. Every violation found is written to test-artifacts/axe/."""

from __future__ import annotations

import pytest
from ckan.tests import factories
from ckan.tests.helpers import call_action
from playwright.sync_api import expect

from ckanext.ecologie.tests.browser.portal import Screenshots, axe_violations, blocking, write_report
from ckanext.ecologie.tests.helpers import make_dataset

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

PASSWORD = "Un-mot-de-passe-solide-2026"


def _catalogue() -> dict[str, str]:
    owner = factories.User(name="agente", password=PASSWORD)
    organization = factories.Organization(name="dreal", title="DREAL Nouvelle-Aquitaine")
    cycling = make_dataset(
        owner_org=organization["id"],
        name="pistes-cyclables",
        title="Pistes cyclables",
        notes="Le réseau cyclable de la région.",
        themes=["transport-et-deplacements"],
        resources=[{"url": "https://example.org/pistes.csv", "format": "CSV", "name": "Pistes"}],
    )
    make_dataset(
        owner_org=organization["id"],
        name="captages",
        title="Captages d'eau potable",
        themes=["eau"],
        access_rights="restricted",
        access_reason_category="h",
        access_reason="Protection des captages",
        resources=[{"url": "https://example.org/captages.csv", "format": "CSV", "name": "Zones"}],
    )
    for number in range(25):
        make_dataset(owner_org=organization["id"], title=f"Qualité des eaux {number}", themes=["masses-d-eau"])
    bouquet = call_action(
        "package_create",
        context={"user": owner["name"], "ignore_auth": False},
        type="bouquet",
        name="velo",
        title="Vélo au quotidien",
        notes="Développer le vélo.",
        themes=["mieux-se-deplacer"],
        private=False,
    )
    call_action(
        "ecologie_bouquet_item_create",
        context={"user": owner["name"]},
        bouquet_id=bouquet["id"],
        items=[
            {"package_id": cycling["id"], "group": "Infrastructures", "purpose": "Le réseau"},
            {"label": "Comptages", "uri": "https://example.org/comptages.csv", "group": "Usages"},
            {"label": "Stationnements", "group": "Usages"},
        ],
    )
    return {
        "home": "/",
        "search": "/dataset/",
        "search-page-2": "/dataset/?page=2",
        "theme": "/theme/transport-et-deplacements",
        "themes": "/theme/",
        "bouquets": "/bouquet/",
        "bouquet": "/bouquet/velo",
        "dataset": "/dataset/captages",
        "about": "/about",
        "login": "/user/login",
    }


def test_the_key_pages_have_no_serious_or_critical_violation(portal, new_context) -> None:
    pages = _catalogue()
    portal.start()
    shots = Screenshots("accessibility")
    page = new_context().new_page()
    found: dict[str, list[dict]] = {}
    for name, path in pages.items():
        page.goto(portal.url + path)
        shots.take(page, name)
        found[name] = axe_violations(page)
    # Keyboard: the first Tab reaches the skip link to the content.
    page.goto(portal.url + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Contenu"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "content"
    # The language switch of the header.
    page.locator(".fr-header__tools-links button.fr-translate__btn").click()
    page.get_by_role("link", name="EN - English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Data")).to_be_visible()
    shots.take(page, "home in English")
    page.goto(portal.url + "/")
    # The pages of a logged-in agent: the dataset with its request form, the bouquet's items.
    page.goto(portal.url + "/user/login")
    page.fill("#field-login", "agente")
    page.fill("#field-password", PASSWORD)
    page.locator("form:has(#field-login)").get_by_role("button", name="Se connecter").click()
    for name, path in {"dataset-logged-in": "/dataset/captages", "bouquet-items": "/bouquet/velo/items"}.items():
        page.goto(portal.url + path)
        shots.take(page, name)
        found[name] = axe_violations(page)
    report = write_report("violations", found)
    serious = {name: blocking(violations) for name, violations in found.items() if blocking(violations)}
    assert serious == {}, f"serious or critical violations (all of them in {report})"
