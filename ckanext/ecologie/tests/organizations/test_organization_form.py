"""The type through IGroupForm (`ecologie_organizations`): shown as a field of
its own, refused when unknown, stored from the organisation form, and
required by `ecologie`."""

from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk
import pytest
from ckan.tests import factories
from ckan.tests.helpers import call_action

from ckanext.ecologie.organizations import types
from ckanext.ecologie.tests.helpers import make_dataset

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

KNOWN = "administration-centrale, service-deconcentre, operateur, collectivite, association, gip, entreprise, autre"


def test_show_gives_the_type_as_a_field_not_as_an_extra() -> None:
    org = factories.Organization(extras=[{"key": "siret", "value": "11000000000000"}], organization_type="collectivite")
    shown = call_action("organization_show", id=org["id"])
    assert shown["organization_type"] == "collectivite"
    assert [{"key": extra["key"], "value": extra["value"]} for extra in shown["extras"]] == [
        {"key": "siret", "value": "11000000000000"}
    ]


def test_create_refuses_an_unknown_type_naming_the_field() -> None:
    sysadmin = {"user": factories.Sysadmin()["name"]}
    with pytest.raises(tk.ValidationError) as raised:
        call_action("organization_create", context=sysadmin, name="org-inconnue", organization_type="ministere")
    assert raised.value.error_dict == {
        "organization_type": [f"Unknown organisation type: ministere. Choose one of: {KNOWN}"]
    }


def test_a_type_given_as_a_free_extra_is_refused() -> None:
    # the field has its own validation: the free key/value extras may not go around it
    sysadmin = {"user": factories.Sysadmin()["name"]}
    with pytest.raises(tk.ValidationError) as raised:
        call_action(
            "organization_create",
            context=sysadmin,
            name="org-extra",
            extras=[{"key": "organization_type", "value": "ministere"}],
        )
    assert list(raised.value.error_dict) == ["extras"]


def test_the_form_stores_the_type_and_not_specified_removes_it(app) -> None:
    sysadmin = factories.Sysadmin()
    headers = {"Authorization": factories.APIToken(user=sysadmin["name"])["token"]}
    fields = {"name": "ddt-somme", "title": "DDT de la Somme", "organization_type": "service-deconcentre", "save": ""}
    app.post("/organization/new", data=fields, headers=headers, follow_redirects=False)
    assert call_action("organization_show", id="ddt-somme")["organization_type"] == "service-deconcentre"

    edit_page = app.get("/organization/edit/ddt-somme", headers=headers).body
    assert '<option value="service-deconcentre" selected>' in edit_page

    app.post(
        "/organization/edit/ddt-somme",
        data={**fields, "organization_type": "", "save": ""},
        headers=headers,
        follow_redirects=False,
    )
    assert "organization_type" not in call_action("organization_show", id="ddt-somme")


def test_a_new_organisations_datasets_are_indexed_with_its_type() -> None:
    make_dataset()  # the type cache is read now, before the organisation exists
    org = factories.Organization(organization_type="association")
    make_dataset(owner_org=org["id"])
    facets = call_action("package_search", **{"facet.field": ["vocab_organization_type"], "rows": 0})["facets"]
    assert facets["vocab_organization_type"] == {"association": 1}
    assert types.type_of(org["id"]) == "association"


def test_ecologie_does_not_start_without_the_organisations_plugin(ckan_config, monkeypatch) -> None:
    enabled = ckan_config["ckan.plugins"]
    enabled = enabled.split() if isinstance(enabled, str) else list(enabled)
    monkeypatch.setitem(ckan_config, "ckan.plugins", [name for name in enabled if name != "ecologie_organizations"])
    with pytest.raises(RuntimeError) as raised:
        p.load_all()
    assert str(raised.value) == (
        "the ecologie plugin needs ecologie_organizations: add it to ckan.plugins (see README, Plugins)"
    )
