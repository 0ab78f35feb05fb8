"""/recherche: one search over datasets, bouquets and APIs, through the app as
a visitor: each type found, the type switch and its counts, removable
filters, the reset link, labels sorted the French way, restricted data
without its resource addresses and private data unknown to outsiders."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from ckan.tests import factories
from ckan.tests.helpers import call_action

from ckanext.ecologie.tests.dataservices.support import make_dataservice
from ckanext.ecologie.tests.helpers import make_dataset

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

SECRET_FILE = "https://example.org/protege/captages-4b1e7d.csv"
SECRET_ENDPOINT = "https://interne-9c2f.example.org/api/v1/"


def _world() -> dict[str, Any]:
    member = factories.User(name="agente-eau")
    water = factories.Organization(
        name="eau",
        title="Eau",
        organization_type="administration-centrale",
        users=[{"name": member["name"], "capacity": "editor"}],
    )
    energy = factories.Organization(name="energie", title="Énergie", organization_type="operateur")
    environment = factories.Organization(
        name="environnement",
        title="Environnement",
        organization_type="operateur",
        users=[{"name": member["name"], "capacity": "member"}],
    )
    make_dataset(
        owner_org=water["id"],
        name="qualite-rivieres",
        title="Qualité des rivières",
        themes=["masses-d-eau"],
        resources=[{"url": "https://example.org/rivieres.csv", "format": "CSV"}],
    )
    make_dataset(
        owner_org=water["id"],
        name="captages",
        title="Captages d'eau potable",
        access_rights="restricted",
        access_reason_category="h",
        access_reason="Protection des captages",
        resources=[{"url": SECRET_FILE, "format": "CSV", "name": "Zones de captage"}],
    )
    make_dataset(owner_org=water["id"], name="dossier-interne", title="Dossier interne des rivières", private=True)
    make_dataset(
        owner_org=energy["id"],
        name="reseau-electrique",
        title="Réseau électrique",
        resources=[{"url": "https://example.org/reseau.geojson", "format": "GeoJSON"}],
    )
    make_dataservice(environment["id"])  # "API de la qualité de l'air", at api.example.org
    make_dataservice(
        environment["id"],
        name="api-especes-protegees",
        title="API des espèces protégées",
        endpoint_url=SECRET_ENDPOINT,
        endpoint_description=None,
        access_rights="restricted",
        access_reason_category="h",
        access_reason="Localisation d'espèces protégées",
    )
    call_action(
        "package_create",
        context={"user": member["name"], "ignore_auth": False},
        type="bouquet",
        name="rivieres-propres",
        title="Rivières propres",
        notes="Suivre la qualité des rivières.",
        themes=["mieux-se-deplacer"],
        owner_org=water["id"],
        private=False,
    )
    return {"member": member}


def _page(app, query: str = "", **headers: str) -> str:
    response = app.get(f"/recherche{query}", headers=headers)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _types(page: str) -> list[tuple[str, str, str]]:
    """The type switch: (label with count, address, current or not)."""
    switch = re.search(r'<nav class="ecologie-type-switch.*?</nav>', page, re.S).group(0)
    return [
        (label, html.unescape(href), "current" if current else "")
        for href, current, label in re.findall(
            r'<a class="fr-btn[^"]*" href="([^"]*)"( aria-current="page")? data-type="[^"]*">([^<]+)</a>', switch
        )
    ]


def _titles(page: str) -> list[str]:
    return [
        html.unescape(title) for title in re.findall(r'<h2 class="fr-card__title fr-h5"><a [^>]*>([^<]+)</a>', page)
    ]


def _facet(page: str, field: str) -> list[tuple[str, str, str]]:
    """A facet's items: (label, count, address), in the order shown."""
    section = re.search(rf'<section class="fr-accordion ecologie-facet" data-field="{field}">.*?</section>', page, re.S)
    return [
        (html.unescape(label.strip()), count, html.unescape(href))
        for href, label, count in re.findall(
            r'<a class="fr-link fr-link--sm[^"]*" href="([^"]*)"[^>]*>([^<]+)<span class="fr-badge[^"]*">(\d+)</span>',
            section.group(0),
        )
    ]


def _card(page: str, title: str) -> str:
    """The result card of that title."""
    cards = re.split(r'(?=<li class="dataset-item )', page.split("ecologie-search-results", 1)[1])
    (card,) = [card for card in cards if f">{title}</a></h2>" in html.unescape(card)]
    return card


def _endpoint(card: str) -> str:
    text = re.search(r'<p class="fr-card__detail ecologie-endpoint">(.*?)</p>', card, re.S).group(1)
    return " ".join(html.unescape(text).split())


def _active(page: str) -> list[tuple[str, str]]:
    """The active filters' tags: (text, address that removes it)."""
    return [
        (html.unescape(text), html.unescape(href))
        for href, text in re.findall(r'<a class="fr-tag fr-tag--dismiss" href="([^"]*)"[^>]*>([^<]+)</a>', page)
    ]


def test_each_type_is_found_with_its_card_and_the_switch_counts(app) -> None:
    _world()
    page = _page(app)
    assert _types(page) == [
        ("Tous (6)", "/recherche", "current"),
        ("Jeux de données (3)", "/recherche?type=dataset", ""),
        ("Bouquets (1)", "/recherche?type=bouquet", ""),
        ("API (2)", "/recherche?type=dataservice", ""),
    ]
    assert sorted(_titles(page)) == [
        "API de la qualité de l'air",
        "API des espèces protégées",
        "Captages d'eau potable",
        "Qualité des rivières",
        "Rivières propres",
        "Réseau électrique",
    ]
    assert "6 résultats" in page
    # each type has its card, its badge and its own page
    assert 'href="/dataset/qualite-rivieres">Qualité des rivières</a>' in page
    assert 'href="/bouquet/rivieres-propres">Rivières propres</a>' in page
    assert 'href="/dataservice/api-qualite-air">API de la qualité de l&#39;air</a>' in page
    badges = re.findall(r'<p class="fr-badge[^"]*ecologie-type-badge">([^<]+)</p>', page)
    assert sorted(badges) == ["API", "API", "Bouquet", "Jeu de données", "Jeu de données", "Jeu de données"]

    apis = _page(app, "?type=dataservice")
    assert sorted(_titles(apis)) == ["API de la qualité de l'air", "API des espèces protégées"]
    # the switch keeps every type's count, whichever is chosen
    assert [label for label, _, _ in _types(apis)] == ["Tous (6)", "Jeux de données (3)", "Bouquets (1)", "API (2)"]
    assert [current for _, _, current in _types(apis)] == ["", "", "", "current"]
    card = _card(apis, "API de la qualité de l'air")
    assert 'href="/dataservice/api-qualite-air"' in card
    assert _endpoint(card) == "Point d'accès : api.example.org · Environnement"
    assert re.findall(r'<p class="fr-badge[^"]*">([^<]+)</p>', card) == ["API", "Données ouvertes"]

    bouquets = _page(app, "?type=bouquet&q=rivi%C3%A8res")
    assert _titles(bouquets) == ["Rivières propres"]
    assert [label for label, _, _ in _types(bouquets)] == [
        "Tous (2)",  # the query counts too: one dataset (the other is private) and the bouquet
        "Jeux de données (1)",
        "Bouquets (1)",
        "API (0)",
    ]


def test_a_filter_is_removed_alone_and_the_reset_link_drops_them_all(app) -> None:
    _world()
    page = _page(app, "?type=dataset&organization=eau&res_format=CSV&sort=title_string+asc&q=eau")
    assert _titles(page) == ["Captages d'eau potable", "Qualité des rivières"]  # "eau" is the organisation too
    assert _active(page) == [
        ("Organisations : Eau", "/recherche?q=eau&type=dataset&res_format=CSV&sort=title_string+asc"),
        ("Formats : CSV", "/recherche?q=eau&type=dataset&organization=eau&sort=title_string+asc"),
    ]
    reset = re.search(r'<a class="fr-link[^"]*ecologie-reset" href="([^"]*)">([^<]+)</a>', page)
    assert (html.unescape(reset.group(1)), reset.group(2)) == ("/recherche?q=eau", "Réinitialiser les filtres")

    # the organisation's tag drops that filter only: the query, type, format and sort stay
    without_organization = _page(app, _active(page)[0][1].removeprefix("/recherche"))
    assert _active(without_organization) == [("Formats : CSV", "/recherche?q=eau&type=dataset&sort=title_string+asc")]
    assert _titles(without_organization) == ["Captages d'eau potable", "Qualité des rivières"]

    # an active facet value removes its filter, another adds its own to those there
    assert _facet(page, "res_format") == [
        ("CSV", "2", "/recherche?q=eau&type=dataset&organization=eau&sort=title_string+asc")
    ]
    by_type = _facet(page, "vocab_organization_type")
    assert by_type == [
        (
            "Administration centrale",
            "2",
            "/recherche?q=eau&type=dataset&organization=eau&res_format=CSV&vocab_organization_type=administration-centrale&sort=title_string+asc",
        )
    ]
    everything = _page(app, "?type=dataset")
    assert ("GeoJSON", "1", "/recherche?type=dataset&res_format=GeoJSON") in _facet(everything, "res_format")
    geojson = _page(app, "?type=dataset&res_format=GeoJSON")
    assert _titles(geojson) == ["Réseau électrique"]
    assert _active(geojson) == [("Formats : GeoJSON", "/recherche?type=dataset")]

    # the reset link leaves the query alone, with no type and no filter
    reset_page = _page(app, "?q=eau")
    assert _active(reset_page) == [] and "ecologie-reset" not in reset_page
    assert sorted(_titles(reset_page)) == ["Captages d'eau potable", "Qualité des rivières", "Rivières propres"]


def test_an_unknown_filter_field_or_type_is_ignored(app) -> None:
    _world()
    page = _page(app, "?type=harvest&private=true&capacity=private&sort=foo")
    assert [current for _, _, current in _types(page)] == ["current", "", "", ""]
    assert "6 résultats" in page and _active(page) == []


def test_facet_labels_are_sorted_the_french_way(app) -> None:
    _world()
    organizations = [label for label, _, _ in _facet(_page(app), "organization")]
    assert organizations == ["Eau", "Énergie", "Environnement"]  # not "Eau", "Environnement", "Énergie"
    types = [label for label, _, _ in _facet(_page(app), "vocab_organization_type")]
    assert types == ["Administration centrale", "Opérateur"]
    access = [(label, count) for label, count, _ in _facet(_page(app), "vocab_access_rights")]
    assert access == [("Accès restreint", "2"), ("Données ouvertes", "4")]


def test_restricted_data_is_found_with_its_metadata_but_no_resource_or_endpoint_address(app) -> None:
    world = _world()
    page = _page(app, "?q=captages")
    assert _titles(page) == ["Captages d'eau potable"]
    assert "Accès restreint" in page and "CSV" in page
    assert "captages-4b1e7d" not in page
    apis = _page(app, "?type=dataservice&vocab_access_rights=restricted")
    assert _titles(apis) == ["API des espèces protégées"]
    assert _endpoint(_card(apis, "API des espèces protégées")) == (
        "Point d'accès réservé aux personnes autorisées · Environnement"
    )
    assert "interne-9c2f" not in apis
    # a member of the organisation sees the endpoint's host
    token = factories.APIToken(user=world["member"]["name"])["token"]
    member_page = _page(app, "?type=dataservice&vocab_access_rights=restricted", Authorization=token)
    assert _endpoint(_card(member_page, "API des espèces protégées")) == (
        "Point d'accès : interne-9c2f.example.org · Environnement"
    )


def test_a_private_dataset_is_unknown_to_outsiders_and_found_by_its_organisation(app) -> None:
    world = _world()
    outsider = factories.User()
    for headers in ({}, {"Authorization": factories.APIToken(user=outsider["name"])["token"]}):
        page = _page(app, "?q=rivi%C3%A8res", **headers)
        assert "Dossier interne" not in page and "dossier-interne" not in page
        assert sorted(_titles(page)) == ["Qualité des rivières", "Rivières propres"]
        assert _types(page)[1][0] == "Jeux de données (1)"
    token = factories.APIToken(user=world["member"]["name"])["token"]
    member_page = _page(app, "?q=rivi%C3%A8res", Authorization=token)
    assert sorted(_titles(member_page)) == ["Dossier interne des rivières", "Qualité des rivières", "Rivières propres"]
    assert _types(member_page)[1][0] == "Jeux de données (2)"


def test_the_header_and_home_search_boxes_lead_to_the_unified_search(app) -> None:
    home = _page(app)  # the search page has the header too
    assert re.search(r'<form class="fr-search-bar" id="site-search"[^>]*action="/recherche"', home)
    front = app.get("/").get_data(as_text=True)
    assert re.search(r'<form class="fr-search-bar fr-search-bar--lg" id="home-search"[^>]*action="/recherche"', front)
    assert '<html lang="fr"' in home and "<h1>Rechercher dans le catalogue</h1>" in home


def test_the_pages_of_results(app) -> None:
    organization = factories.Organization()
    for number in range(23):
        make_dataset(owner_org=organization["id"], title=f"Jeu {number:02d}")
    first = _page(app, "?sort=title_string+asc")
    assert _titles(first) == [f"Jeu {number:02d}" for number in range(20)]
    assert re.search(r'href="/recherche\?sort=title_string\+asc&amp;page=2"[^>]*>2</a>', first)
    second = _page(app, "?sort=title_string+asc&page=2")
    assert _titles(second) == ["Jeu 20", "Jeu 21", "Jeu 22"]
    assert re.search(r'aria-current="page">2</a>', second)


def test_no_bootstrap_markup_in_the_page_body(app) -> None:
    _world()
    page = _page(app, "?type=dataset&organization=eau")
    body = re.search(r'<main id="content".*?</main>', page, re.S).group(0)
    for leftover in (r'class="module', r"\bbtn btn-", r"\bnav-item", r"(?<![\w-])col-md-", r'class="row'):
        assert not re.search(leftover, body), leftover
