"""The unified search in Chromium: a visitor types a query in the header's
search box, lands on /recherche, switches to datasets, adds an organisation
filter from its facet and removes it with its tag, then looks at the APIs.
Screenshots of every step (test-artifacts/screenshots/unified-search/), and
axe-core on the page: no serious or critical violation."""

from __future__ import annotations

import re

import pytest
from ckan.tests import factories
from ckan.tests.helpers import call_action
from playwright.sync_api import expect

from ckanext.ecologie.tests.browser.portal import Screenshots, axe_violations, blocking, write_report
from ckanext.ecologie.tests.dataservices.support import make_dataservice
from ckanext.ecologie.tests.helpers import make_dataset

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


def _catalogue() -> None:
    author = factories.User(name="auteure")
    water = factories.Organization(name="eau", title="Agence de l'eau", organization_type="operateur")
    region = factories.Organization(name="dreal", title="DREAL Occitanie", organization_type="service-deconcentre")
    make_dataset(
        owner_org=water["id"],
        name="qualite-rivieres",
        title="Qualité des rivières",
        notes="Mesures de la qualité des rivières, par station.",
        themes=["masses-d-eau"],
        resources=[{"url": "https://example.org/rivieres.csv", "format": "CSV"}],
    )
    make_dataset(
        owner_org=region["id"],
        name="debits-rivieres",
        title="Débits des rivières",
        notes="Débits journaliers des rivières d'Occitanie.",
        themes=["masses-d-eau"],
        access_rights="restricted",
        access_reason_category="h",
        access_reason="Sites sensibles",
        resources=[{"url": "https://example.org/protege/debits.csv", "format": "CSV"}],
    )
    make_dataset(owner_org=region["id"], name="interne", title="Rivières : note interne", private=True)
    make_dataservice(
        region["id"],
        name="api-rivieres",
        title="API des rivières",
        notes="Hauteurs d'eau des rivières en temps réel.",
        endpoint_url="https://api.example.org/rivieres/v1/",
    )
    call_action(
        "package_create",
        context={"user": author["name"], "ignore_auth": False},
        type="bouquet",
        name="rivieres-propres",
        title="Rivières propres",
        notes="Suivre la qualité des rivières.",
        themes=["mieux-se-deplacer"],
        private=False,
    )


def test_a_visitor_searches_everything_then_narrows_and_widens(portal, new_context) -> None:
    _catalogue()
    portal.start()
    shots = Screenshots("unified-search")
    page = new_context().new_page()
    found: dict[str, list[dict]] = {}

    # The header's search box leads to the unified search.
    page.goto(portal.url + "/")
    page.fill("#site-search-input", "rivières")
    page.locator("#site-search-input").press("Enter")
    expect(page).to_have_url(re.compile(r"/recherche\?q=rivi%C3%A8res$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Rechercher dans le catalogue")
    expect(page.locator("#unified-search-count")).to_have_text("4 résultats")
    titles = page.locator(".ecologie-search-results .fr-card__title")
    expect(titles).to_have_count(4)
    assert sorted(titles.all_inner_texts()) == [
        "API des rivières",
        "Débits des rivières",
        "Qualité des rivières",
        "Rivières propres",
    ]
    expect(page.get_by_text("Rivières : note interne")).to_have_count(0)  # private: unknown
    switch = page.get_by_role("navigation", name="Type de résultat")
    assert switch.get_by_role("link").all_inner_texts() == [
        "Tous (4)",
        "Jeux de données (2)",
        "Bouquets (1)",
        "API (1)",
    ]
    shots.take(page, "everything found from the header box")
    found["all types"] = axe_violations(page)

    # Only the datasets.
    switch.get_by_role("link", name="Jeux de données (2)").click()
    expect(page).to_have_url(re.compile(r"/recherche\?q=rivi%C3%A8res&type=dataset$"))
    expect(switch.get_by_role("link", name="Jeux de données (2)")).to_have_attribute("aria-current", "page")
    expect(titles).to_have_count(2)
    shots.take(page, "datasets only")

    # An organisation filter from its facet, shown as a tag.
    page.get_by_role("button", name="Organisations").click()
    facet = page.locator('.ecologie-facet[data-field="organization"]')
    # The accordion opens with a transition: its links are hidden until it is open.
    expect(facet.get_by_role("link")).to_have_count(2)
    assert [text.split("\n")[0].strip() for text in facet.get_by_role("link").all_inner_texts()] == [
        "Agence de l'eau 1",
        "DREAL Occitanie 1",
    ]
    facet.get_by_role("link", name=re.compile("^DREAL Occitanie")).click()
    expect(page).to_have_url(re.compile(r"type=dataset&organization=dreal$"))
    tags = page.locator(".ecologie-active-filters a.fr-tag--dismiss")
    expect(tags).to_have_count(1)
    expect(tags.first).to_have_text("Organisations : DREAL Occitanie")
    expect(titles).to_have_count(1)
    expect(titles.first).to_have_text("Débits des rivières")
    expect(page.locator(".ecologie-search-results")).to_contain_text("Accès restreint")
    expect(page.locator("a.ecologie-reset")).to_have_text("Réinitialiser les filtres")
    shots.take(page, "organisation filter added")
    found["with a filter"] = axe_violations(page)

    # Its tag removes it: the query and the type stay.
    tags.first.click()
    expect(page).to_have_url(re.compile(r"/recherche\?q=rivi%C3%A8res&type=dataset$"))
    expect(tags).to_have_count(0)
    expect(titles).to_have_count(2)
    shots.take(page, "filter removed")

    # The APIs: their own card, with the endpoint's host.
    switch.get_by_role("link", name="API (1)").click()
    card = page.locator(".ecologie-dataservice-item")
    expect(card).to_have_count(1)
    expect(card.locator(".ecologie-endpoint")).to_contain_text("Point d'accès : api.example.org")
    expect(card.locator(".ecologie-type-badge")).to_have_text("API")
    shots.take(page, "the APIs")
    card.get_by_role("link", name="API des rivières").click()
    expect(page).to_have_url(re.compile(r"/dataservice/api-rivieres$"))

    # Reset: back to the query alone.
    page.go_back()
    page.locator("a.ecologie-reset").click()
    expect(page).to_have_url(re.compile(r"/recherche\?q=rivi%C3%A8res$"))
    expect(titles).to_have_count(4)
    shots.take(page, "reset")

    report = write_report("unified-search", found)
    serious = {name: blocking(violations) for name, violations in found.items() if blocking(violations)}
    assert serious == {}, f"serious or critical violations (all of them in {report})"
