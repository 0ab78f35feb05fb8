"""An agent logs in with ProConnect in Chromium, through the provider's own
login page (mock-oauth2-server on 127.0.0.1): the mapping makes them a member
of their organisation, whose restricted file they download; another
organisation's restricted file stays closed."""

from __future__ import annotations

import io
import json

import pytest
import requests
from ckan.tests import factories
from playwright.sync_api import expect

from ckanext.ecologie.agents import mapping
from ckanext.ecologie.tests.browser.portal import Screenshots
from ckanext.ecologie.tests.helpers import make_dataset

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

CSV = b"station;nitrates\nBeziers;12\n"
CLAIMS = {
    "email": "camille.martin@dreal.example.org",
    "given_name": "Camille",
    "usual_name": "Martin",
    "siret": "13000000000001",
    "idp_id": "idp-dreal",
}


def _restricted_file(app, organization: dict, name: str, token: str) -> dict:
    dataset = make_dataset(
        owner_org=organization["id"],
        name=name,
        title=name.replace("-", " ").capitalize(),
        access_rights="restricted",
        access_reason_category="h",
        access_reason="Protection de l'environnement",
    )
    return app.post(
        "/api/3/action/resource_create",
        data={"package_id": dataset["id"], "name": "Mesures", "upload": (io.BytesIO(CSV), "mesures.csv")},
        headers={"Authorization": token},
    ).json["result"]


def test_an_agent_logs_in_with_proconnect_and_downloads_their_organisations_restricted_file(
    app, portal, new_context
) -> None:
    admin = factories.Sysadmin()
    token = factories.APIToken(user=admin["name"])["token"]
    own = factories.Organization(name="dreal-occitanie", title="DREAL Occitanie")
    other = factories.Organization(name="dreal-bretagne", title="DREAL Bretagne")
    mine = _restricted_file(app, own, "nitrates-occitanie", token)
    theirs = _restricted_file(app, other, "nitrates-bretagne", token)
    mapping.replace(mapping.parse({"organizations": [{"organization": "dreal-occitanie", "siret": [CLAIMS["siret"]]}]}))
    portal.start()
    shots = Screenshots("proconnect")

    context = new_context()
    page = context.new_page()
    page.goto(portal.url)
    page.get_by_role("link", name="Connexion").click()
    shots.take(page, "login page")
    page.get_by_role("link", name="S'identifier avec ProConnect").click()
    page.fill("input[name=username]", "agent-camille")
    page.fill("textarea[name=claims]", json.dumps(CLAIMS))
    shots.take(page, "provider login page")
    page.get_by_role("button", name="Sign-in").click()
    expect(page.get_by_role("button", name="Déconnexion")).to_be_visible()
    shots.take(page, "logged in")

    page.goto(f"{portal.url}/dataset/nitrates-occitanie/resource/{mine['id']}")
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger").click()
    with open(download.value.path(), "rb") as downloaded:
        assert downloaded.read() == CSV
    shots.take(page, "own organisation's restricted file")

    page.goto(f"{portal.url}/dataset/nitrates-bretagne")
    expect(page.locator(".ecologie-access-banner")).to_contain_text("Accès restreint")
    shots.take(page, "another organisation's restricted dataset")
    cookies = {cookie["name"]: cookie["value"] for cookie in context.cookies()}
    closed = requests.get(
        f"{portal.url}/dataset/{theirs['package_id']}/resource/{theirs['id']}/download/mesures.csv",
        cookies=cookies,
        allow_redirects=False,
        timeout=10,
    )
    assert closed.status_code in (403, 404)
    assert CSV not in closed.content
