"""The organisation pages in Chromium: the list filtered by type, an
organisation's page with its bouquets and the faceted search of its
datasets; axe-core on each page, no serious or critical violation.
Screenshots in test-artifacts/screenshots/organisation-pages/, violations in
test-artifacts/axe/organisation-pages.json."""

from __future__ import annotations

import pytest
from ckan.tests import factories
from ckan.tests.helpers import call_action
from playwright.sync_api import expect

from ckanext.ecologie.tests.browser.portal import Screenshots, axe_violations, blocking, write_report
from ckanext.ecologie.tests.helpers import make_dataset

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


def _catalogue() -> None:
    dgaln = factories.Organization(
        name="dgaln",
        title="Direction générale de l'aménagement, du logement et de la nature",
        organization_type="administration-centrale",
        image_url="",
        description="La **DGALN** conçoit les politiques du logement, de l'urbanisme et de la biodiversité.",
    )
    factories.Organization(
        name="dgpr",
        title="Direction générale de la prévention des risques",
        organization_type="administration-centrale",
        description="Les risques naturels et technologiques.",
    )
    factories.Organization(
        name="dreal-bretagne", title="DREAL Bretagne", organization_type="service-deconcentre", description=""
    )
    factories.Organization(name="ademe", title="ADEME", organization_type="operateur", description="")
    make_dataset(
        owner_org=dgaln["id"],
        name="parc-locatif",
        title="Parc locatif social",
        notes="Le répertoire des logements locatifs des bailleurs sociaux.",
        resources=[{"url": "https://example.org/rpls.csv", "format": "CSV", "name": "RPLS"}],
    )
    make_dataset(
        owner_org=dgaln["id"],
        name="dpe",
        title="Diagnostics de performance énergétique",
        notes="Les diagnostics des logements.",
        resources=[{"url": "https://example.org/dpe.json", "format": "JSON", "name": "DPE"}],
    )
    make_dataset(owner_org=dgaln["id"], name="interne", title="Inventaire interne", private=True)
    call_action(
        "package_create",
        context={"user": factories.Sysadmin()["name"]},
        type="bouquet",
        name="mieux-se-loger",
        title="Mieux se loger en ville",
        notes="Les données pour rénover les logements.",
        owner_org=dgaln["id"],
        themes=["mieux-se-loger"],
        private=False,
    )


def test_the_organisation_list_and_page_in_chromium(portal, new_context) -> None:
    _catalogue()
    portal.start()
    shots = Screenshots("organisation-pages")
    page = new_context().new_page()
    found: dict[str, list[dict]] = {}

    page.goto(portal.url + "/organization/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Organisations")
    expect(page.get_by_role("status")).to_have_text("4 organisations")
    shots.take(page, "organisation list")
    found["organisation-list"] = axe_violations(page)

    types = page.get_by_role("navigation", name="Types d'organisation")
    expect(types.get_by_role("link")).to_have_text(
        ["Administration centrale 2", "Opérateur 1", "Service déconcentré 1"]
    )
    types.get_by_role("link", name="Administration centrale 2").click()
    expect(page.get_by_role("status")).to_have_text("2 organisations")
    expect(page.locator(".ecologie-organization-card .fr-card__title")).to_have_text(
        [
            "Direction générale de l'aménagement, du logement et de la nature",
            "Direction générale de la prévention des risques",
        ]
    )
    shots.take(page, "organisation list filtered by type")
    found["organisation-list-filtered"] = axe_violations(page)

    page.get_by_role("link", name="Direction générale de l'aménagement, du logement et de la nature").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Direction générale de l'aménagement, du logement et de la nature"
    )
    expect(page.locator(".ecologie-organization-type")).to_have_text("Administration centrale")
    expect(page.locator(".ecologie-organization-figures a")).to_have_text(["2 jeux de données", "1 bouquet", "0 API"])
    expect(page.locator(".ecologie-organization-bouquets .fr-card__title")).to_have_text(["Mieux se loger en ville"])
    expect(page.get_by_text("Inventaire interne")).to_have_count(0)
    shots.take(page, "organisation page")
    found["organisation-page"] = axe_violations(page)

    facets = page.get_by_role("navigation", name="Affiner la recherche")
    facets.get_by_role("link", name="CSV").click()
    expect(page.get_by_role("status")).to_have_text("1 jeu de données trouvé")
    expect(page.locator(".ecologie-organization-datasets .fr-card__title")).to_have_text(["Parc locatif social"])
    shots.take(page, "organisation page filtered by format")
    found["organisation-page-filtered"] = axe_violations(page)

    page.get_by_role("link", name="Retirer le filtre Formats : CSV").click()
    expect(page.get_by_role("status")).to_have_text("2 jeux de données trouvés")
    page.get_by_label("Rechercher dans les jeux de données de cette organisation").fill("diagnostics")
    page.locator("#organization-search-form").get_by_role("button", name="Rechercher").click()
    expect(page.locator(".ecologie-organization-datasets .fr-card__title")).to_have_text(
        ["Diagnostics de performance énergétique"]
    )
    shots.take(page, "organisation page searched")

    report = write_report("organisation-pages", found)
    serious = {name: blocking(violations) for name, violations in found.items() if blocking(violations)}
    assert serious == {}, f"serious or critical violations (all of them in {report})"
