"""Journeys through the real pages in Chromium: an agent builds a bouquet
with the three kinds of data and finds it from its theme page; an agent asks
for a restricted dataset, its organisation's admin approves, the agent
downloads the file. Screenshots of every step: test-artifacts/screenshots/."""

from __future__ import annotations

import io
import re

import pytest
from ckan.tests import factories
from playwright.sync_api import BrowserContext, Page, expect

from ckanext.ecologie.tests.browser.portal import Portal, Screenshots
from ckanext.ecologie.tests.helpers import make_dataset

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

PASSWORD = "Un-mot-de-passe-solide-2026"
CSV = b"commune;captage\nBordeaux;C-001\n"


def log_in(context: BrowserContext, portal: Portal, name: str, shots: Screenshots) -> Page:
    """Log in through the login form, reached from the header's link."""
    page = context.new_page()
    page.goto(portal.url)
    page.get_by_role("link", name="Connexion").click()
    page.fill("#field-login", name)
    page.fill("#field-password", PASSWORD)
    shots.take(page, f"{name} logs in")
    page.locator("form:has(#field-login)").get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("button", name="Déconnexion")).to_be_visible()
    return page


def test_an_agent_builds_a_bouquet_and_finds_it_from_its_theme(portal, new_context) -> None:
    factories.User(name="agente", password=PASSWORD)
    make_dataset(name="pistes-cyclables", title="Pistes cyclables de Gironde", themes=["transport-et-deplacements"])
    portal.start()
    shots = Screenshots("bouquet")
    page = log_in(new_context(), portal, "agente", shots)

    # Create the bouquet from the navigation.
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Bouquets").click()
    page.get_by_role("link", name="Créer un bouquet").click()
    page.fill("#field-title", "Vélo au quotidien")
    page.locator(".slug-preview button").click()  # CKAN's slug preview module: edit the URL name
    page.fill("#field-name", "velo-au-quotidien")
    page.fill("#field-notes", "Les données pour **développer le vélo** au quotidien.")
    page.select_option("#field-themes", ["mieux-se-deplacer", "mobilite-courte-distance-hors-voiture"])
    page.select_option("#field-organization", "")
    page.select_option("#field-private", "False")
    shots.take(page, "bouquet form filled")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Vélo au quotidien")
    shots.take(page, "bouquet created")

    # Its data: a dataset of the catalogue, data found elsewhere, data still missing.
    page.get_by_role("link", name="Gérer les données").click()
    page.fill("#dataset-q", "cyclables")
    page.locator("#dataset-q").press("Enter")
    candidate = page.locator("form.ecologie-candidate", has_text="Pistes cyclables de Gironde")
    candidate.get_by_label("Pourquoi elle est nécessaire").fill("Le réseau existant")
    shots.take(page, "dataset found in the catalogue")
    candidate.get_by_role("button", name=re.compile("^Ajouter")).click()
    expect(page.locator(".fr-alert--success")).to_be_visible()
    page.fill("#new-url-label", "Comptages vélo de Bordeaux Métropole")
    page.fill("#new-url", "https://opendata.example.org/comptages-velo.csv")
    page.fill("#new-url-purpose", "La fréquentation")
    page.locator("section:has(#new-url)").get_by_role("button", name="Ajouter").click()
    page.fill("#new-missing-label", "Stationnements vélo sécurisés")
    page.fill("#new-missing-purpose", "Dimensionner les parkings")
    page.locator("section:has(#new-missing-label)").get_by_role("button", name="Ajouter").click()
    expect(page.locator("ol > li.fr-card")).to_have_count(3)
    shots.take(page, "three items")

    page.get_by_role("link", name="Retour au bouquet").click()
    items = page.locator("li.ecologie-bouquet-item")
    expect(items).to_have_count(3)
    expect(items.nth(0)).to_contain_text("Dans le catalogue")
    expect(items.nth(1)).to_contain_text("Ailleurs sur le web")
    expect(items.nth(2)).to_contain_text("Manquante")
    expect(page.get_by_role("link", name="Aidez-nous à trouver cette donnée")).to_be_visible()
    shots.take(page, "bouquet with its data")

    # Anyone finds it from the theme page of its datasets' theme.
    visitor = new_context().new_page()
    visitor.goto(portal.url)
    visitor.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Thèmes").click()
    visitor.get_by_role("link", name="Transport et déplacements", exact=True).click()
    shots.take(visitor, "theme page")
    visitor.locator(".ecologie-theme-bouquets").get_by_role("link", name="Vélo au quotidien").click()
    expect(visitor.get_by_role("heading", level=1)).to_contain_text("Vélo au quotidien")
    expect(visitor.get_by_role("link", name="Gérer les données")).to_have_count(0)
    shots.take(visitor, "bouquet seen by a visitor")


def test_an_agent_asks_for_restricted_data_the_admin_approves_the_agent_downloads(
    app, portal, new_context, smtp_server
) -> None:
    factories.User(name="agente", password=PASSWORD, email="agente@example.org")
    factories.User(name="cheffe", password=PASSWORD, email="cheffe@example.org")
    organization = factories.Organization(
        name="dreal-occitanie", title="DREAL Occitanie", users=[{"name": "cheffe", "capacity": "admin"}]
    )
    dataset = make_dataset(
        owner_org=organization["id"],
        name="captages-eau-potable",
        title="Captages d'eau potable",
        access_rights="restricted",
        access_reason_category="h",
        access_reason="Protection des captages",
    )
    token = factories.APIToken(user="cheffe")["token"]
    resource = app.post(
        "/api/3/action/resource_create",
        data={"package_id": dataset["id"], "name": "Zones de captage", "upload": (io.BytesIO(CSV), "zones.csv")},
        headers={"Authorization": token},
    ).json["result"]
    portal.start()
    shots = Screenshots("restricted-data")

    agent = log_in(new_context(), portal, "agente", shots)
    agent.goto(f"{portal.url}/dataset/captages-eau-potable")
    expect(agent.locator(".ecologie-access-banner")).to_contain_text("Accès restreint")
    expect(agent.get_by_role("link", name="Zones de captage")).to_have_count(1)
    agent.get_by_label("Pourquoi avez-vous besoin de ces données ?").fill("Instruction d'un dossier de captage")
    shots.take(agent, "access request written")
    agent.get_by_role("button", name="Demander l'accès").click()
    expect(agent.locator(".fr-alert--success")).to_contain_text("Votre demande")
    shots.take(agent, "access requested")

    admin = log_in(new_context(), portal, "cheffe", shots)
    admin.goto(f"{portal.url}/dashboard/access-requests")
    expect(admin.locator("main")).to_contain_text("Instruction d'un dossier de captage")
    shots.take(admin, "request to decide")
    admin.get_by_role("button", name=re.compile("^Accepter")).click()
    expect(admin.locator(".fr-alert--success")).to_be_visible()
    shots.take(admin, "request approved")

    agent.goto(f"{portal.url}/dataset/captages-eau-potable")
    expect(agent.locator(".ecologie-access-banner")).to_contain_text("Vous avez accès")
    agent.goto(f"{portal.url}/dataset/captages-eau-potable/resource/{resource['id']}")
    shots.take(agent, "resource page with access")
    with agent.expect_download() as download:
        agent.get_by_role("link", name="Télécharger").click()
    assert download.value.suggested_filename == "zones.csv"
    with open(download.value.path(), "rb") as downloaded:
        assert downloaded.read() == CSV
    recipients = [recipient for message in smtp_server.messages for recipient in message[0]]
    assert "cheffe@example.org" in recipients and "agente@example.org" in recipients
