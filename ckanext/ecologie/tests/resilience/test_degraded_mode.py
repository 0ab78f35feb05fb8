"""With the search server or Redis stopped: the pages that need only the
database still answer, the others answer a DSFR 503 page with `Retry-After`,
the API a 503 error, writes store nothing, and the portal recovers by itself
when the service is back."""

from __future__ import annotations

import json
import os
import re
import subprocess
from urllib.parse import urlsplit

import pytest
from ckan.tests import factories
from ckan.tests.helpers import call_action

from ckanext.ecologie.pages import feedback
from ckanext.ecologie.tests.helpers import make_dataset

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))
SEARCH_DOWN = "Recherche momentanément indisponible"


@pytest.fixture
def catalogue() -> dict:
    organization = factories.Organization(name="dreal-bretagne", title="DREAL Bretagne")
    dataset = make_dataset(
        owner_org=organization["id"],
        name="qualite-de-l-air",
        title="Qualité de l'air en Bretagne",
        resources=[{"url": "http://example.org/air.csv", "name": "Mesures 2025", "format": "CSV"}],
    )
    agent = factories.User()
    bouquet = call_action(
        "package_create",
        context={"user": agent["name"], "ignore_auth": False},
        type="bouquet",
        name="respirer-mieux",
        title="Respirer mieux",
        themes=["mieux-se-deplacer"],
        private=False,
    )
    return {"organization": organization, "dataset": dataset, "bouquet": bouquet, "agent": agent}


def _title(page: str) -> str:
    return re.search(r"<h1[^>]*>\s*(.*?)\s*</h1>", page, re.S).group(1)


def _json(response) -> dict:
    return json.loads(response.get_data(as_text=True))


def test_without_solr_database_pages_answer_search_pages_say_so_and_all_recovers(app, own_solr, catalogue) -> None:
    dataset, resource = catalogue["dataset"], catalogue["dataset"]["resources"][0]
    sysadmin = factories.SysadminWithToken()
    own_solr.kill()

    database_pages = {
        "/dataset/qualite-de-l-air": "Qualité de l&#39;air en Bretagne",
        f"/dataset/qualite-de-l-air/resource/{resource['id']}": "Mesures 2025",
        "/bouquet/respirer-mieux": "Respirer mieux",
        "/organization/dreal-bretagne": "DREAL Bretagne",
        "/about": "À propos",
    }
    for url, text in database_pages.items():
        response = app.get(url)
        assert response.status_code == 200, url
        assert text in response.get_data(as_text=True), url
    organization_page = app.get("/organization/dreal-bretagne").get_data(as_text=True)
    assert 'id="search-error"' in organization_page  # its dataset list only is missing

    for url in ("/", "/dataset/", "/dataset/?q=air", "/bouquet/", "/theme/", "/theme/bruit", "/organization/"):
        response = app.get(url)
        assert response.status_code == 503, url
        assert response.headers["Retry-After"] == "60", url
        assert "public" not in response.headers["Cache-Control"], url  # no proxy keeps the outage
        page = response.get_data(as_text=True)
        assert _title(page) == SEARCH_DOWN, url
        assert 'class="fr-header"' in page and "Traceback" not in page, url

    search = app.get("/api/3/action/package_search?q=air")
    assert search.status_code == 503 and search.headers["Retry-After"] == "60"
    assert "public" not in search.headers["Cache-Control"]
    assert _json(search) == {
        "help": "http://test.ckan.net/api/3/action/help_show?name=package_search",
        "success": False,
        "error": {
            "__type": "Service Unavailable",
            "message": "Le moteur de recherche du catalogue ne répond pas. Les pages des jeux de données, "
            "des bouquets et des organisations restent ouvertes : réessayez votre recherche dans quelques minutes.",
        },
    }
    shown = app.get("/api/3/action/package_show?id=qualite-de-l-air")
    assert shown.status_code == 200 and _json(shown)["result"]["title"] == "Qualité de l'air en Bretagne"
    organization = _json(app.get("/api/3/action/organization_show?id=dreal-bretagne"))["result"]
    assert organization["title"] == "DREAL Bretagne" and "package_count" not in organization

    # a write cannot reach the index: refused whole, nothing stored
    update = app.post(
        "/api/3/action/package_patch",
        json={"id": dataset["id"], "title": "Titre jamais enregistré"},
        headers={"Authorization": sysadmin["token"]},
    )
    assert update.status_code == 503 and _json(update)["error"]["__type"] == "Service Unavailable"
    assert call_action("package_show", id=dataset["id"])["title"] == "Qualité de l'air en Bretagne"

    # Solr is back: search answers again, without restarting anything
    own_solr.start()
    page = app.get("/dataset/")
    assert page.status_code == 200
    assert "Qualité de l&#39;air en Bretagne" in page.get_data(as_text=True)
    assert _json(app.get("/api/3/action/package_search?q=air"))["result"]["count"] == 1


def test_a_query_cannot_pass_for_an_outage(app, own_solr, catalogue) -> None:
    """CKAN takes any Solr error quoting "Connection to server" for a lost
    connection, and Solr quotes the query in its syntax errors."""
    bad = "Connection to server ("
    api = app.get("/api/3/action/package_search", query_string={"fq": bad})
    assert api.status_code == 409 and _json(api)["error"]["__type"] == "Search Error"
    page = app.get("/dataset/", query_string={"q": f"title:({bad}"})
    assert page.status_code == 200 and 'id="search-error"' in page.get_data(as_text=True)
    assert _json(app.get("/api/3/action/package_search?q=air"))["result"]["count"] == 1


@pytest.fixture
def redis_stopped(ckan_config):
    port = str(urlsplit(ckan_config["ckan.redis.url"]).port)
    subprocess.run(["redis-cli", "-h", "127.0.0.1", "-p", port, "shutdown"], check=False, capture_output=True)
    try:
        yield
    finally:
        subprocess.run([os.path.join(ROOT, "tools", "services.sh"), "start"], check=True, capture_output=True)


@pytest.mark.usefixtures("clean_index")
def test_without_redis_pages_answer_and_the_feedback_form_keeps_the_message(
    app, catalogue, redis_stopped, monkeypatch
) -> None:
    for url in ("/", "/dataset/", "/dataset/qualite-de-l-air", "/bouquet/respirer-mieux", "/theme/", "/about"):
        assert app.get(url).status_code == 200, url
    assert _json(app.get("/api/3/action/package_search"))["result"]["count"] == 1

    monkeypatch.setattr(feedback, "MIN_SECONDS", 0)
    form = app.get("/contact").get_data(as_text=True)
    token = form.split('name="token" value="')[1].split('"')[0]
    message = "Il manque les relevés de 2025."
    sent = app.post("/contact", data={"token": token, "name": "Camille", "message": message})
    assert sent.status_code == 503 and sent.headers["Retry-After"] == "60"
    page = sent.get_data(as_text=True)
    assert "Votre message n&#39;a pas pu être envoyé maintenant : réessayez dans quelques minutes." in page
    assert message in page
