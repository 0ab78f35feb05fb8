"""The page of one resource on the DSFR (/dataset/<id>/resource/<rid>), for
resources harvested through the real queues (DCAT, tests/fixtures/corpus's
catalog.xml) and made by the factories: its "Informations" list shows the
resource's own fields in French and no internal field; a restricted
resource shows an outsider no address (the access block instead), a member
of its organisation the download link; its views keep working."""

from __future__ import annotations

import html
import os
import re
from collections.abc import Iterator

import pytest
from ckan.tests import factories

from ckanext.ecologie.tests.harvest.servers import CatalogueServer
from ckanext.ecologie.tests.harvest.support import datasets_of, extra, harvest, make_aggregator
from ckanext.ecologie.tests.helpers import CORPUS, call, make_dataset

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

CATALOG = os.path.join(CORPUS, "dcat", "catalog.xml")
PICTURE = "https://images.example.org/carte-des-zones.png"
SECRET = "https://secret.example.org/captages.png"


@pytest.fixture
def catalogue_server() -> Iterator[CatalogueServer]:
    with CatalogueServer() as server:
        yield server


def _text(page: str) -> str:
    """The visible text, one space between words."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def _main(page: str) -> str:
    return page[page.index('<main id="content"') : page.index("</main>")]


def _bootstrap(page: str) -> set[str]:
    """CKAN's Bootstrap classes in the page's <main>."""
    classes = {name for value in re.findall(r'class="([^"]*)"', _main(page)) for name in value.split()}
    return {
        name
        for name in classes
        if name in ("module", "module-content", "btn", "nav", "nav-tabs", "nav-item", "nav-link", "row", "badge")
        or name.startswith(("btn-", "col-md-", "col-lg-", "fa-"))
    }


def _panel(page: str) -> dict[str, str]:
    found = re.search(r'<section class="fr-mb-4w ecologie-information".*?</section>', page, re.S)
    if not found:
        return {}
    rows = re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", found.group(0), re.S)
    return {_text(label): _text(value) for label, value in rows}


def _header(page: str) -> str:
    return _text(re.search(r'<header class="fr-mb-4w ecologie-dataset-header">.*?</header>', page, re.S).group(0))


def _resource(dataset: dict, name: str) -> dict:
    return next(res for res in dataset["resources"] if res["name"] == name)


def _page(app, dataset: dict, resource: dict, headers: dict | None = None) -> tuple[int, str]:
    response = app.get(f"/dataset/{dataset['name']}/resource/{resource['id']}", headers=headers or {})
    return response.status_code, response.get_data(as_text=True)


def _token(user: dict) -> dict[str, str]:
    return {"Authorization": factories.APIToken(user=user["name"])["token"]}


def test_harvested_resources_show_their_own_fields_in_french_and_nothing_internal(
    app, catalogue_server, harvest_consumers
) -> None:
    source = make_aggregator("ecologie_dcat", catalogue_server.add_file("/catalog.xml", CATALOG, "application/rdf+xml"))
    job = harvest(source, harvest_consumers)
    assert not job["gather_errors"] and not job["object_errors"], job
    datasets = datasets_of(source)
    first = call("package_show", id=datasets["Dataset 1"]["id"])
    json_file = _resource(first, "Resource 1-1")
    # what the page must not show: the resource's id, URI, harvest source, the dataset's harvest fields
    internal = [
        json_file["id"],
        json_file["uri"],
        json_file["harvest_source_id"],
        extra(first, "harvest_object_id"),
        first["id"],
    ]
    assert all(internal) and json_file["uri"] == "http://data.test.org/datasets/1/resources/1"

    status, page = _page(app, first, json_file)
    assert status == 200
    main = _main(page)
    for value in internal:
        assert f'"{value}"' not in main and f">{value}<" not in main and value not in _text(main), value
    for name in (
        "harvest",
        "uri",
        "URI",
        "Issued",
        "Modified",
        "Media type",
        "Download URL",
        "Additional Information",
        "Informations supplémentaires",
        "Field",
        "kibi",
    ):
        assert name not in _text(main), name
    assert "Facebook" not in page and "There is no description" not in page
    assert _bootstrap(page) == set()
    assert _panel(page) == {
        "Format": "JSON",
        "Type de média": "application/json",
        "Taille": "12 Ko",
        "Date de publication": "12 mars 2018",
        "Date de mise à jour": "14 mars 2018",
        "Licence": "Licence Ouverte / Open Licence version 1.0",
    }
    assert _header(page) == (
        "Retour au jeu de données « Dataset 1 » Resource 1-1 JSON 12 Ko Données ouvertes Télécharger"
    )
    assert '<a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href="/dataset/dataset-1">' in page
    download = re.findall(r'<a class="fr-btn [^"]*" href="([^"]+)"', main)
    assert download == ["http://data.test.org/datasets/1/resources/1/file.json"]
    description = re.search(r'<section class="[^"]*ecologie-resource-description".*?</section>', page, re.S)
    assert _text(description.group(0)) == "Description A JSON resource"
    # the sidebar of the dataset's other pages
    aside = _text(re.search(r"<aside .*?</aside>", page, re.S).group(0))
    assert aside == (
        "An Organization Producteur de ce jeu de données"
        " Licence Licence Ouverte / Open Licence version 1.0 Licence ouverte"
    )
    # the breadcrumb leads back through the organisation and the dataset
    crumbs = _text(re.search(r'<ol class="fr-breadcrumb__list">.*?</ol>', page, re.S).group(0))
    assert crumbs == "Accueil Organisations An Organization Dataset 1 Resource 1-1"

    # a service: "use the service"; a distribution's rights
    status, page = _page(app, first, _resource(first, "Resource 1-4"))
    assert status == 200
    assert (
        _header(page) == "Retour au jeu de données « Dataset 1 » Resource 1-4 WMS Données ouvertes Utiliser le service"
    )
    second = datasets["Dataset 2"]
    status, page = _page(app, second, _resource(second, "Resource 2-2"))
    assert status == 200
    assert _panel(page) == {
        "Format": "JSON",
        "Conditions d'accès et d'utilisation": "Rights on nested resource",
    }

    # catalog.xml's Dataset 3 is restricted (INSPIRE 13.1.e)
    third = call("package_show", id=datasets["Dataset 3"]["id"])
    secret = _resource(third, "Resource 3-1")
    address = "data.test.org/datasets/3/resources/1/file.json"
    assert third["access_rights"] == "restricted" and secret["url"] == "http://" + address
    outsider, member = factories.User(name="dehors"), factories.User(name="membre")
    call("organization_member_create", id=third["organization"]["name"], username=member["name"], role="member")
    for headers in ({}, _token(outsider)):
        status, page = _page(app, third, secret, headers)
        assert status == 200
        assert address not in page and "datasets/3/resources/1" not in page
        assert _header(page) == "Retour au jeu de données « Dataset 3 » Resource 3-1 JSON Accès restreint"
        assert "Télécharger" not in _text(_main(page))
        access = _text(re.search(r'<div id="access">(.*?)<section', page, re.S).group(1))
        assert access.startswith("Accès restreint La description de ce jeu de données est publique")
        assert access.endswith("Cette ressource est réservée aux utilisateurs habilités.")
        assert _panel(page) == {"Format": "JSON"}
    assert 'action="/dataset/dataset-3/access-request"' in page  # the outsider, logged in, may ask
    status, page = _page(app, third, secret, _token(member))
    assert status == 200
    assert re.findall(r'<a class="fr-btn [^"]*" href="([^"]+)"', _main(page)) == ["http://" + address]
    assert "Vous avez accès aux données de ce jeu." in _text(page)


def test_a_resource_view_is_shown_and_chosen_and_a_restricted_one_is_not(app) -> None:
    editor = factories.User(name="redactrice")
    organization = factories.Organization(
        title="DREAL Occitanie",
        organization_type="service-deconcentre",
        users=[{"name": editor["name"], "capacity": "editor"}],
    )
    dataset = make_dataset(
        owner_org=organization["id"],
        name="zones-humides",
        title="Zones humides",
        license_id="lov2",
        resources=[
            {"url": PICTURE, "name": "Carte des zones", "format": "PNG", "description": "La carte **régionale**."}
        ],
    )
    picture = dataset["resources"][0]
    (default_view,) = call("resource_view_list", id=picture["id"])  # image_view, a default view
    status, page = _page(app, dataset, picture)
    assert status == 200
    assert _bootstrap(page) == set()
    view = re.search(r'<section class="fr-mb-4w ecologie-resource-views".*?</section>', page, re.S).group(0)
    assert f'<img class="ecologie-resource-image" src="{PICTURE}" alt="Image : Carte des zones">' in view
    full = f"http://test.ckan.net/dataset/zones-humides/resource/{picture['id']}/view/{default_view['id']}"
    assert f'href="{full}"' in view
    assert "fr-tags-group" not in view  # one view: no choice to make
    assert app.get(full.removeprefix("http://test.ckan.net")).status_code == 200
    assert "Modifier la ressource" not in page  # a visitor does not edit
    description = re.search(r'<section class="[^"]*ecologie-resource-description".*?</section>', page, re.S)
    assert "<strong>régionale</strong>" in description.group(0)

    # a second view: the views are offered, the one asked for is shown
    legend = call(
        "resource_view_create",
        resource_id=picture["id"],
        title="Légende",
        view_type="image_view",
        image_url="https://images.example.org/legende.png",
    )
    status, page = _page(app, dataset, picture)
    tags = re.findall(r'<li><a class="fr-tag" href="([^"]+)"( aria-current="page")?>([^<]+)</a></li>', page)
    base = f"/dataset/zones-humides/resource/{picture['id']}"
    assert tags == [
        (f"{base}?view_id={default_view['id']}", ' aria-current="page"', "Image"),
        (f"{base}?view_id={legend['id']}", "", "Légende"),
    ]
    chosen = app.get(f"{base}?view_id={legend['id']}").get_data(as_text=True)
    assert 'src="https://images.example.org/legende.png" alt="Légende : Carte des zones"' in chosen
    assert app.get(f"{base}?view_id=inconnue").status_code == 404

    # the editor edits the resource and its views from the page
    status, page = _page(app, dataset, picture, _token(editor))
    links = dict(
        (text, href)
        for href, text in re.findall(r'<a class="fr-btn fr-btn--tertiary[^"]*" href="([^"]+)">([^<]+)</a>', page)
    )
    assert links == {"Modifier la ressource": f"{base}/edit", "Vues": f"{base}/views"}

    # a restricted dataset's picture: no view, no address, for an outsider
    restricted = make_dataset(
        owner_org=organization["id"],
        name="captages",
        title="Captages",
        access_rights="restricted",
        access_reason_category="h",
        resources=[{"url": SECRET, "name": "Périmètres", "format": "PNG"}],
    )
    hidden = restricted["resources"][0]
    assert len(call("resource_view_list", id=hidden["id"])) == 1
    for headers in ({}, _token(factories.User())):
        status, page = _page(app, restricted, hidden, headers)
        assert status == 200
        assert SECRET not in page and "secret.example.org" not in page
        assert "ecologie-resource-views" not in page and "<img" not in _main(page)
    status, page = _page(app, restricted, hidden, _token(editor))
    assert f'src="{SECRET}"' in page and f'href="{SECRET}"' in page
