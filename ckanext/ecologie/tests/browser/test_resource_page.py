"""The page of one resource in Chromium: a visitor goes from a dataset's
card to its resource page (its picture in the image view, its information,
the download button) and back; on a restricted dataset's resource page the
access block stands in place of the download; the organisation's member,
logged in, gets the download button there. axe-core on each page finds no
serious or critical violation. Screenshots at each step
(test-artifacts/screenshots/resource-page/)."""

from __future__ import annotations

import pytest
from ckan.tests import factories
from playwright.sync_api import expect

from ckanext.ecologie.tests.browser.portal import Screenshots, axe_violations, blocking, write_report
from ckanext.ecologie.tests.helpers import call, make_dataset

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

PASSWORD = "Un-mot-de-passe-solide-2026"
SECRET = "https://secret.example.org/captages.zip"


def _catalogue(site: str) -> dict:
    member = factories.User(name="membre", password=PASSWORD)
    organization = factories.Organization(
        name="dreal",
        title="DREAL Nouvelle-Aquitaine",
        organization_type="service-deconcentre",
        users=[{"name": member["name"], "capacity": "member"}],
    )
    dataset = make_dataset(
        owner_org=organization["id"],
        name="zones-humides",
        title="Zones humides",
        notes="Les zones humides de la région.",
        license_id="lov2",
        resources=[
            {
                # a picture the portal serves itself: the view shows it, nothing leaves the machine
                "url": f"{site}/vendor/dsfr/favicon/android-chrome-192x192.png",
                "name": "Carte des zones humides",
                "format": "PNG",
                "description": "La carte des zones humides **inventoriées**.",
                "size": 1536000,
                "issued": "2023-05-02",
                "language": "http://publications.europa.eu/resource/authority/language/FRA",
            }
        ],
    )
    restricted = make_dataset(
        owner_org=organization["id"],
        name="captages",
        title="Captages d'eau potable",
        access_rights="restricted",
        access_reason_category="h",
        access_reason="Protection des captages",
        resources=[{"url": SECRET, "name": "Périmètres de protection", "format": "ZIP"}],
    )
    return {"dataset": dataset, "restricted": restricted}


def test_resource_pages_from_the_dataset_and_back(portal, new_context) -> None:
    made = _catalogue(portal.url)
    portal.start()
    shots = Screenshots("resource-page")
    page = new_context().new_page()
    found: dict[str, list[dict]] = {}

    page.goto(portal.url + "/dataset/zones-humides")
    page.get_by_role("link", name="Aperçu et détails : Carte des zones humides").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Carte des zones humides")
    expect(page.locator("img.ecologie-resource-image")).to_be_visible()
    assert page.locator("img.ecologie-resource-image").evaluate("img => img.naturalWidth") == 192
    download = page.locator(".ecologie-dataset-actions").get_by_role("link", name="Télécharger")
    expect(download).to_have_attribute("href", made["dataset"]["resources"][0]["url"])
    panel = page.locator("#information")
    rows = dict(
        zip(
            [text.strip() for text in panel.locator("dt").all_inner_texts()],
            [" ".join(text.split()) for text in panel.locator("dd").all_inner_texts()],
            strict=True,
        )
    )
    assert rows == {
        "Format": "PNG",
        "Taille": "1,4 Mo",
        "Date de publication": "2 mai 2023",
        "Langue": "Français",
    }
    shots.take(page, "1 resource page")
    found["resource"] = axe_violations(page)
    page.get_by_role("link", name="Retour au jeu de données « Zones humides »").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Zones humides")

    secret = made["restricted"]["resources"][0]
    address = f"/dataset/captages/resource/{secret['id']}"
    page.goto(portal.url + address)
    expect(page.get_by_role("heading", level=1)).to_have_text("Périmètres de protection")
    expect(page.locator(".ecologie-access-banner")).to_contain_text("Accès restreint")
    expect(page.locator(".ecologie-resource-restricted")).to_have_text(
        "Cette ressource est réservée aux utilisateurs habilités."
    )
    assert page.get_by_role("link", name="Télécharger").count() == 0
    assert "secret.example.org" not in page.content()
    shots.take(page, "2 restricted resource as a visitor")
    found["restricted-visitor"] = axe_violations(page)

    member = new_context().new_page()
    member.goto(portal.url + "/user/login")
    member.fill("#field-login", "membre")
    member.fill("#field-password", PASSWORD)
    member.locator("form:has(#field-login)").get_by_role("button", name="Se connecter").click()
    member.goto(portal.url + address)
    download = member.locator(".ecologie-dataset-actions").get_by_role("link", name="Télécharger")
    expect(download).to_have_attribute("href", SECRET)
    expect(member.locator(".ecologie-access-banner")).to_contain_text("Vous avez accès aux données de ce jeu.")
    shots.take(member, "3 restricted resource as a member")
    found["restricted-member"] = axe_violations(member)
    assert call("package_show", id="captages")["resources"][0]["url"] == SECRET

    report = write_report("resource-page", found)
    serious = {name: blocking(violations) for name, violations in found.items() if blocking(violations)}
    assert serious == {}, f"serious or critical violations (all of them in {report})"
