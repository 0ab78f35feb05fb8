"""A restricted API leaks no more than a restricted dataset: its endpoint
is its data (as a distribution's address is a dataset's), shown to those
who may use it only; its description, documentation and the address where
to ask for access stay public. Asked on every read action and every page,
with the secrets portal of the access tests (tests/access/world.py)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import partial
from typing import Any

import pytest
from ckan import model
from ckanext.harvest.model import HarvestJob

from ckanext.ecologie.tests.access import test_every_surface as sweep
from ckanext.ecologie.tests.access import world as secrets
from ckanext.ecologie.tests.access.world import OUTSIDERS, World
from ckanext.ecologie.tests.helpers import call

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

ENDPOINT = "https://secret.example.org/api/releves-9b2e41/"
MARKER = "releves-9b2e41"  # what no outsider may receive, in any form
DOCUMENTATION = "https://docs.example.org/api-releves/openapi.json"
REQUEST_URL = "https://demande.example.org/api-releves"


@dataclass
class Portal:
    world: World
    service: dict[str, Any]
    harvest_object: str
    activities: list[str]


def _post(app, action: str, payload: dict[str, Any], token: str | None) -> dict[str, Any]:
    response = app.post(f"/api/3/action/{action}", json=payload, headers={"Authorization": token} if token else {})
    assert response.status_code == 200, (action, response.get_data(as_text=True)[:500])
    return response.json["result"]


@pytest.fixture
def portal(app) -> Portal:
    world = secrets.build(app)
    service = _post(
        app,
        "package_create",
        {
            "type": "dataservice",
            "name": "api-releves-restreints",
            "title": "API des relevés piézométriques",
            "notes": "Relevés en temps réel",
            "owner_org": world.organization["id"],
            "endpoint_url": ENDPOINT,
            "endpoint_description": DOCUMENTATION,
            "access_rights": "restricted",
            "access_reason_category": "h",
            "authorization_request_url": REQUEST_URL,
            # as catalogues publish APIs: the endpoint is also the record's
            # URI, identifier and page (udata.xml, bnodes.xml)
            "url": ENDPOINT,
            "extras": [
                {"key": "uri", "value": ENDPOINT},
                {"key": "identifier", "value": ENDPOINT.rstrip("/")},
                {"key": "source_record_url", "value": ENDPOINT + "?format=json"},
            ],
        },
        world.tokens["member"],
    )
    # what the source served, as ckanext-harvest keeps it
    harvest_object = secrets._harvest_object(
        model.Session.get(HarvestJob, world.job_id),
        world.source["id"],
        service,
        {"dataset": {"title": service["title"], "endpoint_url": ENDPOINT}},
    )
    model.Session.commit()
    activities = [activity["id"] for activity in call("package_activity_list", id=service["id"], limit=100)]
    return Portal(world, service, harvest_object, activities)


def _leaks(text: str, asked: str) -> bool:
    return MARKER in text and MARKER not in asked


def test_the_endpoint_is_for_those_who_may_use_the_data(app, portal: Portal) -> None:
    world, service = portal.world, portal.service
    for user in (*OUTSIDERS, "member", "sysadmin"):
        shown = app.get("/api/3/action/package_show", params={"id": service["id"]}, headers=world.headers(user)).json[
            "result"
        ]
        authorised = user in ("member", "sysadmin")
        assert (shown.get("endpoint_url"), shown.get("access_restricted", False)) == (
            (ENDPOINT, False) if authorised else (None, True)
        ), user
        # public: the documentation and where to ask for access
        assert (shown["endpoint_description"], shown["authorization_request_url"]) == (DOCUMENTATION, REQUEST_URL)
        page = app.get(f"/dataservice/{service['name']}", headers=world.headers(user)).get_data(as_text=True)
        assert (ENDPOINT in page, DOCUMENTATION in page) == (authorised, True), user
    # a grant on the API opens it, as on a dataset
    call(
        "ecologie_access_grant_create",
        user=world.users["plain"]["name"],
        package_id=service["id"],
    )
    shown = app.get("/api/3/action/package_show", params={"id": service["id"]}, headers=world.headers("plain"))
    assert shown.json["result"]["endpoint_url"] == ENDPOINT


def _payloads(portal: Portal) -> list[dict[str, Any]]:
    service = portal.service
    targets = [service["id"], service["name"], portal.harvest_object, *portal.activities]
    typed = {"package_id": service["id"], "dataset_id": service["id"], "object_type": "package"}
    fields = "id name endpoint_url extras_endpoint_url data_dict validated_data_dict res_url urls"
    return [
        *({**sweep.FLAGS, **typed, "id": value, "name_or_id": value, "object": value} for value in targets),
        {"q": "type:dataservice", "fl": fields, **sweep.FLAGS},
        {"q": "*:*", "fq": "dataset_type:dataservice", "fl": fields, **sweep.FLAGS},
        {"q": "type:dataservice", **sweep.FLAGS},
        {"q": MARKER[:8], "fq": "type:dataservice", "query": MARKER[:8], "incomplete": MARKER[:8]},
        {"q": "endpoint_url:https\\://secret.example.org*", "fq": "type:dataservice"},
        {"q": "extras_endpoint_url:releves*", "fq": "type:dataservice"},
    ]


def test_no_read_action_gives_an_outsider_the_endpoint(app, portal: Portal) -> None:
    actions = sweep.classified("actions", sweep.ACTION_CLASSES)
    failures: list[str] = []
    for action in sorted(name for name, kind in actions.items() if kind == "read"):
        for user in OUTSIDERS:
            for payload in _payloads(portal):
                status, text = sweep.ask_action(app, portal.world, user, action, payload)
                where = f"{action} as {user} with {json.dumps(payload)[:160]}"
                if status not in sweep.KNOWN_STATUSES:
                    failures.append(f"{where}: status {status}: {text[:300]}")
                if _leaks(text, json.dumps(payload)):
                    failures.append(f"{where}: leaks the endpoint")
    assert failures == []
    # the endpoint's words are no oracle either: searching them finds nothing
    # (the documentation's address, public, shares "example.org")
    for query in ("text:secret", "text:9b2e41", "endpoint_url:*", "extras_endpoint_url:*", "urls:*secret*"):
        found = app.get(
            "/api/3/action/package_search",
            params={"q": query, "fq": "type:dataservice"},
            headers=portal.world.headers("plain"),
        ).json["result"]
        assert found["count"] == 0, query


def test_no_page_gives_an_outsider_the_endpoint(app, portal: Portal) -> None:
    routes = sweep.classified("routes", sweep.ROUTE_CLASSES)
    side = {
        "dataset": [portal.service["name"], portal.service["id"]],
        "resource_id": ["absent"],
        "activity_id": portal.activities,
    }
    failures: list[str] = []
    for endpoint, rules in sorted(sweep.get_routes(app).items()):
        if routes.get(endpoint) in ("static", "action"):
            continue
        for rule in rules:
            for user in OUTSIDERS:
                for url in _urls(portal, endpoint, rule, user, side):
                    status, text = sweep.fetch(
                        partial(app.get, url, headers=portal.world.headers(user), follow_redirects=False)
                    )
                    if status not in sweep.PAGE_STATUSES:
                        failures.append(f"{endpoint} {url} as {user}: status {status}: {text[:200]}")
                    if _leaks(text, url):
                        failures.append(f"{endpoint} {url} as {user}: leaks the endpoint")
    assert failures == []


def _urls(portal: Portal, endpoint: str, rule: str, user: str, side: dict[str, list[str]]) -> list[str]:
    """The rule's addresses aimed at the API (as tests/access/test_every_surface.py fills them)."""
    filled = [rule]
    for variable in sweep.VARIABLE.findall(rule):
        values = (
            [portal.harvest_object]
            if endpoint == "harvester.object_show"
            else sweep._values(portal.world, endpoint, variable, user, side)
        )
        pattern = re.compile(r"<(?:[a-z_]+(?:\([^)]*\))?:)?" + variable + ">")
        filled = [pattern.sub(value, url, count=1) for url in filled for value in values]
    return filled
