"""The shared layout's pages in Chromium: a group's pages (its heading, the
sub-navigation as DSFR buttons, its members), the group list, a user's
page, the user list and a 404 error page; axe-core on each, no serious or
critical violation. Screenshots in test-artifacts/screenshots/layout-pages/,
violations in test-artifacts/axe/layout-pages.json."""

from __future__ import annotations

import pytest
from ckan.tests import factories
from ckan.tests.helpers import call_action
from playwright.sync_api import expect

from ckanext.ecologie.tests.browser.portal import Screenshots, axe_violations, blocking, write_report

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


def test_group_user_and_error_pages_in_chromium(portal, new_context) -> None:
    admin = factories.Sysadmin(name="admin-portail", fullname="Administration du portail")
    factories.User(name="agent-eau", fullname="Agent de l'eau")
    call_action(
        "group_create",
        context={"user": admin["name"]},
        name="eau-et-milieux",
        title="Eau et milieux aquatiques",
        description="Les données de **l'eau** et des milieux aquatiques en Bretagne.",
        users=[{"name": "agent-eau", "capacity": "member"}],
    )
    portal.start()
    shots = Screenshots("layout-pages")
    page = new_context().new_page()
    found: dict[str, list[dict]] = {}

    page.goto(portal.url + "/group/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Groupes")
    expect(page.locator(".ecologie-group-card .fr-card__title")).to_have_text(["Eau et milieux aquatiques"])
    shots.take(page, "group list")
    found["group-list"] = axe_violations(page)

    page.get_by_role("link", name="Eau et milieux aquatiques").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Eau et milieux aquatiques")
    subnav = page.get_by_role("navigation", name="Pages de cette rubrique")
    expect(subnav.get_by_role("link")).to_have_text(["Jeux de données", "Membres", "À propos", "Flux d’activité"])
    expect(subnav.locator("[aria-current=page]")).to_have_text("Jeux de données")
    shots.take(page, "group page")
    found["group-page"] = axe_violations(page)

    subnav.get_by_role("link", name="Membres").click()
    expect(page.locator("#member-table tbody tr")).to_have_count(2)
    expect(subnav.locator("[aria-current=page]")).to_have_text("Membres")
    shots.take(page, "group members")
    found["group-members"] = axe_violations(page)

    page.goto(portal.url + "/user/agent-eau")
    expect(page.get_by_role("heading", level=1)).to_have_text("Agent de l'eau")
    shots.take(page, "user page")
    found["user-page"] = axe_violations(page)

    page.goto(portal.url + "/group/activity/eau-et-milieux")
    expect(page.get_by_label("Type d’activité")).to_be_visible()
    shots.take(page, "group activity")
    found["group-activity"] = axe_violations(page)

    response = page.goto(portal.url + "/group/nulle-part")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page non trouvée")
    expect(page.get_by_text("Erreur 404")).to_be_visible()
    shots.take(page, "not found")
    found["not-found"] = axe_violations(page)
    page.get_by_role("link", name="Page d’accueil").click()
    expect(page).to_have_url(portal.url + "/")

    report = write_report("layout-pages", found)
    serious = {name: blocking(violations) for name, violations in found.items() if blocking(violations)}
    assert serious == {}, f"serious or critical violations (all of them in {report})"
