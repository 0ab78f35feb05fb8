"""A dataset created through the API is indexed in the real Solr and found."""

from __future__ import annotations

import ckan.plugins.toolkit as tk
import pytest
from ckan.lib.search.common import make_connection
from ckan.tests import factories


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
def test_dataset_created_through_the_api_is_found_by_package_search(app) -> None:
    user = factories.User()
    org = factories.Organization(users=[{"name": user["name"], "capacity": "editor"}])
    token = factories.APIToken(user=user["name"])["token"]

    created = app.post(
        "/api/3/action/package_create",
        json={
            "name": "qualite-des-eaux-de-baignade",
            "title": "Qualité des eaux de baignade",
            "owner_org": org["id"],
            "notes": "Résultats du contrôle sanitaire des sites de baignade.",
        },
        headers={"Authorization": token},
    ).json
    assert created["success"], created

    # The document is in the Solr core itself, not only in PostgreSQL.
    site_id = tk.config["ckan.site_id"]
    solr = make_connection().search(q='name:"qualite-des-eaux-de-baignade"', fq=f"+site_id:{site_id}")
    assert solr.hits == 1

    found = app.get("/api/3/action/package_search", params={"q": "baignade"}).json["result"]
    assert found["count"] == 1
    assert found["results"][0]["id"] == created["result"]["id"]

    assert app.get("/api/3/action/package_search", params={"q": "introuvable"}).json["result"]["count"] == 0
