"""Restricted data, from the attacker's side: users x surfaces.

One restricted dataset holds an uploaded file and a link, with a DataStore
table and a resource view. Each cell asks one surface as one user, over real
HTTP through the app, and asserts that the link's URL, the upload's address
and the file's bytes appear exactly when the user is authorised.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from ckan.tests import factories
from ckan.tests.helpers import call_action

USERS = ("anonymous", "stranger", "other_member", "granted", "member", "sysadmin")
AUTHORISED = {"granted", "member", "sysadmin"}
SECRET_URL = "https://secret.example.org/restricted/releves-7f3a9c.csv"
UPLOAD_NAME = "releves-confidentiels.csv"
UPLOAD_BYTES = b"station;mesure\nS-CONFIDENTIELLE-42;12.5\n"
DATASTORE_VALUE = "S-DATASTORE-CONFIDENTIELLE"


@dataclass
class World:
    dataset: dict
    upload: dict
    link: dict
    view: dict
    organization: dict
    group: dict
    tokens: dict[str, str | None]

    def headers(self, user: str) -> dict[str, str]:
        token = self.tokens[user]
        return {"Authorization": token} if token else {}

    def leaks(self, text: str) -> bool:
        """The link's URL, the upload's address (absolute, as the API gives
        it: a page may echo the path an attacker typed), the file's bytes or
        a DataStore value."""
        markers = (SECRET_URL, self.upload["url"], UPLOAD_BYTES.decode(), DATASTORE_VALUE)
        return any(marker in text for marker in markers)


@pytest.fixture
def world(app) -> World:
    users = {name: factories.User(name=f"user-{name}") for name in USERS if name not in ("anonymous", "sysadmin")}
    users["sysadmin"] = factories.Sysadmin(name="user-sysadmin")
    organization = factories.Organization(
        users=[{"name": users["member"]["name"], "capacity": "editor"}], name="producteur"
    )
    factories.Organization(users=[{"name": users["other_member"]["name"], "capacity": "admin"}], name="autre-org")
    group = factories.Group(name="groupe-thematique")
    tokens = {name: factories.APIToken(user=user["name"])["token"] for name, user in users.items()}
    tokens["anonymous"] = None
    member = {"Authorization": tokens["member"]}
    dataset = app.post(
        "/api/3/action/package_create",
        json={
            "name": "releves-restreints",
            "title": "Relevés piézométriques confidentiels",
            "owner_org": organization["id"],
            "access_rights": "restricted",
            "access_reason_category": "h",
            "access_reason": "Localisation d'espèces protégées",
            "license_id": "cc-by",
            "groups": [{"name": group["name"]}],
        },
        headers={"Authorization": tokens["sysadmin"]},
    ).json["result"]
    upload = app.post(
        "/api/3/action/resource_create",
        data={"package_id": dataset["id"], "name": "Relevés", "upload": (io.BytesIO(UPLOAD_BYTES), UPLOAD_NAME)},
        headers=member,
    ).json["result"]
    link = app.post(
        "/api/3/action/resource_create",
        json={"package_id": dataset["id"], "name": "Relevés (lien)", "url": SECRET_URL, "format": "CSV"},
        headers=member,
    ).json["result"]
    app.post(
        "/api/3/action/datastore_create",
        json={"resource_id": link["id"], "force": True, "records": [{"station": DATASTORE_VALUE, "mesure": 1.5}]},
        headers=member,
    )
    view = app.post(
        "/api/3/action/resource_view_create",
        json={"resource_id": link["id"], "title": "Aperçu", "view_type": "image_view", "image_url": SECRET_URL},
        headers=member,
    ).json["result"]
    call_action(
        "ecologie_access_grant_create",
        context={"user": users["sysadmin"]["name"]},
        user=users["granted"]["name"],
        package_id=dataset["id"],
    )
    return World(dataset, upload, link, view, organization, group, tokens)


def _get(app, world: World, user: str, url: str, **params) -> str:
    response = app.get(url, params=params or None, headers=world.headers(user), follow_redirects=False)
    return response.get_data(as_text=True) + json.dumps(dict(response.headers))


def _post(app, world: World, user: str, action: str, payload: dict) -> str:
    response = app.post(f"/api/3/action/{action}", json=payload, headers=world.headers(user))
    return response.get_data(as_text=True)


SURFACES: dict[str, Callable[..., str]] = {
    "package_show": lambda app, w, u: _get(app, w, u, "/api/3/action/package_show", id=w.dataset["id"]),
    "package_search": lambda app, w, u: _get(app, w, u, "/api/3/action/package_search", q="piézométriques"),
    "package_search_fl": lambda app, w, u: _get(
        app, w, u, "/api/3/action/package_search", q="*:*", fl="id res_url validated_data_dict data_dict urls"
    ),
    "package_search_post_fl": lambda app, w, u: _post(
        app, w, u, "package_search", {"q": "*:*", "fl": ["validated_data_dict", "res_extras_url_type", "res_url"]}
    ),
    "resource_show": lambda app, w, u: (
        _get(app, w, u, "/api/3/action/resource_show", id=w.link["id"])
        + _get(app, w, u, "/api/3/action/resource_show", id=w.upload["id"])
    ),
    "download_upload": lambda app, w, u: _get(
        app, w, u, f"/dataset/{w.dataset['id']}/resource/{w.upload['id']}/download/{UPLOAD_NAME}"
    ),
    "download_link": lambda app, w, u: _get(app, w, u, f"/dataset/{w.dataset['id']}/resource/{w.link['id']}/download"),
    "resource_search": lambda app, w, u: _get(app, w, u, "/api/3/action/resource_search", query="name:Relevés"),
    "current_package_list_with_resources": lambda app, w, u: _get(
        app, w, u, "/api/3/action/current_package_list_with_resources"
    ),
    "organization_show_datasets": lambda app, w, u: _get(
        app, w, u, "/api/3/action/organization_show", id=w.organization["id"], include_datasets="true"
    ),
    "group_show_datasets": lambda app, w, u: (
        _get(app, w, u, "/api/3/action/group_show", id=w.group["id"], include_datasets="true")
        + _get(app, w, u, "/api/3/action/group_package_show", id=w.group["id"])
    ),
    "organization_page": lambda app, w, u: _get(app, w, u, f"/organization/{w.organization['name']}"),
    "datastore_search": lambda app, w, u: _get(app, w, u, "/api/3/action/datastore_search", resource_id=w.link["id"]),
    "datastore_search_sql": lambda app, w, u: _get(
        app, w, u, "/api/3/action/datastore_search_sql", sql=f'SELECT * FROM "{w.link["id"]}"'
    ),
    "datastore_dump": lambda app, w, u: _get(app, w, u, f"/datastore/dump/{w.link['id']}"),
    "resource_view_list": lambda app, w, u: _get(app, w, u, "/api/3/action/resource_view_list", id=w.link["id"]),
    "resource_view_show": lambda app, w, u: _get(app, w, u, "/api/3/action/resource_view_show", id=w.view["id"]),
    "resource_view_page": lambda app, w, u: _get(
        app, w, u, f"/dataset/{w.dataset['id']}/resource/{w.link['id']}/view/{w.view['id']}"
    ),
    "activity_list": lambda app, w, u: (
        _get(app, w, u, "/api/3/action/package_activity_list", id=w.dataset["id"])
        + _get(app, w, u, "/api/3/action/organization_activity_list", id=w.organization["id"])
        + _get(app, w, u, "/api/3/action/recently_changed_packages_activity_list")
    ),
    "activity_data": lambda app, w, u: _activity_data(app, w, u),
    "dataset_rdf": lambda app, w, u: "".join(
        _get(app, w, u, f"/dataset/{w.dataset['name']}.{ext}") for ext in ("rdf", "ttl", "jsonld")
    ),
    "catalog_rdf": lambda app, w, u: "".join(_get(app, w, u, f"/catalog.{ext}") for ext in ("rdf", "ttl", "jsonld")),
    "feeds": lambda app, w, u: (
        _get(app, w, u, "/feeds/dataset.atom") + _get(app, w, u, f"/feeds/organization/{w.organization['name']}.atom")
    ),
    "dataset_page": lambda app, w, u: _get(app, w, u, f"/dataset/{w.dataset['name']}"),
    "resource_pages": lambda app, w, u: (
        _get(app, w, u, f"/dataset/{w.dataset['name']}/resource/{w.link['id']}")
        + _get(app, w, u, f"/dataset/{w.dataset['name']}/resource/{w.upload['id']}")
    ),
    "search_page": lambda app, w, u: _get(app, w, u, "/dataset/", q="piézométriques"),
}


def _activity_data(app, world: World, user: str) -> str:
    sysadmin = world.headers("sysadmin")
    activities = app.get(
        "/api/3/action/package_activity_list", params={"id": world.dataset["id"]}, headers=sysadmin
    ).json["result"]
    text = ""
    for activity in activities:
        text += _get(app, world, user, "/api/3/action/activity_show", id=activity["id"], include_data="true")
        text += _get(app, world, user, "/api/3/action/activity_data_show", id=activity["id"])
    return text


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
@pytest.mark.parametrize("surface", sorted(SURFACES))
def test_each_user_on_each_surface(app, world: World, surface: str) -> None:
    outcome = {}
    for user in USERS:
        outcome[user] = world.leaks(SURFACES[surface](app, world, user))
    expected_hidden = {user: False for user in USERS if user not in AUTHORISED}
    assert {user: seen for user, seen in outcome.items() if user not in AUTHORISED} == expected_hidden
    if surface in AUTHORISED_SEE:
        assert {user: outcome[user] for user in AUTHORISED} == {user: True for user in AUTHORISED}


# Surfaces where an authorised user does get the data (the others never carry
# it: activity data needs edit rights by default, views are previews).
AUTHORISED_SEE = {
    "package_show",
    "package_search",
    "package_search_fl",
    "package_search_post_fl",
    "resource_show",
    "download_upload",
    "download_link",
    "resource_search",
    "current_package_list_with_resources",
    "organization_show_datasets",
    "group_show_datasets",
    "datastore_search",
    "datastore_search_sql",
    "datastore_dump",
    "resource_view_list",
    "resource_view_show",
    "dataset_rdf",
    "catalog_rdf",
    "dataset_page",
    "resource_pages",
}
