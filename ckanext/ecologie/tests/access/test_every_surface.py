"""Every action and every GET route of the running portal, asked by each
kind of outsider with parameters aimed at the secrets of `world.py`.

Nothing is listed by hand but the classification (`surfaces.yaml`): the
actions are those CKAN, its plugins and ours register, the routes those of
the Flask app. A surface that is not classified fails the test, so a CKAN
upgrade or a new plugin cannot open one silently. Each answer must be a
known status (never a 500) and carry no secret; sysadmin-only surfaces must
refuse; write actions must leave the secrets as they were.
"""

from __future__ import annotations

import importlib
import json
import os
import re
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

import ckan.plugins as p
import pytest
import yaml
from ckan import authz, model

from ckanext.ecologie.tests.access import world as secrets
from ckanext.ecologie.tests.access.world import OUTSIDERS, SEARCH_WORD, World

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

with open(os.path.join(os.path.dirname(__file__), "surfaces.yaml"), encoding="utf-8") as _table:
    TABLE = yaml.safe_load(_table)
ACTION_CLASSES = ("read", "write", "sysadmin")
ROUTE_CLASSES = ("page", "sysadmin", "static", "action")
# An outsider may be told: done, bad request, refused, not found, invalid.
KNOWN_STATUSES = {200, 400, 403, 404, 409}
# What a page may answer besides: a redirect (to the login page...), a
# method or type it does not serve, no content.
PAGE_STATUSES = KNOWN_STATUSES | {204, 301, 302, 303, 308, 405, 406, 415, 422}


# The modules CKAN reads its own actions from (ckan.logic.get_action).
CORE_ACTION_MODULES = ("get", "create", "update", "delete", "patch", "file")


README = os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "README.md")


def test_the_readme_shows_the_classification() -> None:
    """The Security section of the README lists each class as surfaces.yaml."""
    with open(README, encoding="utf-8") as stream:
        rows = [line for line in stream if re.match(r"\| (action|route) \w+ \(\d+\) \|", line)]
    shown = {}
    for row in rows:
        kind, _, names = (cell.strip() for cell in row.strip().strip("|").split("|"))
        shown[kind.split(" (")[0]] = sorted(re.findall(r"`([^`]+)`", names))
    expected = {
        f"{section[:-1]} {kind}": sorted(str(name) for name in TABLE[section][kind] or [])
        for section in ("actions", "routes")
        for kind in (ACTION_CLASSES if section == "actions" else ROUTE_CLASSES)
    }
    assert shown == expected


def registered_actions() -> set[str]:
    """Core's action functions, found as CKAN finds them, and every
    plugin's (IActions)."""
    names: set[str] = set()
    for kind in CORE_ACTION_MODULES:
        names |= {name for name, _ in authz.get_local_functions(importlib.import_module(f"ckan.logic.action.{kind}"))}
    for plugin in p.PluginImplementations(p.IActions):
        names |= set(plugin.get_actions())
    return names


def classified(section: str, classes: tuple[str, ...]) -> dict[str, str]:
    table: dict[str, str] = {}
    for kind in classes:
        for name in TABLE[section].get(kind) or []:
            assert name not in table, f"{name} is classified twice"
            table[str(name)] = kind
    return table


def get_routes(app) -> dict[str, list[str]]:
    """GET routes by endpoint."""
    routes: dict[str, list[str]] = {}
    for rule in app.flask_app.url_map.iter_rules():
        if "GET" in (rule.methods or ()):
            routes.setdefault(rule.endpoint, []).append(rule.rule)
    return routes


# --- what to ask -------------------------------------------------------------

FLAGS = {
    "include_datasets": True,
    "include_data": True,
    "all_fields": True,
    "include_private": True,
    "include_extras": True,
    "include_users": True,
    "include_tags": True,
    "include_groups": True,
    "include_dataset_count": True,
    "include_member_count": True,
    "include_followers": True,
    "include_plugin_extras": True,
    "include_hidden_activity": True,
    "limit": 100,
    "rows": 100,
}


def _typed(world: World, side: str, user: str) -> dict[str, Any]:
    """Keys whose meaning is fixed (a dataset id, a resource id...), aimed at
    one secret: the restricted dataset or the private one."""
    dataset = world.restricted if side == "restricted" else world.private
    resource = world.link if side == "restricted" else world.private_resource
    return {
        "package_id": dataset["id"],
        "dataset_id": dataset["id"],
        "resource_id": resource["id"],
        "resource_ids": [resource["id"]],
        "subject_id": dataset["id"],
        "bouquet_id": world.bouquet["id"],
        "thread_id": world.thread_id,
        "source_id": world.source["id"],
        "harvest_source_id": world.source["id"],
        "job_id": world.job_id,
        "organization_id": world.organization["id"],
        "owner_org": world.organization["id"],
        "group_id": world.group["id"],
        "user": world.users["member"]["name"],
        "user_id": world.users["member"]["id"],
        "object_type": "package",
    }


def _targets(world: World, user: str) -> Iterator[tuple[str, str]]:
    """(side, value) for the keys that name anything (`id`, `name_or_id`...)."""
    own = world.users.get(user)
    yield from (
        ("restricted", world.restricted["id"]),
        ("restricted", world.restricted["name"]),
        ("restricted", world.link["id"]),
        ("restricted", world.untitled["id"]),
        ("restricted", world.upload["id"]),
        ("restricted", world.view["id"]),
        ("restricted", world.harvest_objects["restricted"]),
        ("restricted", world.source["id"]),
        ("restricted", world.job_id),
        ("restricted", world.bouquet["id"]),
        ("restricted", world.group["id"]),
        ("private", world.private["id"]),
        ("private", world.private["name"]),
        ("private", world.private_resource["id"]),
        ("private", world.harvest_objects["private"]),
        ("private", world.thread_id),
        ("private", secrets.PRIVATE_TAG),
        # the private dataset's id is a secret only where the question does
        # not carry it: these go with the restricted side's keys
        ("restricted", world.organization["id"]),
        ("restricted", world.users["member"]["id"]),
        ("restricted", world.users["member"]["name"]),
    )
    if own:
        yield ("restricted", own["id"])
    for side in ("restricted", "private"):
        for activity_id in world.activities[side]:
            yield (side, activity_id)
    for file_id in world.file_ids:
        yield ("restricted", file_id)


def _searches(world: World) -> Iterator[dict[str, Any]]:
    fields = "id name title res_url urls data_dict validated_data_dict extras_access_rights"
    yield {"q": SEARCH_WORD, "query": SEARCH_WORD, "incomplete": SEARCH_WORD, **FLAGS}
    yield {"q": "*:*", "fl": fields, **FLAGS}
    yield {"q": "secret.example.org", "query": "url:secret.example.org", "incomplete": "KERB"}
    yield {"query": f"name:{SEARCH_WORD}", "incomplete": "kerb"}
    yield {"query": "url:restricted", "q": "restricted", "order_by": "url", "sort": "url asc"}
    yield {"query": "name:x", "q": "x", "offset": "x", "limit": "-1", "rows": "x", "start": "x"}
    for resource in (world.link, world.private_resource):
        yield {"sql": f'SELECT * FROM "{resource["id"]}"', "resource_id": resource["id"]}


def read_payloads(world: World, user: str) -> Iterator[dict[str, Any]]:
    for side, value in _targets(world, user):
        yield {**FLAGS, **_typed(world, side, user), "id": value, "name_or_id": value, "object": value}
    yield from _searches(world)


def write_payloads(world: World, user: str) -> Iterator[dict[str, Any]]:
    """Enough for a write to reach each secret, each payload a complete
    attempt (title, URL, capacity...) so that only the rules can stop it."""
    attempt = {
        "title": "Pris par un tiers",
        "name": "pris-par-un-tiers",
        "url": "https://attaquant.example.net/",
        "capacity": "admin",
        "private": False,
        "access_rights": "open",
        "body": "Message",
        "reason": "Pour voir",
        "items": [{"package_id": world.private["id"]}],
        "records": [{"valeur": 1}],
        "force": True,
    }
    for side, value in (
        ("restricted", world.restricted["id"]),
        ("restricted", world.link["id"]),
        ("restricted", world.organization["id"]),
        ("restricted", world.bouquet["id"]),
        ("private", world.private["id"]),
        ("private", world.private_resource["id"]),
        ("private", world.thread_id),
    ):
        yield {**attempt, **_typed(world, side, user), "id": value, "name_or_id": value, "object": value}


def ask_action(app, world: World, user: str, action: str, payload: dict[str, Any]) -> tuple[int, str]:
    return fetch(partial(app.post, f"/api/3/action/{action}", json=payload, headers=world.headers(user)))


def fetch(request: Callable[[], Any]) -> tuple[int, str]:
    """Status and text (headers included); the test client raises what
    a server would answer with a 500."""
    try:
        response = request()
    except Exception as error:  # any exception is the finding
        return 500, f"{type(error).__name__}: {error}"
    return response.status_code, response.get_data(as_text=True) + json.dumps(dict(response.headers))


def fingerprint() -> dict[str, Any]:
    """What the outsiders must not change: read from the database."""
    restricted = model.Package.get("releves-restreints")
    private = model.Package.get(secrets.PRIVATE_NAME)
    organization = model.Group.get("producteur")
    members = model.Session.query(model.Member.table_id, model.Member.capacity, model.Member.state).filter(
        model.Member.group_id == organization.id, model.Member.table_name == "user"
    )
    return {
        "restricted": (
            restricted.owner_org,
            restricted.private,
            restricted.state,
            restricted.title,
            restricted.extras.get("access_rights"),
            sorted((resource.url, resource.name, resource.state) for resource in restricted.resources),
        ),
        "private": (
            private.owner_org,
            private.private,
            private.state,
            private.title,
            sorted((resource.url, resource.state) for resource in private.resources),
        ),
        "members": sorted(members),
    }


def report(what: str, asked: int, failures: list[str]) -> None:
    """All findings at once, also written to test-artifacts for reading."""
    os.makedirs("test-artifacts", exist_ok=True)
    with open(os.path.join("test-artifacts", "surfaces-report.txt"), "a", encoding="utf-8") as stream:
        stream.write(f"{what}: {asked} requests, {len(failures)} findings\n")
        stream.writelines(f"  {failure}\n" for failure in failures)
    assert failures == [], f"{len(failures)} findings, first: {failures[:20]}"


@pytest.fixture
def world(app) -> World:
    return secrets.build(app)


def test_every_surface_is_classified(app) -> None:
    actions = classified("actions", ACTION_CLASSES)
    routes = classified("routes", ROUTE_CLASSES)
    registered = registered_actions()
    endpoints = set(get_routes(app))
    assert sorted(registered - set(actions)) == [], "actions to classify in surfaces.yaml"
    assert sorted(set(actions) - registered) == [], "actions gone: remove them from surfaces.yaml"
    assert sorted(endpoints - set(routes)) == [], "GET routes to classify in surfaces.yaml"
    assert sorted(set(routes) - endpoints) == [], "routes gone: remove them from surfaces.yaml"


def test_no_action_gives_an_outsider_anything(app, world: World) -> None:
    actions = classified("actions", ACTION_CLASSES)
    failures: list[str] = []
    asked = 0
    before = fingerprint()
    # reads first: a write (unfollow...) could hide what a read would leak
    order = sorted(actions, key=lambda name: (ACTION_CLASSES.index(actions[name]), name))
    for action in order:
        kind = actions[action]
        for user in OUTSIDERS:
            payloads = list(read_payloads(world, user) if kind == "read" else write_payloads(world, user))
            for payload in payloads:
                asked += 1
                status, text = ask_action(app, world, user, action, payload)
                where = f"{action} as {user} with {json.dumps(payload)[:160]}"
                if status not in KNOWN_STATUSES:
                    failures.append(f"{where}: status {status}: {text[:300]}")
                leaked = world.leaked(text, json.dumps(payload))
                if leaked:
                    failures.append(f"{where}: leaks {leaked}")
                if kind == "sysadmin" and status == 200:
                    failures.append(f"{where}: sysadmin only, yet done")
        if kind != "read" and fingerprint() != before:
            failures.append(f"{action}: an outsider changed the secrets: {fingerprint()} != {before}")
            before = fingerprint()
    report("actions", asked, failures)


# --- routes ------------------------------------------------------------------

VARIABLE = re.compile(r"<(?:[a-z_]+(?:\([^)]*\))?:)?([a-z_]+)>")


def _sides(world: World) -> list[dict[str, list[str]]]:
    """Dataset, resources and activities that go together in a URL; the
    last pairs the restricted dataset with the private one's resource and
    activity, as an attacker would try."""
    restricted_resources = [world.link["id"], world.untitled["id"], world.upload["id"]]
    return [
        {
            "dataset": [world.restricted["name"]],
            "resource_id": restricted_resources,
            "activity_id": world.activities["restricted"],
        },
        {
            "dataset": [world.private["name"], world.private["id"]],
            "resource_id": [world.private_resource["id"]],
            "activity_id": world.activities["private"],
        },
        {
            "dataset": [world.restricted["name"]],
            "resource_id": [world.private_resource["id"]],
            "activity_id": world.activities["private"][:1],
        },
    ]


def _id_values(world: World, endpoint: str, user: str, datasets: list[str]) -> list[str]:
    """What an `<id>` names depends on the blueprint."""
    blueprint = endpoint.split(".")[0]
    own = world.users.get(user)
    by_endpoint = {
        "harvester.object_show": list(world.harvest_objects.values()),
        "activity.user_activity": [world.users["member"]["name"]],
        "activity.organization_activity": [world.organization["name"]],
        "activity.organization_changes": [world.organization["name"]],
        "activity.group_activity": [world.group["name"]],
        "activity.group_changes": [world.group["name"]],
    }
    by_blueprint = {
        "organization": [world.organization["name"]],
        "group": [world.group["name"]],
        "user": [world.users["member"]["name"]] + ([own["name"]] if own else []),
        "bouquet": [world.bouquet["name"], *datasets],
        "bouquet_resource": [world.bouquet["name"], *datasets],
        "harvest": [world.source["name"], *datasets],
        "harvest_resource": [world.source["name"], *datasets],
        "harvester": [world.source["name"], world.harvest_objects["restricted"]],
        "feeds": [world.organization["name"], world.group["name"], secrets.PRIVATE_TAG],
        "file": world.file_ids or ["absent"],
        "ecologie_themes": ["eau"],
    }
    return by_endpoint.get(endpoint) or by_blueprint.get(blueprint, datasets)


def _values(world: World, endpoint: str, variable: str, user: str, side: dict[str, list[str]]) -> list[str]:
    table: dict[str, list[str]] = {
        "id": _id_values(world, endpoint, user, side["dataset"]),
        "_id": side["dataset"],
        "resource_id": side["resource_id"],
        "activity_id": side["activity_id"],
        "view_id": [world.view["id"]],
        "package_type": ["dataset"],
        "_format": ["rdf", "ttl", "jsonld"],
        "extension": ["rdf", "ttl", "jsonld"],
        "filename": [secrets.UPLOAD_NAME],
        "source": [world.source["name"]],
        "lang": ["fr"],
        "ver": ["3"],
        "storage_name": ["default"],
        "location": [secrets.UPLOAD_NAME],
        "token": ["invalide"],
        "path": [f"dataset/{dataset}" for dataset in side["dataset"]],
    }
    if variable not in table:
        raise AssertionError(f"{endpoint}: no value for <{variable}>: add one to the route sweep")
    return table[variable]


SEARCH_QUERY = f"q={SEARCH_WORD}&incomplete={SEARCH_WORD}"


def route_urls(world: World, endpoint: str, rule: str, user: str) -> set[str]:
    urls: set[str] = set()
    variables = VARIABLE.findall(rule)
    for side in _sides(world):
        filled = [rule]
        for variable in variables:
            values = _values(world, endpoint, variable, user, side)
            pattern = re.compile(r"<(?:[a-z_]+(?:\([^)]*\))?:)?" + variable + ">")
            filled = [pattern.sub(value, url, count=1) for url in filled for value in values]
        urls.update(filled)
        if not {"resource_id", "activity_id", "view_id"} & set(variables):
            urls.update(f"{url}?{SEARCH_QUERY}" for url in filled)  # searches, autocompletes, lists
    return urls


def test_no_route_gives_an_outsider_anything(app, world: World) -> None:
    routes = classified("routes", ROUTE_CLASSES)
    failures: list[str] = []
    asked = 0
    before = fingerprint()
    for endpoint, rules in sorted(get_routes(app).items()):
        kind = routes.get(endpoint)
        if kind in ("static", "action"):
            continue
        for rule in rules:
            for user in OUTSIDERS:
                for url in sorted(route_urls(world, endpoint, rule, user)):
                    asked += 1
                    headers = world.headers(user)
                    status, text = fetch(partial(app.get, url, headers=headers, follow_redirects=False))
                    where = f"{endpoint} {url} as {user}"
                    if status not in PAGE_STATUSES:
                        failures.append(f"{where}: status {status}: {text[:200]}")
                    leaked = world.leaked(text, url)
                    if leaked:
                        failures.append(f"{where}: leaks {leaked}")
                    if kind == "sysadmin" and status not in (302, 403, 404):
                        failures.append(f"{where}: sysadmin only, answered {status}")
    assert fingerprint() == before
    report("routes", asked, failures)
