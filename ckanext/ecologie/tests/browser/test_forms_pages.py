"""Forms, listings and static pages on the DSFR, in Chromium: the login
page (a refused login answers with a DSFR alert), the password
reset page, the contact form, a delete confirmation, an organisation's
members table, the dataset listing and the about page; axe-core on each,
no serious or critical violation, and no Bootstrap class inside <main>.
Screenshots in test-artifacts/screenshots/forms-pages/, violations in
test-artifacts/axe/forms-pages.json."""

from __future__ import annotations

import pytest
from ckan.tests import factories
from playwright.sync_api import expect

from ckanext.ecologie.tests.browser.portal import Screenshots, axe_violations, blocking, write_report
from ckanext.ecologie.tests.helpers import make_dataset

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

# The classes of CKAN's Bootstrap forms and layout these pages used to have.
LEFTOVERS = (
    ".module, .module-content, .btn, .form-control, .form-group, .form-label, .controls, "
    ".row, .col-md-3, .col-md-6, .col-md-9, .table, .list-unstyled"
)


def test_forms_and_listings_in_chromium(portal, new_context) -> None:
    admin = factories.User(name="gestionnaire", fullname="Camille Gestionnaire")
    org = factories.Organization(
        name="dreal-bretagne",
        title="DREAL Bretagne",
        organization_type="service-deconcentre",
        users=[{"name": admin["name"], "capacity": "admin"}],
    )
    make_dataset(owner_org=org["id"], name="zones-humides", title="Zones humides de Bretagne")
    portal.start()
    shots = Screenshots("forms-pages")
    page = new_context().new_page()
    found: dict[str, list[dict]] = {}

    def check(name: str) -> None:
        expect(page.locator("main").locator(LEFTOVERS)).to_have_count(0)
        shots.take(page, name)
        found[name] = axe_violations(page)

    page.goto(portal.url + "/user/login")
    expect(page.get_by_role("heading", level=1)).to_have_text("Se connecter")
    expect(page.locator("#field-login")).to_have_class("fr-input")
    expect(page.locator("label[for=field-login]")).to_have_class("fr-label")
    check("login")
    page.locator("#field-login").fill("personne")
    page.locator("#field-password").fill("pas-le-bon")
    page.locator("form.ecologie-form").get_by_role("button", name="Se connecter").click()
    expect(page.locator("main .fr-alert--error")).to_have_count(1)
    expect(page.locator("#field-login")).to_have_value("")
    check("login refused")

    page.get_by_role("link", name="Mot de passe oublié ?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Réinitialiser votre mot de passe")
    expect(page.get_by_label("Adresse électronique ou nom d'utilisateur")).to_have_class("fr-input control-medium")
    expect(page.get_by_role("button", name="Demander la réinitialisation")).to_have_class("fr-btn")
    check("password reset")

    page.goto(portal.url + "/contact")
    expect(page.get_by_role("heading", level=1)).to_have_text("Écrire à l'équipe du portail")
    expect(page.locator("main .fr-input-group")).to_have_count(4)
    check("contact")

    page.goto(portal.url + "/dataset/delete/zones-humides")
    buttons = page.locator("#confirm-dataset-delete-form .fr-btn")
    expect(buttons).to_have_text(["Annuler", "Confirmer la suppression"])
    check("delete confirmation")

    page.goto(portal.url + "/organization/members/dreal-bretagne")
    table = page.locator("main .fr-table table#member-table")
    # the organisation's creator (the factory's user) and its admin
    expect(table.locator("caption")).to_have_text("2 membres")
    row = table.locator("tbody tr", has_text="Camille Gestionnaire")
    expect(row.locator("td")).to_have_text(["Camille Gestionnaire", "Administrateur"])
    check("organisation members")

    page.goto(portal.url + "/dataset/")
    expect(page.locator("#search-results")).to_have_count(1)
    expect(page.locator("main .dataset-list.fr-raw-list")).to_have_count(1)
    check("dataset listing")

    page.goto(portal.url + "/about")
    expect(page.get_by_role("heading", level=1)).to_have_text("À propos")
    check("about")

    report = write_report("forms-pages", found)
    serious = {name: blocking(violations) for name, violations in found.items() if blocking(violations)}
    assert serious == {}, f"serious or critical violations (all of them in {report})"
