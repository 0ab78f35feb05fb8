"""The `dataservice` package type: its schema, its place in searches and
counts (out of the datasets', as bouquets), its page and its label."""

from __future__ import annotations

import re

import ckan.plugins.toolkit as tk
import pytest
from ckan.tests import factories

from ckanext.ecologie.tests.dataservices.support import DOCUMENTATION, ENDPOINT, make_dataservice
from ckanext.ecologie.tests.helpers import call, make_dataset

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


def test_a_dataservice_keeps_its_fields() -> None:
    organization = factories.Organization()
    created = make_dataservice(
        organization["id"],
        access_rights="restricted",
        access_reason_category="b",
        authorization_request_url="https://demande.example.org/acces",
        served_datasets=["https://data.example.org/id/stations", "urn:ecologie:source:s1:mesures"],
        license_id="lov2",
        tags=[{"name": "air"}],
        maintainer="Service des données",
        maintainer_email="donnees@example.org",
    )
    shown = call("package_show", id=created["id"])
    assert {
        key: shown[key]
        for key in (
            "type",
            "title",
            "notes",
            "endpoint_url",
            "endpoint_description",
            "served_datasets",
            "access_rights",
            "access_reason_category",
            "authorization_request_url",
            "license_id",
            "owner_org",
            "maintainer",
            "maintainer_email",
        )
    } == {
        "type": "dataservice",
        "title": "API de la qualité de l'air",
        "notes": "Mesures horaires des stations",
        "endpoint_url": ENDPOINT,
        "endpoint_description": DOCUMENTATION,
        "served_datasets": ["https://data.example.org/id/stations", "urn:ecologie:source:s1:mesures"],
        "access_rights": "restricted",
        "access_reason_category": "b",
        "authorization_request_url": "https://demande.example.org/acces",
        "license_id": "",  # restricted: no licence, as for datasets
        "owner_org": organization["id"],
        "maintainer": "Service des données",
        "maintainer_email": "donnees@example.org",
    }
    assert [tag["name"] for tag in shown["tags"]] == ["air"]
    assert "endpoint_url" not in {extra["key"] for extra in shown.get("extras", [])}


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"endpoint_url": "pas une adresse"}, "endpoint_url"),
        ({"endpoint_url": "ftp://api.example.org/"}, "endpoint_url"),
        ({"endpoint_url": ""}, "endpoint_url"),
        ({"endpoint_description": "javascript:alert(1)"}, "endpoint_description"),
        ({"served_datasets": 12}, "served_datasets"),
        ({"served_datasets": ["x" * 1001]}, "served_datasets"),
        ({"authorization_request_url": "javascript:alert(1)"}, "authorization_request_url"),
        ({"access_rights": "secret"}, "access_rights"),
    ],
)
def test_a_bad_value_is_refused_naming_its_field(fields, field) -> None:
    organization = factories.Organization()
    with pytest.raises(tk.ValidationError) as raised:
        make_dataservice(organization["id"], **fields)
    assert list(raised.value.error_dict) == [field]


def test_an_update_validates_as_a_dataservice() -> None:
    service = make_dataservice(factories.Organization()["id"])
    with pytest.raises(tk.ValidationError) as raised:
        call("package_patch", id=service["id"], endpoint_url="api.example.org")
    assert list(raised.value.error_dict) == ["endpoint_url"]
    patched = call("package_patch", id=service["id"], endpoint_url="https://api.example.org/v2/")
    assert patched["endpoint_url"] == "https://api.example.org/v2/"
    assert patched["endpoint_description"] == DOCUMENTATION


def test_dataservices_stay_out_of_dataset_searches_and_counts(app) -> None:
    organization = factories.Organization(name="producteur-air")
    dataset = make_dataset(owner_org=organization["id"], title="Mesures de la qualité de l'air")
    service = make_dataservice(organization["id"])

    def ids(**params) -> list[str]:
        found = app.get("/api/3/action/package_search", params=params).json["result"]
        return sorted(item["id"] for item in found["results"])

    assert ids(q="qualité") == [dataset["id"]]
    assert ids(q="type:dataservice") == [service["id"]]
    assert ids(fq="type:dataservice") == [service["id"]]
    assert ids(fq="dataset_type:dataservice", q="qualité") == [service["id"]]
    assert ids(fq="dataset_type:(dataset OR dataservice)") == sorted([dataset["id"], service["id"]])
    # organisation counts, as the API and the organisation page give them
    assert call("organization_show", id=organization["id"])["package_count"] == 1
    listed = app.get("/api/3/action/organization_list", params={"all_fields": "true"}).json["result"]
    assert [(org["name"], org["package_count"]) for org in listed] == [("producteur-air", 1)]
    # the home page's figures, the dataset search page and the DCAT catalogue
    page = app.get("/").get_data(as_text=True)
    figures = re.findall(r'<p class="ecologie-figure">(\d+)</p>\s*<p>([^<]+)</p>', page)
    assert figures[0] == ("1", "jeu de données")
    assert "API de la qualité de l" not in app.get("/dataset/").get_data(as_text=True)
    assert "api-qualite-air" not in app.get("/catalog.ttl").get_data(as_text=True)
    # the type's own listing shows it
    listing = app.get("/dataservice/").get_data(as_text=True)
    assert "API de la qualité de l" in listing and "Mesures de la qualité" not in listing


def test_the_page_of_a_dataservice(app) -> None:
    service = make_dataservice(factories.Organization()["id"])
    page = app.get(f"/dataservice/{service['name']}").get_data(as_text=True)
    assert "API de la qualité de l&#39;air" in page
    assert f'href="{ENDPOINT}"' in page and f'href="{DOCUMENTATION}"' in page
    assert '<h2 class="fr-h4" id="api-title">API</h2>' in page


def test_an_editor_creates_and_edits_an_api_in_one_page(app) -> None:
    """The form asks for the endpoint (no resource stage: the endpoint is
    the API's data), and keeps it when the API is edited."""
    editor = factories.User()
    organization = factories.Organization(users=[{"name": editor["name"], "capacity": "editor"}])
    headers = {"Authorization": factories.APIToken(user=editor["name"])["token"]}
    form = app.get("/dataservice/new", headers=headers)
    assert form.status_code == 200
    assert 'name="endpoint_url"' in form.get_data(as_text=True)
    assert 'name="_ckan_phase"' not in form.get_data(as_text=True)

    fields = {
        "title": "API des stations",
        "name": "api-des-stations",
        "notes": "Stations de mesure",
        "endpoint_url": ENDPOINT,
        "endpoint_description": DOCUMENTATION,
        "owner_org": organization["id"],
        "access_rights": "open",
        "save": "",
    }
    created = app.post("/dataservice/new", data=fields, headers=headers, follow_redirects=False)
    assert created.status_code == 302, created.get_data(as_text=True)[:2000]
    shown = call("package_show", id="api-des-stations")
    assert (shown["type"], shown["state"], shown["endpoint_url"]) == ("dataservice", "active", ENDPOINT)

    edit = app.get("/dataservice/edit/api-des-stations", headers=headers).get_data(as_text=True)
    assert f'value="{ENDPOINT}"' in edit
    updated = app.post(
        "/dataservice/edit/api-des-stations",
        data={**fields, "title": "API des stations de mesure"},
        headers=headers,
        follow_redirects=False,
    )
    assert updated.status_code == 302, updated.get_data(as_text=True)[:2000]
    shown = call("package_show", id="api-des-stations")
    assert (shown["title"], shown["endpoint_url"]) == ("API des stations de mesure", ENDPOINT)

    refused = app.post("/dataservice/new", data={**fields, "name": "sans-point", "endpoint_url": ""}, headers=headers)
    assert refused.status_code == 200
    assert '<p class="fr-error-text error-block" id="field-endpoint-url-error">Valeur manquante</p>' in (
        refused.get_data(as_text=True)
    )
    assert call("package_search", fq="name:sans-point +dataset_type:dataservice")["count"] == 0
