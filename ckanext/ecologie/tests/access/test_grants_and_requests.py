"""Grants, access requests, decisions, e-mails and the audit log."""

from __future__ import annotations

import datetime

import ckan.plugins.toolkit as tk
import pytest
from ckan import model
from ckan.cli.cli import ckan
from ckan.tests import factories
from ckan.tests.helpers import call_action

from ckanext.ecologie.access.model import AccessGrant

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
SECRET = "https://secret.example.org/eaux-souterraines.csv"


@pytest.fixture
def people() -> dict[str, dict]:
    names = ("admin", "editor", "agent", "stranger", "other_admin")
    users = {name: factories.User(name=f"u-{name}", email=f"{name}@example.org") for name in names}
    users["sysadmin"] = factories.Sysadmin()
    org = factories.Organization(
        name="dreal",
        users=[
            {"name": users["admin"]["name"], "capacity": "admin"},
            {"name": users["editor"]["name"], "capacity": "editor"},
        ],
    )
    factories.Organization(name="autre", users=[{"name": users["other_admin"]["name"], "capacity": "admin"}])
    users["org"] = org
    users["dataset"] = factories.Dataset(
        owner_org=org["id"], access_rights="restricted", resources=[{"url": SECRET, "name": "Données"}]
    )
    users["open"] = factories.Dataset(owner_org=org["id"], resources=[{"url": "https://example.org/open.csv"}])
    return users


def _as(user: dict) -> dict:
    return {"user": user["name"], "ignore_auth": False}


def _sees_data(app, user: dict, dataset: dict) -> bool:
    token = factories.APIToken(user=user["name"])["token"]
    body = app.get("/api/3/action/package_show", params={"id": dataset["id"]}, headers={"Authorization": token}).body
    return SECRET in body


def test_grant_gives_access_and_revoking_removes_it_on_the_next_request(app, people) -> None:
    agent, dataset = people["agent"], people["dataset"]
    assert not _sees_data(app, agent, dataset)
    grant = call_action(
        "ecologie_access_grant_create", context=_as(people["admin"]), user=agent["name"], package_id=dataset["id"]
    )
    assert _sees_data(app, agent, dataset)
    call_action("ecologie_access_grant_delete", context=_as(people["admin"]), id=grant["id"])
    assert not _sees_data(app, agent, dataset)


def test_an_organisation_grant_covers_its_datasets(app, people) -> None:
    call_action(
        "ecologie_access_grant_create",
        context=_as(people["sysadmin"]),
        user=people["agent"]["name"],
        organization_id=people["org"]["id"],
    )
    assert _sees_data(app, people["agent"], people["dataset"])


def test_a_grant_ends_at_its_expiry_without_any_job(app, people, cli) -> None:
    agent = people["agent"]
    tomorrow = (datetime.datetime.utcnow() + datetime.timedelta(days=1)).isoformat()
    grant = call_action(
        "ecologie_access_grant_create",
        context=_as(people["admin"]),
        user=agent["name"],
        package_id=people["dataset"]["id"],
        expires=tomorrow,
    )
    assert _sees_data(app, agent, people["dataset"])
    record = model.Session.get(AccessGrant, grant["id"])
    record.expires = datetime.datetime.utcnow() - datetime.timedelta(seconds=1)
    model.Session.commit()
    assert not _sees_data(app, agent, people["dataset"])

    result = cli.invoke(ckan, ["ecologie", "access", "expire"])
    assert result.exit_code == 0, result.output
    assert "1 grants expired" in result.output
    events = [entry["event"] for entry in call_action("ecologie_access_audit_list", context=_as(people["sysadmin"]))]
    assert events[:2] == ["expire", "grant"]


def test_only_admins_of_the_owning_organisation_grant(people) -> None:
    for who in ("editor", "stranger", "other_admin", "agent"):
        with pytest.raises(tk.NotAuthorized):
            call_action(
                "ecologie_access_grant_create",
                context=_as(people[who]),
                user=people["agent"]["name"],
                package_id=people["dataset"]["id"],
            )
    with pytest.raises(tk.NotAuthorized):
        call_action(
            "ecologie_access_grant_create",
            context=_as(people["admin"]),
            user=people["agent"]["name"],
            organization_id=model.Group.get("autre").id,
        )


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"package_id": "nope"}, "package_id"),
        ({}, "package_id"),
        ({"expires": "2001-01-01"}, "expires"),
        ({"expires": "demain"}, "expires"),
        ({"user": "personne"}, "user"),
    ],
)
def test_bad_grants_are_refused_naming_the_field(people, payload, field) -> None:
    data = {"user": people["agent"]["name"], "package_id": people["dataset"]["id"], **payload}
    data = {key: value for key, value in data.items() if not (key == "package_id" and payload == {})}
    with pytest.raises(tk.ValidationError) as raised:
        call_action("ecologie_access_grant_create", context=_as(people["sysadmin"]), **data)
    assert field in raised.value.error_dict
    assert model.Session.query(AccessGrant).count() == 0


def test_a_government_email_domain_grants_nothing(app, people) -> None:
    agent = factories.User(email="agent@developpement-durable.gouv.fr")
    assert not _sees_data(app, agent, people["dataset"])


def test_request_decision_mail_and_audit(app, people, smtp_server) -> None:
    agent, admin, dataset = people["agent"], people["admin"], people["dataset"]
    request = call_action(
        "ecologie_access_request_create", context=_as(agent), package_id=dataset["id"], reason="Étude d'impact"
    )
    assert request["status"] == "pending"
    assert any("admin@example.org" in to for to, _ in smtp_server.messages)

    listed = call_action("ecologie_access_request_list", context=_as(admin))
    assert [item["id"] for item in listed] == [request["id"]]
    assert call_action("ecologie_access_request_list", context=_as(people["other_admin"])) == []
    assert [item["id"] for item in call_action("ecologie_access_request_list", context=_as(agent))] == [request["id"]]

    with pytest.raises(tk.NotAuthorized):
        call_action(
            "ecologie_access_request_decide", context=_as(people["other_admin"]), id=request["id"], decision="approve"
        )
    with pytest.raises(tk.NotAuthorized):
        call_action("ecologie_access_request_decide", context=_as(agent), id=request["id"], decision="approve")

    token = factories.APIToken(user=admin["name"])["token"]
    decided = app.post(
        "/api/3/action/ecologie_access_request_decide",
        json={"id": request["id"], "decision": "approve"},
        headers={"Authorization": token},
    ).json["result"]
    assert decided["status"] == "approved"
    assert _sees_data(app, agent, dataset)
    assert any("agent@example.org" in to and "approuvée" in body for to, body in smtp_server.messages), (
        smtp_server.messages
    )

    with pytest.raises(tk.ValidationError) as raised:
        call_action(
            "ecologie_access_request_decide", context=_as(admin), id=request["id"], decision="deny", reason="trop tard"
        )
    assert "id" in raised.value.error_dict

    audit = call_action("ecologie_access_audit_list", context=_as(admin))
    assert [entry["event"] for entry in audit] == ["grant", "approve", "request"]
    assert all(entry["package_id"] == dataset["id"] for entry in audit)
    assert call_action("ecologie_access_audit_list", context=_as(people["other_admin"])) == []
    with pytest.raises(tk.NotAuthorized):
        call_action("ecologie_access_audit_list", context=_as(agent))


def test_a_refusal_needs_a_reason_and_is_told(app, people, smtp_server) -> None:
    agent, admin, dataset = people["agent"], people["admin"], people["dataset"]
    request = call_action(
        "ecologie_access_request_create", context=_as(agent), package_id=dataset["id"], reason="Curiosité"
    )
    with pytest.raises(tk.ValidationError) as raised:
        call_action("ecologie_access_request_decide", context=_as(admin), id=request["id"], decision="deny")
    assert "reason" in raised.value.error_dict
    call_action(
        "ecologie_access_request_decide",
        context=_as(admin),
        id=request["id"],
        decision="deny",
        reason="Données réservées aux services instructeurs",
    )
    assert not _sees_data(app, agent, dataset)
    assert any("Données réservées aux services instructeurs" in body for _, body in smtp_server.messages)


@pytest.mark.parametrize(
    ("who", "payload", "error"),
    [
        ("agent", {"reason": ""}, "reason"),
        ("agent", {"reason": "x" * 2001}, "reason"),
        ("agent", {"reason": "   "}, "reason"),
        ("agent", {"reason": 5}, "reason"),  # not text: refused, not a 500
        ("agent", {"reason": ["Étude"]}, "reason"),
        ("agent", {"package_id": "open"}, "package_id"),
        ("editor", {}, "package_id"),  # already has access
    ],
)
def test_bad_requests_are_refused(people, smtp_server, who, payload, error) -> None:
    data = {"package_id": people["dataset"]["id"], "reason": "Étude", **payload}
    if data["package_id"] == "open":
        data["package_id"] = people["open"]["id"]
    with pytest.raises(tk.ValidationError) as raised:
        call_action("ecologie_access_request_create", context=_as(people[who]), **data)
    assert error in raised.value.error_dict


def test_a_second_pending_request_is_refused_and_anonymous_cannot_ask(app, people, smtp_server) -> None:
    data = {"package_id": people["dataset"]["id"], "reason": "Étude"}
    call_action("ecologie_access_request_create", context=_as(people["agent"]), **data)
    with pytest.raises(tk.ValidationError):
        call_action("ecologie_access_request_create", context=_as(people["agent"]), **data)
    response = app.post("/api/3/action/ecologie_access_request_create", json=data, status=403)
    assert response.json["success"] is False


def test_the_cli_grants_lists_and_revokes(app, people, cli) -> None:
    result = cli.invoke(
        ckan, ["ecologie", "access", "grant", people["agent"]["name"], "--dataset", people["dataset"]["name"]]
    )
    assert result.exit_code == 0, result.output
    grant_id = result.output.split("Granted: ")[1].split()[0]
    listed = cli.invoke(ckan, ["ecologie", "access", "list", "--dataset", people["dataset"]["name"]])
    assert grant_id in listed.output and people["agent"]["name"] in listed.output
    assert _sees_data(app, people["agent"], people["dataset"])
    assert cli.invoke(ckan, ["ecologie", "access", "revoke", grant_id]).exit_code == 0
    assert not _sees_data(app, people["agent"], people["dataset"])
    bad = cli.invoke(ckan, ["ecologie", "access", "grant", "personne", "--dataset", people["dataset"]["name"]])
    assert bad.exit_code == 1 and "user" in bad.output
