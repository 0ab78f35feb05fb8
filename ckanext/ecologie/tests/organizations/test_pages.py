"""The organisation pages on the DSFR, as an outsider and as a member sees
them: type, description, figures (datasets, bouquets, APIs) that count
nothing private for an outsider, bouquets, the faceted search of the
organisation's datasets, and the list of organisations filtered by type."""

from __future__ import annotations

import re

import pytest
from ckan.tests import factories
from ckan.tests.helpers import call_action

from ckanext.ecologie.tests.dataservices.support import make_dataservice
from ckanext.ecologie.tests.helpers import make_dataset

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

BOOTSTRAP = re.compile(
    r'class="(?:[^"]*\s)?'
    r'(module|btn btn-[a-z]+|nav-item|nav-tabs|col-md-\d+|media-grid|media-item|page-header)(?=[\s"])'
)
ENGLISH = ("There is no description", "Social", "Facebook", "Followers", "Datasets", "Members", "read more")


def _main(page: str) -> str:
    return re.search(r'<main id="content".*?</main>', page, re.S).group(0)


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _datasets(main: str) -> list[tuple[str, str]]:
    """(address, title) of each dataset card, in order."""
    return re.findall(r'class="fr-card__title[^"]*"><a href="(/dataset/[^"]+)">([^<]+)</a>', main)


def _get(app, url: str, user: dict | None = None, status: int = 200) -> str:
    headers = {"Authorization": factories.APIToken(user=user["name"])["token"]} if user else {}
    response = app.get(url, headers=headers, status=status)
    return response.get_data(as_text=True)


def _bouquet(organization: dict, title: str, name: str, private: bool = False) -> dict:
    return call_action(
        "package_create",
        context={"user": factories.Sysadmin()["name"]},
        type="bouquet",
        name=name,
        title=title,
        owner_org=organization["id"],
        themes=["mieux-se-deplacer"],
        private=private,
    )


@pytest.fixture
def publisher() -> dict:
    member = factories.User()
    organization = factories.Organization(
        name="dgaln",
        title="Direction générale de l'aménagement",
        organization_type="administration-centrale",
        description="La **DGALN** publie les données du logement.",
        users=[{"name": member["name"], "capacity": "admin"}],
    )
    owner = organization["id"]
    make_dataset(
        owner_org=owner,
        name="parc-locatif",
        title="Parc locatif social",
        resources=[{"url": "http://a.example/p.csv", "format": "CSV"}],
    )
    make_dataset(
        owner_org=owner,
        name="dpe-logements",
        title="Diagnostics de performance énergétique",
        resources=[{"url": "http://a.example/d.json", "format": "JSON"}],
    )
    make_dataset(owner_org=owner, name="brouillon-interne", title="Inventaire interne confidentiel", private=True)
    _bouquet(organization, "Mieux se loger en ville", "mieux-se-loger-en-ville")
    _bouquet(organization, "Bouquet en préparation", "bouquet-en-preparation", private=True)
    make_dataservice(owner)
    return {"organization": organization, "member": member}


def test_the_organisation_page_shows_type_description_figures_bouquets_and_datasets(app, publisher) -> None:
    page = _get(app, "/organization/dgaln")
    main = _main(page)
    assert re.search(r"<h1[^>]*>Direction générale de l&#39;aménagement</h1>", main)
    assert '<p class="fr-badge fr-badge--purple-glycine ecologie-organization-type">Administration centrale</p>' in main
    assert "La <strong>DGALN</strong> publie les données du logement." in main
    figures = re.search(r'<ul class="fr-tags-group ecologie-organization-figures".*?</ul>', main, re.S).group(0)
    assert re.findall(r'<a class="fr-tag" href="([^"]+)">([^<]+)</a>', figures) == [
        ("#organization-datasets", "2 jeux de données"),
        ("/bouquet/?organization=dgaln", "1 bouquet"),
        ("/dataservice/?organization=dgaln", "1 API"),
    ]
    bouquets = re.search(r'<section class="fr-mb-5w ecologie-organization-bouquets".*?</section>', main, re.S).group(0)
    assert re.findall(r'class="fr-card__title"><a href="([^"]+)">([^<]+)</a>', bouquets) == [
        ("/bouquet/mieux-se-loger-en-ville", "Mieux se loger en ville")
    ]
    cards = _datasets(main)
    assert sorted(cards) == [
        ("/dataset/dpe-logements", "Diagnostics de performance énergétique"),
        ("/dataset/parc-locatif", "Parc locatif social"),
    ]
    assert "2 jeux de données trouvés" in main
    for hidden in ("Inventaire interne confidentiel", "brouillon-interne", "Bouquet en préparation"):
        assert hidden not in page
    text = _text(main)
    for english in ENGLISH:
        assert english not in text, english
    assert BOOTSTRAP.findall(main) == []
    assert 'class="fr-tag"' in main and "Gérer" not in text  # no management link for an outsider


def test_a_member_sees_the_private_dataset_and_the_draft_bouquet_in_the_figures(app, publisher) -> None:
    main = _main(_get(app, "/organization/dgaln", publisher["member"]))
    figures = _text(re.search(r'<ul class="fr-tags-group ecologie-organization-figures".*?</ul>', main, re.S).group(0))
    assert figures == "3 jeux de données 2 bouquets 1 API"
    assert "Inventaire interne confidentiel" in main and "Bouquet en préparation" in main
    assert "3 jeux de données trouvés" in main
    assert (
        '<a class="fr-btn fr-btn--secondary fr-icon-settings-5-line fr-btn--icon-left" '
        'href="/organization/edit/dgaln">Gérer</a>' in main
    )


def test_the_facets_filter_the_datasets_and_each_filter_can_be_removed(app, publisher) -> None:
    main = _main(_get(app, "/organization/dgaln?res_format=CSV"))
    assert [title for _, title in _datasets(main)] == ["Parc locatif social"]
    assert "1 jeu de données trouvé" in main
    tag = re.search(r'<a class="fr-tag fr-tag--dismiss" href="([^"]+)" aria-label="([^"]+)">([^<]+)</a>', main)
    assert tag.groups() == ("/organization/dgaln", "Retirer le filtre Formats : CSV", "Formats : CSV")
    assert '<input type="hidden" name="res_format" value="CSV">' in main  # a new search keeps the filter
    facets = re.search(r'<nav class="ecologie-organization-facets".*?</nav>', main, re.S).group(0)
    assert "Types d&#39;organisation" not in facets and ">Organisations<" not in facets  # its own facets
    formats = re.search(r"<h4[^>]*>Formats</h4>.*?</ul>", facets, re.S).group(0)
    links = re.findall(r'href="([^"]+)"[^>]*>(\w+) <span class="fr-badge[^"]*">(\d+)</span>', formats)
    assert links == [("/organization/dgaln", "CSV", "1")]  # the active one removes itself
    unfiltered = _main(_get(app, "/organization/dgaln"))
    formats = re.search(r"<h4[^>]*>Formats</h4>.*?</ul>", unfiltered, re.S).group(0)
    assert sorted(re.findall(r'href="([^"]+)"[^>]*>(\w+) <span', formats)) == [
        ("/organization/dgaln?res_format=CSV", "CSV"),
        ("/organization/dgaln?res_format=JSON", "JSON"),
    ]
    nothing = _main(_get(app, "/organization/dgaln?q=introuvable"))
    assert "0 jeu de données trouvé" in nothing
    assert "Aucun jeu de données de cette organisation ne correspond à cette recherche." in nothing


@pytest.mark.ckan_config("ckan.datasets_per_page", 1)
def test_the_organisation_datasets_are_paged(app, publisher) -> None:
    first = _main(_get(app, "/organization/dgaln?sort=title_string+asc"))
    assert [title for _, title in _datasets(first)] == ["Diagnostics de performance énergétique"]
    assert 'href="/organization/dgaln?sort=title_string+asc&amp;page=2"' in first
    second = _main(_get(app, "/organization/dgaln?sort=title_string+asc&page=2"))
    assert [title for _, title in _datasets(second)] == ["Parc locatif social"]


def test_an_organisation_without_description_says_nothing_of_it(app) -> None:
    factories.Organization(name="sans-mots", title="Service muet", description="")
    main = _main(_get(app, "/organization/sans-mots"))
    text = _text(main)
    assert "ecologie-organization-description" not in main
    assert "description" not in text.lower()
    assert "Cette organisation ne publie encore aucun jeu de données." in text
    assert "0 jeu de données 0 bouquet 0 API" in text
    assert "ecologie-organization-type" not in main  # no type, no badge
    about = _main(_get(app, "/organization/about/sans-mots"))
    assert "description" not in _text(about).lower() and BOOTSTRAP.findall(about) == []


@pytest.fixture
def directory() -> dict:
    organizations = {
        "dgaln": factories.Organization(name="dgaln", title="DGALN", organization_type="administration-centrale"),
        "dgprm": factories.Organization(name="dgprm", title="DGPR", organization_type="administration-centrale"),
        "dreal": factories.Organization(name="dreal", title="DREAL Bretagne", organization_type="service-deconcentre"),
        "ademe": factories.Organization(name="ademe", title="ADEME", organization_type="operateur"),
        "eau": factories.Organization(name="eau", title="Eau et rivières", organization_type="association"),
        "inconnue": factories.Organization(name="inconnue", title="Sans type"),
    }
    make_dataset(owner_org=organizations["dgaln"]["id"])
    make_dataset(owner_org=organizations["dgaln"]["id"], private=True)
    return organizations


def _cards(main: str) -> list[tuple[str, str, str]]:
    """(name, type, count) of each organisation card, in order."""
    cards = re.findall(
        r'<div class="fr-card fr-card--sm fr-enlarge-link ecologie-organization-card">.*?</p>\s*</div>', main, re.S
    )
    found = []
    for card in cards:
        name = re.search(r'<a href="/organization/([^"]+)">', card).group(1)
        badge = re.search(r'ecologie-organization-type">([^<]+)<', card)
        count = re.search(r'ecologie-organization-count">([^<]+)<', card).group(1)
        found.append((name, badge.group(1) if badge else "", count))
    return found


def _types(main: str) -> list[tuple[str, str, str]]:
    facet = re.search(r'<nav class="ecologie-organization-types".*?</nav>', main, re.S).group(0)
    return re.findall(r'<a class="[^"]*" href="([^"]+)"[^>]*>([^<]+) <span class="fr-badge[^"]*">(\d+)</span>', facet)


def test_the_organisation_list_shows_cards_and_types_with_counts_in_french_order(app, directory) -> None:
    main = _main(_get(app, "/organization/"))
    assert _cards(main) == [
        ("ademe", "Opérateur", "0 jeu de données"),
        ("dgaln", "Administration centrale", "1 jeu de données"),  # the private one is not counted
        ("dgprm", "Administration centrale", "0 jeu de données"),
        ("dreal", "Service déconcentré", "0 jeu de données"),
        ("eau", "Association", "0 jeu de données"),
        ("inconnue", "", "0 jeu de données"),
    ]
    assert _types(main) == [
        ("/organization/?organization_type=administration-centrale", "Administration centrale", "2"),
        ("/organization/?organization_type=association", "Association", "1"),
        ("/organization/?organization_type=operateur", "Opérateur", "1"),
        ("/organization/?organization_type=service-deconcentre", "Service déconcentré", "1"),
    ]
    assert "6 organisations" in main
    assert BOOTSTRAP.findall(main) == []
    for english in ("Organizations", "Datasets", "Members", "0 Datasets"):
        assert english not in _text(main), english


def test_the_organisation_list_filtered_by_type_shows_only_that_type(app, directory) -> None:
    main = _main(_get(app, "/organization/?organization_type=administration-centrale"))
    assert _cards(main) == [
        ("dgaln", "Administration centrale", "1 jeu de données"),
        ("dgprm", "Administration centrale", "0 jeu de données"),
    ]
    assert "2 organisations" in main
    types = _types(main)
    assert types[0] == ("/organization/", "Administration centrale", "2")  # active: removes itself
    assert [label for _, label, _ in types] == [
        "Administration centrale",
        "Association",
        "Opérateur",
        "Service déconcentré",
    ]
    tag = re.search(r'<a class="fr-tag fr-tag--dismiss" href="([^"]+)"[^>]*>([^<]+)</a>', main)
    assert tag.groups() == ("/organization/", "Type d'organisation : Administration centrale")
    assert '<input type="hidden" name="organization_type" value="administration-centrale">' in main
    # the search narrows the types' counts too
    searched = _main(_get(app, "/organization/?q=DGALN&organization_type=administration-centrale"))
    assert _cards(searched) == [("dgaln", "Administration centrale", "1 jeu de données")]
    assert _types(searched) == [("/organization/?q=DGALN", "Administration centrale", "1")]
    # an unknown type is no filter
    assert len(_cards(_main(_get(app, "/organization/?organization_type=ministere")))) == 6


def test_the_type_links_keep_only_the_lists_own_parameters(app, directory) -> None:
    """Parameters of the address never reach url_for as keywords: a
    `controller` naming another host, or `_scheme`, change no link and break
    nothing."""
    main = _main(_get(app, "/organization/?q=DGALN&controller=//evil.example/a&action=b&_scheme=x&endpoint=y"))
    assert "evil.example" not in main
    assert _types(main) == [
        ("/organization/?q=DGALN&amp;organization_type=administration-centrale", "Administration centrale", "1")
    ]


def test_the_most_datasets_order_counts_only_what_the_visitor_may_see(app, directory) -> None:
    """Core orders by every dataset, private ones too, and drops the
    organisations with none: the order would tell an outsider who holds
    private data. Ours is the visitor's own count, every organisation kept."""
    main = _main(_get(app, "/organization/?sort=package_count+desc"))
    assert [name for name, _, _ in _cards(main)] == ["dgaln", "ademe", "dgprm", "dreal", "eau", "inconnue"]


@pytest.mark.ckan_config("ckan.datasets_per_page", 1)
def test_the_organisation_list_filtered_by_type_keeps_its_filter_when_paged(app, directory) -> None:
    first = _main(_get(app, "/organization/?organization_type=administration-centrale"))
    assert _cards(first) == [("dgaln", "Administration centrale", "1 jeu de données")]
    assert 'href="/organization/?organization_type=administration-centrale&amp;page=2"' in first
    second = _main(_get(app, "/organization/?organization_type=administration-centrale&page=2"))
    assert _cards(second) == [("dgprm", "Administration centrale", "0 jeu de données")]
    assert "2 organisations" in second
