"""One test per surface where restricted or private data showed through to
outsiders (issue 13), each asked as an outsider and as a member of the
owning organisation, who must still get what is theirs."""

from __future__ import annotations

import pytest
from ckan import model
from ckan.tests import factories
from ckan.tests.helpers import call_action

from ckanext.ecologie.bouquets.search import public_item_labels
from ckanext.ecologie.tests.access import world as secrets
from ckanext.ecologie.tests.access.world import World

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


@pytest.fixture
def world(app) -> World:
    return secrets.build(app)


def _get(app, world: World, user: str, url: str, status: int = 200, **params) -> str:
    response = app.get(url, params=params or None, headers=world.headers(user))
    assert response.status_code == status, (url, user, response.get_data(as_text=True)[:500])
    return response.get_data(as_text=True)


def _action(app, world: World, user: str, action: str, status: int = 200, **payload) -> dict:
    response = app.post(f"/api/3/action/{action}", json=payload, headers=world.headers(user))
    assert response.status_code == status, (action, user, response.get_data(as_text=True)[:500])
    return response.json


def test_harvest_record_of_a_restricted_dataset(app, world: World) -> None:
    object_id = world.harvest_objects["restricted"]
    for user in ("anonymous", "plain", "other_editor"):
        _action(app, world, user, "harvest_object_show", status=403, id=object_id)
        _action(app, world, user, "harvest_object_show", status=403, dataset_id=world.restricted["id"])
        # the harvest plugin's two pages: by object, by dataset
        for page in (f"/harvest/object/{object_id}", f"/dataset/harvest_object/{world.restricted['id']}"):
            assert secrets.SECRET_URL not in _get(app, world, user, page, status=403)
    record = _action(app, world, "member", "harvest_object_show", id=object_id)["result"]
    assert secrets.SECRET_URL in record["content"]
    assert secrets.SECRET_URL in _get(app, world, "member", f"/harvest/object/{object_id}")


def test_resource_history_page(app, world: World) -> None:
    activities = call_action("package_activity_list", id=world.restricted["id"])
    activity_id = next(
        activity["id"]
        for activity in activities
        if any(
            resource["url"] == secrets.SECRET_URL
            for resource in call_action("activity_data_show", id=activity["id"]).get("package", {}).get("resources", [])
        )
    )
    page = f"/dataset/{world.restricted['name']}/resources/{world.link['id']}/history/{activity_id}"
    for user in ("anonymous", "plain", "other_editor"):
        assert secrets.SECRET_URL not in _get(app, world, user, page, status=403)
    assert secrets.SECRET_URL in _get(app, world, "member", page)
    # an id that is no activity with a dataset snapshot: not found, not a failure
    _get(app, world, "member", f"/dataset/{world.restricted['name']}/history/{world.thread_id}", status=404)


def test_follow_lists(app, world: World) -> None:
    plain_id = world.users["plain"]["id"]
    followed = _action(app, world, "plain", "dataset_followee_list", id=plain_id)["result"]
    assert [dataset["id"] for dataset in followed] == [world.restricted["id"]]
    assert secrets.SECRET_URL not in str(followed)
    everything = _action(app, world, "plain", "followee_list", id=plain_id)["result"]
    assert [item["dict"]["id"] for item in everything if item["type"] == "dataset"] == [world.restricted["id"]]
    assert secrets.SECRET_URL not in str(everything) and secrets.UNTITLED_URL not in str(everything)
    # a private dataset cannot be followed nor asked about, as if unknown
    for action in ("follow_dataset", "am_following_dataset", "dataset_follower_count"):
        assert (
            _action(app, world, "plain", action, status=404, id=world.private["id"])["error"]
            == _action(app, world, "plain", action, status=404, id="no-such-dataset")["error"]
        )
    # a member following both keeps both, whole
    for dataset in (world.restricted, world.private):
        _action(app, world, "member", "follow_dataset", id=dataset["id"])
    mine = _action(app, world, "member", "dataset_followee_list", id=world.users["member"]["id"])["result"]
    assert sorted(dataset["id"] for dataset in mine) == sorted([world.restricted["id"], world.private["id"]])
    assert secrets.SECRET_URL in str(mine)


def test_resource_search_is_no_oracle(app, world: World) -> None:
    for query in ("url:secret.example.org/restricted/r", "name:secret.example.org", "name:sans-titre"):
        for user in ("anonymous", "plain", "other_editor"):
            found = _action(app, world, user, "resource_search", query=query)["result"]
            assert (found["count"], found["results"]) == (0, []), (query, user)
    assert (
        _action(app, world, "member", "resource_search", query="url:secret.example.org/restricted/r")["result"]["count"]
        == 1
    )
    # metadata everyone may see still finds the resource, stripped
    found = _action(app, world, "plain", "resource_search", query="name:Releves (lien)")["result"]
    assert found["count"] == 1 and "url" not in found["results"][0]


def test_activity_of_a_member_names_no_private_dataset(app, world: World) -> None:
    member = world.users["member"]["name"]
    for user in ("anonymous", "plain", "other_editor"):
        activities = _action(app, world, user, "user_activity_list", id=member)["result"]
        assert secrets.PRIVATE_TITLE not in str(activities)
        assert world.private["id"] not in {activity["object_id"] for activity in activities}
        assert secrets.PRIVATE_TITLE not in _get(app, world, user, f"/user/activity/{member}")
    own = _action(app, world, "member", "user_activity_list", id=member)["result"]
    assert "new discussion" in [
        activity["activity_type"] for activity in own if activity["object_id"] == world.private["id"]
    ]


def test_dashboard_of_a_follower(app, world: World) -> None:
    _action(app, world, "plain", "follow_user", id=world.users["member"]["id"])
    dashboard = _action(app, world, "plain", "dashboard_activity_list")["result"]
    assert world.restricted["id"] in {activity["object_id"] for activity in dashboard}
    assert secrets.PRIVATE_TITLE not in str(dashboard) and secrets.SECRET_URL not in str(dashboard)
    assert secrets.PRIVATE_TITLE not in _get(app, world, "plain", "/dashboard/")


def test_tags_of_a_private_dataset(app, world: World) -> None:
    for user in ("anonymous", "plain", "other_editor"):
        assert secrets.PRIVATE_TAG not in _action(app, world, user, "tag_list")["result"]
        assert _action(app, world, user, "tag_autocomplete", q="kerb")["result"] == []
        assert _action(app, world, user, "tag_search", query="kerb")["result"] == {"count": 0, "results": []}
        _action(app, world, user, "tag_show", status=404, id=secrets.PRIVATE_TAG)
        assert secrets.PRIVATE_TAG not in _get(app, world, user, "/api/2/util/tag/autocomplete", incomplete="kerb")
    assert "piezometrie" in _action(app, world, "plain", "tag_list")["result"]  # the restricted dataset's: public
    assert _action(app, world, "member", "tag_autocomplete", q="kerb")["result"] == [secrets.PRIVATE_TAG]
    assert [tag["name"] for tag in _action(app, world, "member", "tag_search", query="kerb")["result"]["results"]] == [
        secrets.PRIVATE_TAG
    ]


def test_formats_of_a_private_dataset(app, world: World) -> None:
    for user in ("anonymous", "plain", "other_editor"):
        assert _action(app, world, user, "format_autocomplete", q="kerbrat")["result"] == []
    assert _action(app, world, "member", "format_autocomplete", q="kerbrat")["result"] == [
        secrets.PRIVATE_FORMAT.lower()
    ]
    assert _action(app, world, "anonymous", "format_autocomplete", status=409)["error"]["q"]


def test_member_list_of_the_organisation(app, world: World) -> None:
    organization = world.organization["id"]
    members = _action(app, world, "member", "member_list", id=organization, object_type="package")["result"]
    everything = {member[0] for member in members}
    assert {world.restricted["id"], world.private["id"], world.bouquet["id"], world.source["id"]} == everything
    for user in ("anonymous", "plain", "other_editor"):
        members = _action(app, world, user, "member_list", id=organization, object_type="package")["result"]
        assert {member[0] for member in members} == everything - {world.private["id"]}


def test_access_request_on_a_private_dataset(app, world: World) -> None:
    member = {"user": world.users["member"]["name"]}
    call_action("package_patch", member, id=world.private["id"], access_rights="restricted")  # private and restricted
    asking = {"reason": "Pour une etude des zones humides"}
    private = _action(
        app, world, "plain", "ecologie_access_request_create", status=409, package_id=world.private["id"], **asking
    )
    unknown = _action(
        app, world, "plain", "ecologie_access_request_create", status=409, package_id="no-such-dataset", **asking
    )
    assert private["error"] == unknown["error"]
    assert secrets.PRIVATE_TITLE not in str(private)


def test_bouquet_text_holds_no_private_title(app, world: World) -> None:
    def bouquets_found(user: str, words: str) -> list[str]:
        found = _action(app, world, user, "package_search", q=words, fq="dataset_type:bouquet")["result"]
        return [bouquet["name"] for bouquet in found["results"]]

    assert bouquets_found("anonymous", "Kerbrat") == []
    assert bouquets_found("anonymous", "piezometriques") == ["bouquet-public"]  # the restricted one: public title
    # a public dataset made private later: the bouquet is indexed again without it
    public = factories.Dataset(owner_org=world.organization["id"], title="Haies bocageres de Plouzane")
    member = {"user": world.users["member"]["name"]}
    call_action(
        "ecologie_bouquet_item_create", member, bouquet_id=world.bouquet["id"], items=[{"package_id": public["id"]}]
    )
    assert bouquets_found("anonymous", "Plouzane") == ["bouquet-public"]
    call_action("package_patch", member, id=public["id"], private=True)
    assert bouquets_found("anonymous", "Plouzane") == []
    labels = sorted(label for (label,) in public_item_labels(world.bouquet["id"]))
    assert labels == [world.restricted["title"]]


def test_untitled_distribution_is_not_named_after_its_url(app, world: World) -> None:
    for user in ("anonymous", "plain"):
        shown = _action(app, world, user, "resource_show", id=world.untitled["id"])["result"]
        assert shown["name"] == "" and "url" not in shown
        assert _action(app, world, user, "package_search", q='"sans-titre-51d0e2"')["result"]["count"] == 0
    assert _action(app, world, "member", "resource_show", id=world.untitled["id"])["result"]["name"] == (
        secrets.UNTITLED_URL
    )


@pytest.mark.parametrize(
    ("sql", "members_read_it"),
    [
        ('SELECT * FROM "{table}"', True),
        ('select zone from "{table}" where true', True),
        ('SELECT * FROM (SELECT * FROM "{table}") AS sub', True),
        ('WITH t AS (SELECT * FROM "{table}") SELECT * FROM t', False),
        ('SELECT * FROM "{other}" UNION ALL SELECT "_id", zone, null FROM "{table}"', False),
    ],
)
def test_datastore_sql_on_a_private_dataset(app, world: World, sql: str, members_read_it: bool) -> None:
    query = sql.format(table=world.private_resource["id"], other=world.link["id"])
    for user in ("anonymous", "plain", "other_editor"):
        response = app.post("/api/3/action/datastore_search_sql", json={"sql": query}, headers=world.headers(user))
        # refused, or not found where the DataStore does not read the query's tables
        assert response.status_code in (403, 404), response.json
        assert secrets.PRIVATE_DATASTORE_VALUE not in response.get_data(as_text=True)
    if members_read_it:
        found = _action(app, world, "member", "datastore_search_sql", sql=query)["result"]["records"]
        assert secrets.PRIVATE_DATASTORE_VALUE in str(found)


def test_purged_private_dataset_leaves_no_label_in_bouquets(app, world: World) -> None:
    call_action("dataset_purge", id=world.private["id"])
    assert model.Session.query(model.Package).filter_by(id=world.private["id"]).count() == 0
    labels = [label for (label,) in public_item_labels(world.bouquet["id"])]
    assert secrets.PRIVATE_TITLE not in labels


def test_resource_search_order_tells_nothing(app, world: World) -> None:
    """Sorting on a field an outsider does not see would place the hidden
    resource among probes of their own, and spell its URL out."""
    probes = app.post(
        "/api/3/action/package_create",
        json={
            "name": "sondes",
            "owner_org": world.other_organization["id"],
            "resources": [
                {"url": "https://secret.example.org/restricted/a.csv", "format": "CSV"},
                {"url": "https://secret.example.org/restricted/z.csv", "format": "CSV"},
            ],
        },
        headers=world.headers("other_editor"),
    )
    assert probes.status_code == 200, probes.json
    for order in ("url", "name", "hash"):
        found = _action(app, world, "other_editor", "resource_search", query="format:csv", order_by=order)["result"]
        shown = [str(resource.get(order) or "") for resource in found["results"]]
        assert shown == sorted(shown), order
        assert secrets.SECRET_URL not in str(found)


def test_paging_parameters_are_checked(app, world: World) -> None:
    for action, payload, field in (
        ("resource_search", {"query": "name:Releves", "offset": "x"}, "offset"),
        ("resource_search", {"query": "name:Releves", "limit": "-1"}, "limit"),
        ("tag_search", {"query": "piezo", "limit": "x"}, "limit"),
        ("tag_autocomplete", {"q": "piezo", "limit": "x"}, "limit"),
        ("format_autocomplete", {"q": "csv", "limit": "x"}, "limit"),
    ):
        error = _action(app, world, "plain", action, status=409, **payload)["error"]
        assert list(error) == [field, "__type"], (action, error)


def test_organisation_counts_hold_no_private_dataset(app, world: World) -> None:
    def count(user: str, action: str = "organization_list") -> int:
        found = _action(app, world, user, action, all_fields=True, include_dataset_count=True)["result"]
        return next(org["package_count"] for org in found if org["name"] == world.organization["name"])

    assert [count(user) for user in ("anonymous", "plain", "other_editor")] == [1, 1, 1]
    assert count("member") == 2
    assert count("member", "organization_list_for_user") == 2
    page = _get(app, world, "anonymous", "/organization/")
    card = page[page.index('href="/organization/producteur"') :]  # its DSFR card
    count_shown = card[card.index('ecologie-organization-count">') :].split("<", 1)[0]
    assert count_shown == 'ecologie-organization-count">1 jeu de données'


def test_group_counts_of_a_group_member_hold_no_private_dataset(app, world: World) -> None:
    """group_list_authz counts a group's datasets for the groups a user may
    edit: a private dataset of another organisation in that group is not his
    to count."""
    sysadmin = {"user": world.users["sysadmin"]["name"], "ignore_auth": False}
    call_action(
        "member_create",
        sysadmin,
        id=world.group["id"],
        object=world.users["plain"]["name"],
        object_type="user",
        capacity="admin",
    )
    call_action(
        "member_create",
        sysadmin,
        id=world.group["id"],
        object=world.private["id"],
        object_type="package",
        capacity="public",
    )
    groups = _action(app, world, "plain", "group_list_authz", include_dataset_count=True)["result"]
    shown = {group["name"]: group["package_count"] for group in groups}
    assert shown == {world.group["name"]: 1}  # the restricted dataset, public; not the private one


def test_relationships_name_no_private_dataset(app, world: World) -> None:
    """(Not in world.py: CKAN 2.12 fails to index a dataset with a
    relationship, which would break the other tests.)"""
    member = {"user": world.users["member"]["name"]}
    link = {"subject": world.restricted["id"], "object": world.private["id"], "type": "links_to"}
    call_action("package_relationship_create", member, **link)
    for user in ("anonymous", "plain", "other_editor"):
        listed = _action(app, world, user, "package_relationships_list", id=world.restricted["id"])["result"]
        assert listed == []
    mine = _action(app, world, "member", "package_relationships_list", id=world.restricted["id"])["result"]
    assert mine == [
        {"subject": world.restricted["name"], "type": "links_to", "object": secrets.PRIVATE_NAME, "comment": ""}
    ]


def test_a_dataset_turned_private_can_be_unfollowed(app, world: World) -> None:
    member = {"user": world.users["member"]["name"]}
    call_action("package_patch", member, id=world.restricted["id"], private=True)
    _action(app, world, "plain", "am_following_dataset", status=404, id=world.restricted["id"])
    _action(app, world, "plain", "unfollow_dataset", id=world.restricted["id"])
    assert _action(app, world, "plain", "dataset_followee_list", id=world.users["plain"]["id"])["result"] == []
    _action(app, world, "plain", "unfollow_dataset", status=404, id=world.restricted["id"])  # no longer following


def test_a_private_dataset_history_is_not_found(app, world: World) -> None:
    activity_id = world.activities["private"][0]
    for user in ("anonymous", "plain"):
        for page in (f"/dataset/{world.restricted['name']}/history/{activity_id}",):
            _get(app, world, user, page, status=404)


def test_identifiers_that_are_no_text_are_refused(app, world: World) -> None:
    for action, payload, field in (
        ("group_autocomplete", {"q": ["a"]}, "q"),
        ("organization_autocomplete", {"q": 5}, "q"),
        ("format_autocomplete", {"q": ["a"]}, "q"),
    ):
        error = _action(app, world, "plain", action, status=409, **payload)["error"]
        assert list(error) == [field, "__type"], (action, error)
