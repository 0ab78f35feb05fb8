"""The shared layout, the error pages, and the group, user and activity pages
on the DSFR, as an anonymous visitor sees them: the sub-navigation as DSFR
buttons with the current page marked, the error page's French title, code,
CKAN's message and way home, groups as cards, and no Bootstrap layout."""

from __future__ import annotations

import re
from html import unescape

import pytest
from ckan.tests import factories
from ckan.tests.helpers import call_action

from ckanext.ecologie.ui.layout import subnav_items

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

BOOTSTRAP = re.compile(
    r'class="(?:[^"]*\s)?(row|module|module-content|btn|btn-[a-z]+|nav|nav-item|nav-tabs|col-md-\d+|col-12'
    r"|media-grid|media-item|page-header|context-info|form-select|form-label|table)(?=[\s\"])"
)


def _main(page: str) -> str:
    return re.search(r'<main id="content".*?</main>', page, re.S).group(0)


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


SUBNAV_LINK = re.compile(r'<a class="fr-btn fr-btn--sm[^"]*" href="([^"]+)"([^>]*)>([^<]+)</a>')


def _subnav(main: str) -> list[tuple[str, str, bool]]:
    """(address, label, current) of each link of the layout's sub-navigation."""
    nav = re.search(r'<nav class="ecologie-subnav".*?</nav>', main, re.S).group(0)
    return [
        (href.replace("&amp;", "&"), label.strip(), "aria-current" in attrs)
        for href, attrs, label in SUBNAV_LINK.findall(nav)
    ]


def test_the_sub_navigation_reads_cores_items() -> None:
    html = (
        '<li class="active"><a href="/group/eau"><i class="fa fa-sitemap"></i> Jeux de données</a></li>\n'
        '<li><a href="/group/members/eau" title="x"><i class="fa fa-users"></i>Membres</a></li>'
        '<li><a href="/group/about/eau"></a></li>'
    )
    assert subnav_items(html) == [
        {"url": "/group/eau", "label": "Jeux de données", "active": True},
        {"url": "/group/members/eau", "label": "Membres", "active": False},
    ]
    assert subnav_items("") == []


@pytest.fixture
def group() -> dict:
    admin = factories.Sysadmin()
    member = factories.User(name="agent-eau", fullname="Agent de l'eau")
    group = call_action(
        "group_create",
        context={"user": admin["name"]},
        name="eau-et-milieux",
        title="Eau et milieux aquatiques",
        description="Les données de **l'eau** en Bretagne.",
        users=[{"name": member["name"], "capacity": "admin"}],
    )
    return group


def test_a_group_page_on_the_dsfr(app, group) -> None:
    main = _main(app.get("/group/eau-et-milieux", status=200).get_data(as_text=True))
    assert BOOTSTRAP.findall(main) == []
    assert re.search(r'<h1 class="fr-mb-2w" id="group-info-title">Eau et milieux aquatiques</h1>', main)
    assert _subnav(main) == [
        ("/group/eau-et-milieux", "Jeux de données", True),
        ("/group/members/eau-et-milieux", "Membres", False),
        ("/group/about/eau-et-milieux", "À propos", False),
        ("/group/activity/eau-et-milieux?offset=0", "Flux d’activité", False),
    ]
    assert "0 jeu de données" in _text(main)
    assert 'id="group-search-form"' in main

    members = _main(app.get("/group/members/eau-et-milieux", status=200).get_data(as_text=True))
    assert BOOTSTRAP.findall(members) == []
    assert re.search(r'<div class="fr-table [^"]*ecologie-members">', members)
    assert '<table id="member-table">' in members
    assert re.search(r"<caption>(\d+) membres?</caption>", members).group(1) == "2"  # the agent and the creator
    assert "Agent de l'eau" in unescape(_text(members))
    assert [item[2] for item in _subnav(members)] == [False, True, False, False]

    about = _main(app.get("/group/about/eau-et-milieux", status=200).get_data(as_text=True))
    assert BOOTSTRAP.findall(about) == []
    assert "<strong>l'eau</strong>" in about or "<strong>l&#39;eau</strong>" in about


def test_the_group_list_shows_cards(app, group) -> None:
    main = _main(app.get("/group/", status=200).get_data(as_text=True))
    assert BOOTSTRAP.findall(main) == []
    assert re.findall(r'<h2 class="fr-card__title fr-h5"><a href="([^"]+)">([^<]+)</a>', main) == [
        ("/group/eau-et-milieux", "Eau et milieux aquatiques")
    ]
    assert "1 groupe" in _text(main)
    assert "2 membres" in _text(main)  # the sysadmin who created it and the agent


def test_a_user_page_on_the_dsfr(app, group) -> None:
    pages = ("/user/agent-eau", "/user/agent-eau/groups", "/user/agent-eau/organizations", "/user/activity/agent-eau")
    for url in pages:
        main = _main(app.get(url, status=200).get_data(as_text=True))
        assert BOOTSTRAP.findall(main) == [], url
        assert '<h1 class="fr-mb-2w" id="user-info-title">' in main, url
        assert [label for _, label, _ in _subnav(main)] == [
            "Jeux de données",
            "Organisations",
            "Groupes",
            "Flux d’activité",
        ], url
        assert sum(active for *_, active in _subnav(main)) == 1, url
    # core lists a user's groups as the logged-in visitor is allowed to see them: the agent sees theirs
    token = factories.APIToken(user="agent-eau")["token"]
    groups = _main(
        app.get("/user/agent-eau/groups", headers={"Authorization": token}, status=200).get_data(as_text=True)
    )
    assert BOOTSTRAP.findall(groups) == []
    assert re.findall(r'<h2 class="fr-card__title fr-h5"><a href="([^"]+)">', groups) == ["/group/eau-et-milieux"]
    users = _main(app.get("/user/", status=200).get_data(as_text=True))
    assert BOOTSTRAP.findall(users) == []
    assert 'id="user-search-form"' in users and 'id="field-user-search"' in users


def test_an_activity_stream_filter_on_the_dsfr(app, group) -> None:
    main = _main(app.get("/group/activity/eau-et-milieux", status=200).get_data(as_text=True))
    assert BOOTSTRAP.findall(main) == []
    assert '<select id="activity_types_filter_select" class="fr-select">' in main
    assert 'hx-target="closest .ecologie-activity-stream" hx-swap="outerHTML"' in main
    assert main.count('class="ecologie-activity-stream"') == 1


def test_the_error_page_on_the_dsfr(app) -> None:
    response = app.get("/group/absent-de-partout", status=404)
    main = _main(response.get_data(as_text=True))
    assert BOOTSTRAP.findall(main) == []
    assert "<h1>Page non trouvée</h1>" in main
    assert "Erreur 404" in main
    assert 'id="error-content"' in main
    assert re.search(r'<a class="fr-btn" href="/">Page d’accueil</a>', main)

    refused = app.get("/group/edit/absent-de-partout", status=None)
    assert refused.status_code in (403, 404)
    refused_main = _main(refused.get_data(as_text=True))
    assert BOOTSTRAP.findall(refused_main) == []
    if refused.status_code == 403:
        assert "<h1>Accès refusé</h1>" in refused_main
        assert 'href="/user/login"' in refused_main
