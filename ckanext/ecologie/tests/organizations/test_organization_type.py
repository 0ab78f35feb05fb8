"""Organisation types: validated, shown, kept with other extras, faceted."""

from __future__ import annotations

import ckan.plugins.toolkit as tk
import pytest
from ckan.tests import factories
from ckan.tests.helpers import call_action

from ckanext.ecologie.tests.helpers import make_dataset

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


def _types_facet() -> dict[str, int]:
    result = call_action("package_search", **{"facet.field": ["vocab_organization_type"], "rows": 0})
    return result["facets"]["vocab_organization_type"]


def test_type_is_stored_and_shown() -> None:
    org = factories.Organization(organization_type="operateur")
    assert call_action("organization_show", id=org["id"])["organization_type"] == "operateur"


def test_an_unknown_type_is_refused_naming_the_field() -> None:
    with pytest.raises(tk.ValidationError) as raised:
        factories.Organization(name="org-refusee", organization_type="ministere")
    assert "organization_type" in raised.value.error_dict
    with pytest.raises(tk.ObjectNotFound):
        call_action("organization_show", id="org-refusee")


def test_updating_the_type_keeps_other_extras_and_a_bad_update_changes_nothing() -> None:
    sysadmin = {"user": factories.Sysadmin()["name"]}
    org = factories.Organization(extras=[{"key": "siret", "value": "11000000000000"}], organization_type="gip")
    call_action("organization_patch", context=sysadmin, id=org["id"], organization_type="association")
    shown = call_action("organization_show", id=org["id"])
    assert shown["organization_type"] == "association"
    assert {"key": "siret", "value": "11000000000000"} in [
        {"key": extra["key"], "value": extra["value"]} for extra in shown["extras"]
    ]
    with pytest.raises(tk.ValidationError):
        call_action("organization_patch", context=sysadmin, id=org["id"], organization_type="nope")
    assert call_action("organization_show", id=org["id"])["organization_type"] == "association"


def test_datasets_are_faceted_on_their_organisations_type_and_follow_a_change() -> None:
    sysadmin = {"user": factories.Sysadmin()["name"]}
    org = factories.Organization(organization_type="service-deconcentre")
    make_dataset(owner_org=org["id"])
    make_dataset(owner_org=org["id"])
    make_dataset()  # an organisation without type
    assert _types_facet() == {"service-deconcentre": 2}
    call_action("organization_patch", context=sysadmin, id=org["id"], organization_type="operateur")
    assert _types_facet() == {"operateur": 2}


def test_the_organisation_form_offers_the_types(app) -> None:
    sysadmin = factories.Sysadmin()
    token = factories.APIToken(user=sysadmin["name"])["token"]
    body = app.get("/organization/new", headers={"Authorization": token}).body
    assert 'name="organization_type"' in body
    assert "Service déconcentré" in body
