"""The DSFR layout and the home page, through the app: French texts, the
figures a visitor is entitled to, navigation, pagination, breadcrumb, and
no asset from another host."""

from __future__ import annotations

import re

import ckan.plugins.toolkit as tk
import pytest
from ckan.tests import factories
from ckan.tests.helpers import call_action

from ckanext.ecologie.tests.helpers import make_dataset

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


def _bouquet(user: dict, title: str, **fields) -> dict:
    return call_action(
        "package_create",
        context={"user": user["name"], "ignore_auth": False},
        type="bouquet",
        name=re.sub(r"[^a-z]+", "-", title.lower()),
        title=title,
        **{"themes": ["mieux-se-deplacer"], "private": False, **fields},
    )


def test_the_home_page_shows_search_figures_themes_and_latest_bouquets(app) -> None:
    organization = factories.Organization()
    make_dataset(owner_org=organization["id"], themes=["bruit"])
    make_dataset(owner_org=organization["id"], themes=["bruit"])
    make_dataset(owner_org=organization["id"], access_rights="restricted")
    make_dataset(owner_org=organization["id"], private=True)  # not counted for a visitor
    owner = factories.User()
    _bouquet(owner, "Vélo au quotidien")
    _bouquet(owner, "Brouillon caché", private=True)
    page = app.get("/").body
    assert 'id="home-search-input"' in page and "Rechercher dans le catalogue" in page
    assert "Chiffres clés" in page
    figures = re.findall(r'<p class="ecologie-figure">(\d+)</p>\s*<p>([^<]+)</p>', page)
    assert figures == [("3", "jeux de données"), ("1", "organisation"), ("1", "bouquet")]
    assert "Données ouvertes : 67 % (2)" in page and "Accès restreint : 33 % (1)" in page
    assert page.count('class="ecologie-chart-') == 2  # two bars drawn: no empty segment
    assert "Nuisances, déchets et pollution" in page and "2 jeux de données" in page
    assert "Vélo au quotidien" in page and "Brouillon caché" not in page


def test_the_layout_is_the_dsfr_in_french_with_assets_of_the_portal_only(app) -> None:
    page = app.get("/dataset/").body
    assert '<html lang="fr"' in page
    assert 'class="fr-header"' in page and 'class="fr-footer"' in page and "République<br>Française" in page
    assert 'class="fr-skiplinks"' in page and 'href="#content"' in page and '<main id="content"' in page
    navigation = re.search(r'<nav class="fr-nav" id="main-navigation".*?</nav>', page, re.S).group(0)
    labels = re.findall(r'class="fr-nav__link" href="[^"]*"\s*(?:aria-current="page")?>([^<]+)<', navigation)
    assert labels == ["Accueil", "Données", "Bouquets", "Thèmes", "À propos"]
    assert 'href="/dataset/" aria-current="page">Données' in navigation
    assert 'href="/about"' in navigation
    assert 'hreflang="en"' in page and 'href="/en/dataset/"' in page
    for address in re.findall(r'<(?:link|script)[^>]+(?:href|src)="([^"]+)"', page):
        assert address.startswith(("/", tk.config["ckan.site_url"] + "/")), address
    assert re.search(r'href="/webassets/ecologie/[0-9a-f]+_dsfr.css"', page)
    assert 'type="module" src="/vendor/dsfr/dsfr.module.min.js?v=' in page


def test_the_dsfr_assets_are_served(app) -> None:
    page = app.get("/").body
    bundle = re.search(r'href="(/webassets/ecologie/[0-9a-f]+_dsfr.css)"', page).group(1)
    css = app.get(bundle).body
    font = re.search(r"url\((\.\./\.\./vendor/dsfr/fonts/Marianne-Regular\.woff2)\)", css).group(1)
    assert app.get("/" + font.replace("../", "")).status_code == 200
    script = re.search(r'src="(/vendor/dsfr/dsfr.module.min.js)\?v=', page).group(1)
    assert app.get(script).status_code == 200


def test_english_is_offered(app) -> None:
    page = app.get("/en/dataset/").body
    assert '<html lang="en"' in page and ">Data<" in page and ">About<" in page


def test_search_results_are_cards_with_badges_and_a_dsfr_pagination(app) -> None:
    organization = factories.Organization(title="DREAL Bretagne")
    make_dataset(owner_org=organization["id"], title="Captages", access_rights="restricted", themes=["masses-d-eau"])
    for number in range(21):
        make_dataset(owner_org=organization["id"], title=f"Jeu {number:02d}")
    first = app.get("/dataset/", params={"q": "", "sort": "title_string asc"}).body
    assert first.count('class="fr-card fr-card--sm fr-card--horizontal') == 20
    assert "Accès restreint" in first and "Données ouvertes" in first and ">Eau<" in first
    assert '<nav class="fr-pagination' in first
    assert re.search(r'<a class="fr-pagination__link" href="[^"]*page=1[^"]*"[^>]*aria-current="page">1</a>', first)
    assert re.search(r'href="[^"]*sort=title_string\+asc[^"]*page=2', first)  # the query is kept
    assert 'aria-disabled="true" role="link">Page précédente' in first
    second = app.get("/dataset/", params={"page": 2}).body
    assert re.search(r'aria-current="page">2</a>', second)


def test_the_breadcrumb_and_the_alerts(app) -> None:
    user = factories.User()
    bouquet = _bouquet(user, "Mobilités")
    page = app.get(f"/bouquet/{bouquet['name']}").body
    crumbs = re.search(r'<ol class="fr-breadcrumb__list">(.*?)</ol>', page, re.S).group(1)
    assert re.findall(r'class="fr-breadcrumb__link"[^>]*>([^<]+)<', crumbs) == ["Accueil", "Bouquet", "Mobilités"]
    assert 'aria-current="page">Mobilités' in crumbs
    headers = {"Authorization": factories.APIToken(user=user["name"])["token"]}
    response = app.post(
        f"/bouquet/{bouquet['name']}/items",
        data={"operation": "add", "availability": "missing", "label": "Stationnements"},
        headers=headers,
        follow_redirects=True,
    )
    assert 'class="fr-alert fr-alert--success' in response.body


def test_the_theme_index_lists_tiles_and_facets_have_titles(app) -> None:
    make_dataset(themes=["masses-d-eau"])
    body = app.get("/theme/eau").body
    for title in ("Organisations", "Formats", "Licences", "Accès"):
        assert f'<h2 class="fr-h6 fr-mb-1w">{title}</h2>' in body
