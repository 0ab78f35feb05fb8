"""The dataset page on the DSFR, rendered for a record harvested through the
real queues (the Géoplateforme's RPG record, ISO 19139 through CSW): its
"Informations" panel shows the source's own values in French and no
internal field name or id; a restricted dataset shows no resource address
to an outsider but the access request; an API page shows its endpoint and
documentation to an allowed visitor."""

from __future__ import annotations

import html
import os
import re
from collections.abc import Iterator

import pytest
from ckan.tests import factories
from ckan.tests.helpers import call_action

from ckanext.ecologie.tests.dataservices.support import DOCUMENTATION, ENDPOINT, make_dataservice
from ckanext.ecologie.tests.harvest.servers import CatalogueServer, CswCatalogue, records_of
from ckanext.ecologie.tests.harvest.support import datasets_of, extra, harvest, make_aggregator
from ckanext.ecologie.tests.helpers import CORPUS, call, make_dataset
from ckanext.ecologie.ui.dataset_page import extent

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

RPG = os.path.join(CORPUS, "csw", "geoplateforme-iso19139-IGNF_RPG.xml")
SECRET = "https://secret.example.org/zones-de-captage.zip"


@pytest.fixture
def catalogue_server() -> Iterator[CatalogueServer]:
    with CatalogueServer() as server:
        yield server


def _text(page: str) -> str:
    """The page's visible text, one space between words."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def _bootstrap(page: str) -> set[str]:
    """CKAN's Bootstrap classes in the page's <main>."""
    main = page[page.index('<main id="content"') : page.index("</main>")]
    classes = {name for value in re.findall(r'class="([^"]*)"', main) for name in value.split()}
    return {
        name
        for name in classes
        if name in ("module", "module-content", "btn", "nav-item", "nav-link", "row", "badge")
        or name.startswith(("btn-", "col-md-", "col-lg-"))
    }


def _panel(page: str) -> dict[str, str]:
    section = re.search(r'<section class="fr-mb-4w ecologie-information".*?</section>', page, re.S).group(0)
    rows = re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", section, re.S)
    return {_text(label): _text(value) for label, value in rows}


def test_the_page_of_a_harvested_record_shows_its_information_and_nothing_internal(
    app, catalogue_server, harvest_consumers
) -> None:
    source = make_aggregator("ecologie_csw", catalogue_server.add("/csw", CswCatalogue(records_of(RPG))))
    job = harvest(source, harvest_consumers)
    assert not job["gather_errors"] and not job["object_errors"], job
    rpg = datasets_of(source)["RPG"]
    shown = call("package_show", id=rpg["id"])
    object_id, source_id = extra(shown, "harvest_object_id"), extra(shown, "harvest_source_id")
    assert object_id and source_id == source["id"]  # what the page must not show

    response = app.get(f"/dataset/{rpg['name']}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for internal in (
        "harvest_object_id",
        "harvest_source_id",
        "harvest_source_title",
        "harvest_identifier",
        object_id,
        source_id,
        "Additional info",
        "Informations supplémentaires",
        "Contact URI",
        "Publisher URI",
        "source_record_url",
        "Source source-de-test",  # the harvest source's title
        "There is no description for this organization",
        "Facebook",
    ):
        assert internal not in page, internal
    assert _bootstrap(page) == set()

    main = page[page.index('<main id="content"') : page.index("</main>")]
    assert rpg["id"] not in _text(main)  # no id in what a reader reads
    panel = _panel(page)
    assert panel.pop("Provenance").startswith("A partir de 2015, la structure du produit RPG évolue")
    assert panel == {
        "Date de publication": "1 janvier 2007",
        "Date de mise à jour": "1 janvier 2025",
        "Fréquence de mise à jour": "Annuelle",
        "Couverture temporelle": "Du 1 janvier 2007 au 1 janvier 2025",
        "Licence": "Licence Ouverte / Open Licence version 2.0",
        "Identifiant": "IGNF_RPG",
        "Version": "3.0",
        "Contact": "Institut national de l'information géographique et forestière (IGN-F) · contact.geoservices@ign.fr",
        "Catalogue d'origine": "Voir la fiche dans son catalogue d'origine",
        "Couverture géographique": (
            "Ouest -63.15°, sud -21.4°, est 55.85°, nord 51.1° (la France métropolitaine est dessinée pour repère)"
        ),
    }
    # the licence and the record at its source are links; the extent is drawn here, no tile fetched
    assert '<a class="fr-link" href="https://www.etalab.gouv.fr/licence-ouverte-open-licence/"' in page
    record = html.unescape(re.search(r'<a class="fr-link" href="([^"]+)"[^>]*>Voir la fiche', page).group(1))
    assert record == extra(shown, "source_record_url") and "request=GetRecordById" in record and "id=IGNF_RPG" in record
    assert '<rect x="-63.15" y="-51.1" width="119.0" height="72.5"' in page
    assert 'href="mailto:contact.geoservices@ign.fr"' in page
    # the producer with its type, no English placeholder, no social block
    header = _text(re.search(r'<header class="fr-mb-4w ecologie-dataset-header">.*?</header>', page, re.S).group(0))
    assert header.startswith(
        "Institut national de l'information géographique et forestière (IGN-F) RPG Données ouvertes"
    )
    # every resource as a card with its format and its link
    cards = re.findall(r'<div class="fr-card fr-card--sm fr-card--no-arrow ecologie-resource-card">', page)
    assert len(cards) == 80
    assert page.count('href="https://data.geopf.fr/telechargement/resource/RPG"') == 1
    assert "Données (80)" in _text(page)


def test_the_producer_type_is_shown(app) -> None:
    organization = factories.Organization(title="DREAL Bretagne", organization_type="service-deconcentre")
    make_dataset(owner_org=organization["id"], name="zones-humides", title="Zones humides", license_id="lov2")
    page = app.get("/dataset/zones-humides").get_data(as_text=True)
    header = _text(re.search(r'<header class="fr-mb-4w ecologie-dataset-header">.*?</header>', page, re.S).group(0))
    assert header.startswith("DREAL Bretagne Service déconcentré Zones humides Données ouvertes")
    aside = _text(re.search(r"<aside .*?</aside>", page, re.S).group(0))
    assert aside == (
        "DREAL Bretagne Producteur de ce jeu de données Service déconcentré"
        " Licence Licence Ouverte / Open Licence version 2.0 Licence ouverte"
    )
    assert _panel(page) == {"Licence": "Licence Ouverte / Open Licence version 2.0"}
    assert "There is no description" not in page and "Facebook" not in page and "Additional Info" not in page
    assert _bootstrap(page) == set()


def test_a_resource_address_that_is_no_web_address_is_never_a_link(app) -> None:
    """An editor (or a harvested record) may store any text as a resource's
    URL: a javascript: address must not become the download button."""
    make_dataset(
        name="adresses",
        resources=[
            {"name": "Piège", "url": "javascript:alert(document.cookie)", "format": "CSV"},
            {"name": "Fichier", "url": "https://example.org/fichier.csv", "format": "CSV"},
        ],
    )
    page = app.get("/dataset/adresses", status=200).get_data(as_text=True)
    assert "javascript:alert" not in page
    downloads = re.findall(r'<a class="fr-btn fr-btn--sm fr-icon-download-line[^"]*" href="([^"]+)"', page)
    assert downloads == ["https://example.org/fichier.csv"]


def test_a_restricted_dataset_shows_an_outsider_no_address_but_the_request(app) -> None:
    agent = factories.User(name="agente")
    organization = factories.Organization()
    make_dataset(
        owner_org=organization["id"],
        name="captages",
        title="Captages",
        access_rights="restricted",
        access_reason_category="h",
        access_reason="Protection des captages d'eau potable",
        resources=[{"url": SECRET, "name": "Périmètres", "format": "ZIP"}],
    )
    headers = {"Authorization": factories.APIToken(user=agent["name"])["token"]}
    for visitor in ({}, headers):
        response = app.get("/dataset/captages", headers=visitor)
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        assert SECRET not in page and "secret.example.org" not in page
        cards = re.search(r'<ul class="ecologie-card-list">.*?class="fr-card__footer">.*?</div>', page, re.S)
        card = _text(cards.group(0))
        assert card == "Périmètres ZIP Réservé aux utilisateurs habilités : comment y accéder (Périmètres)"
        assert "Télécharger" not in card
        assert _panel(page)["Licence"] == "Aucune : les données ne sont pas publiques"
    # logged in, the outsider gets the request form in the access block
    assert 'action="/dataset/captages/access-request"' in page and "Demander l'accès" in page
    anonymous = app.get("/dataset/captages").get_data(as_text=True)
    assert 'action="/dataset/captages/access-request"' not in anonymous and "Connectez-vous" in anonymous


def test_the_api_page_shows_its_endpoint_and_documentation(app) -> None:
    organization = factories.Organization(title="Atmo France")
    make_dataservice(organization["id"], license_id="lov2")
    response = app.get("/dataservice/api-qualite-air")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    section = re.search(r'<section class="fr-mb-4w ecologie-dataservice".*?</section>', page, re.S).group(0)
    assert f'<a class="fr-link ecologie-endpoint" href="{ENDPOINT}" rel="noopener">{ENDPOINT}</a>' in section
    assert f'<a class="fr-link ecologie-documentation" href="{DOCUMENTATION}" rel="noopener">' in section
    header = _text(re.search(r'<header class="fr-mb-4w ecologie-dataset-header">.*?</header>', page, re.S).group(0))
    assert header == "Atmo France API de la qualité de l'air API Données ouvertes Utiliser l'API"
    assert "Demander une habilitation" not in section  # an open API needs none
    assert _bootstrap(page) == set()


def test_a_restricted_api_page_gives_the_way_to_an_authorisation(app) -> None:
    member, outsider = factories.User(), factories.User()
    organization = factories.Organization(users=[{"name": member["name"], "capacity": "member"}])
    make_dataservice(
        organization["id"],
        access_rights="restricted",
        access_reason_category="b",
        authorization_request_url="https://demande.example.org/acces",
    )
    allowed = app.get(
        "/dataservice/api-qualite-air", headers={"Authorization": factories.APIToken(user=member["name"])["token"]}
    ).get_data(as_text=True)
    assert f'href="{ENDPOINT}"' in allowed and f'href="{DOCUMENTATION}"' in allowed
    refused = app.get(
        "/dataservice/api-qualite-air", headers={"Authorization": factories.APIToken(user=outsider["name"])["token"]}
    ).get_data(as_text=True)
    assert ENDPOINT not in refused
    section = _text(re.search(r'<section class="fr-mb-4w ecologie-dataservice".*?</section>', refused, re.S).group(0))
    assert "Point d'accès Réservé aux utilisateurs habilités : comment y accéder" in section
    assert "Demander une habilitation sur le site du producteur Demander une habilitation" in section
    assert 'href="https://demande.example.org/acces"' in refused
    assert 'action="/dataset/api-qualite-air/access-request"' in refused


def test_a_logged_in_agent_adds_the_dataset_to_a_bouquet_from_its_page(app) -> None:
    agent = factories.User(name="agent-bouquet")
    headers = {"Authorization": factories.APIToken(user=agent["name"])["token"]}
    make_dataset(name="pistes-cyclables", title="Pistes cyclables")
    bouquet = call_action(
        "package_create",
        context={"user": agent["name"], "ignore_auth": False},
        type="bouquet",
        name="velo",
        title="Vélo au quotidien",
        themes=["mieux-se-deplacer"],
        private=False,
    )
    assert "Ajouter à un bouquet" not in app.get("/dataset/pistes-cyclables").get_data(as_text=True)
    page = app.get("/dataset/pistes-cyclables", headers=headers).get_data(as_text=True)
    form = re.search(r'<section class="fr-mb-3w ecologie-add-to-bouquet".*?</section>', page, re.S).group(0)
    button = re.search(r'formaction="([^"]+)">Ajouter à « Vélo au quotidien »</button>', form)
    assert button.group(1) == "/bouquet/velo/items"
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', form))
    dataset_id = call("package_show", id="pistes-cyclables")["id"]
    assert fields == {"operation": "add", "package_id": dataset_id}
    response = app.post(button.group(1), data={**fields, "purpose": "Itinéraires"}, headers=headers)
    assert response.status_code == 200
    items = call("ecologie_bouquet_item_list", bouquet_id=bouquet["id"])
    assert [(item["package_id"], item["purpose"]) for item in items] == [(dataset_id, "Itinéraires")]
    page = app.get("/dataset/pistes-cyclables", headers=headers).get_data(as_text=True)
    used = _text(re.search(r'<section class="fr-mb-3w ecologie-used-in".*?</section>', page, re.S).group(0))
    assert used == "Utilisé dans ces bouquets Vélo au quotidien"
    assert "Ajouter à « Vélo au quotidien »" not in page  # it holds the dataset now


def test_an_extent_nested_past_pythons_stack_draws_nothing() -> None:
    nested = "[" * 100_000 + "]" * 100_000
    assert extent({"extras": [{"key": "spatial", "value": nested}]}) is None
    box = '{"type": "Polygon", "coordinates": [[[-1.8, 43.3], [1.4, 43.3], [1.4, 46.5], [-1.8, 46.5], [-1.8, 43.3]]]}'
    assert extent({"extras": [{"key": "spatial", "value": box}]})["west"] == -1.8
