"""The portal's universe: a config change changes what searches show,
without touching any dataset; `ext_universe=all` shows the whole catalogue."""

from __future__ import annotations

import pytest
from ckan import model
from ckan.tests import factories
from ckan.tests.helpers import call_action

from ckanext.ecologie.tests.helpers import make_dataset

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


@pytest.fixture
def catalogue() -> dict[str, dict]:
    ministry = factories.Organization(name="ministere", organization_type="administration-centrale")
    association = factories.Organization(name="association-nature", organization_type="association")
    return {
        "themed": make_dataset(owner_org=ministry["id"], themes=["eau"]),
        "plain": make_dataset(owner_org=ministry["id"]),
        "association": make_dataset(owner_org=association["id"], themes=["bruit"]),
    }


def _ids(**params) -> set[str]:
    return {dataset["id"] for dataset in call_action("package_search", rows=100, **params)["results"]}


def _modified() -> dict[str, str]:
    return dict(model.Session.query(model.Package.id, model.Package.metadata_modified).all())


def test_everything_is_in_the_universe_by_default(catalogue) -> None:
    assert _ids() == {dataset["id"] for dataset in catalogue.values()}


@pytest.mark.ckan_config("ckanext.ecologie.universe.require_themes", "true")
def test_datasets_without_theme_leave_the_portal_not_the_database(app, catalogue) -> None:
    before = _modified()
    assert _ids() == {catalogue["themed"]["id"], catalogue["association"]["id"]}
    assert _ids(ext_universe="all") == {dataset["id"] for dataset in catalogue.values()}
    assert call_action("package_show", id=catalogue["plain"]["id"])["id"] == catalogue["plain"]["id"]
    page = app.get("/dataset/").body
    assert catalogue["themed"]["title"] in page and catalogue["plain"]["title"] not in page
    api = app.get("/api/3/action/package_search", params={"ext_universe": "all"}).json["result"]
    assert api["count"] == 3
    assert _modified() == before


@pytest.mark.ckan_config("ckanext.ecologie.universe.organizations", "association-nature")
def test_universe_of_listed_organisations(catalogue) -> None:
    assert _ids() == {catalogue["association"]["id"]}


@pytest.mark.ckan_config("ckanext.ecologie.universe.organization_types", "administration-centrale")
def test_universe_of_organisation_types(catalogue) -> None:
    assert _ids() == {catalogue["themed"]["id"], catalogue["plain"]["id"]}


@pytest.mark.ckan_config("ckanext.ecologie.universe.require_themes", "true")
def test_the_universe_applies_to_datasets_only(catalogue) -> None:
    org = factories.Organization()
    source = call_action(
        "harvest_source_create",
        context={"user": factories.Sysadmin()["name"]},
        name="source-hors-univers",
        url="http://127.0.0.1:9/catalogue.ttl",
        source_type="dcat_rdf",
        owner_org=org["id"],
    )
    found = call_action("package_search", fq="dataset_type:harvest", include_private=True)
    assert [item["id"] for item in found["results"]] == [source["id"]]
