"""Agents log in with ProConnect, through the real OpenID Connect provider of
`make services`: accounts found by the provider's subject, memberships from
the portal's mapping, and every forged or broken answer refused with nothing
stored and nobody logged in."""

from __future__ import annotations

import base64
import json
import time
import urllib.parse
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
import pytest
import requests
from ckan.tests import factories

from ckanext.ecologie.access.model import AccessAudit
from ckanext.ecologie.agents import mapping
from ckanext.ecologie.agents.model import AgentIdentity, MappedMembership
from ckanext.ecologie.tests.agents.provider import (
    CLIENT_ID,
    TamperingFront,
    at_provider,
    dashboard,
    discovery_url,
    issuer,
    local_path,
    log_in,
    payload,
)
from ckanext.ecologie.tests.browser.portal import free_port

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")

SIRET = "13000000000001"
CAMILLE = {
    "email": "camille.martin@dreal.example.org",
    "given_name": "Camille",
    "usual_name": "Martin",
    "siret": SIRET,
    "idp_id": "idp-dreal",
}


def _load(*entries: dict[str, Any]) -> None:
    mapping.replace(mapping.parse({"organizations": list(entries)}))


def _capacity(user_id: str, organization_id: str) -> str | None:
    member = (
        model.Session.query(model.Member)
        .filter_by(group_id=organization_id, table_name="user", table_id=user_id, state="active")
        .first()
    )
    return member.capacity if member else None


def _granted_by_an_admin(organization_id: str, user_name: str, role: str) -> None:
    admin = factories.Sysadmin()
    tk.get_action("organization_member_create")(
        {"user": admin["name"]}, {"id": organization_id, "username": user_name, "role": role}
    )


def _stored() -> tuple[int, int, int, int]:
    model.Session.remove()
    return (
        model.Session.query(model.User).count(),
        model.Session.query(AgentIdentity).count(),
        model.Session.query(AccessAudit).count(),
        model.Session.query(model.Member).filter_by(table_name="user", state="active").count(),
    )


def _agent(subject: str) -> model.User:
    identity = model.Session.get(AgentIdentity, (issuer(), subject))
    assert identity is not None
    return model.User.get(identity.user_id)


def test_first_login_creates_the_account_and_joins_the_mapped_organisation(app) -> None:
    dreal = factories.Organization(name="dreal-occitanie")
    _load({"organization": "dreal-occitanie", "siret": [SIRET]})

    answer = log_in(app, "agent-camille", CAMILLE, came_from="/dataset/")

    assert answer.status_code == 302
    assert answer.headers["Location"].endswith("/dataset/")
    user = _agent("agent-camille")
    assert (user.name, user.fullname, user.email, user.sysadmin) == (
        "camille-martin",
        "Camille Martin",
        "camille.martin@dreal.example.org",
        False,
    )
    assert _capacity(user.id, dreal["id"]) == "member"
    assert dashboard(app).status_code == 200
    events = sorted((row.event, row.user_id, row.organization_id) for row in model.Session.query(AccessAudit).all())
    assert events == [("login", user.id, None), ("member_added", user.id, dreal["id"])]
    login = model.Session.query(AccessAudit).filter_by(event="login").one()
    assert login.details == {
        "provider": issuer(),
        "account_created": True,
        "siret": SIRET,
        "idp_id": "idp-dreal",
    }


def test_the_same_subject_is_the_same_account_and_memberships_follow_the_mapping(app) -> None:
    first = factories.Organization(name="dreal-occitanie")
    second = factories.Organization(name="ddt-herault")
    by_admin = factories.Organization(name="agence-eau")
    _load({"organization": "dreal-occitanie", "siret": [SIRET]})
    log_in(app, "agent-camille", CAMILLE)
    user = _agent("agent-camille")
    _granted_by_an_admin(by_admin["id"], user.name, "editor")

    _load({"organization": "ddt-herault", "email_domains": ["dreal.example.org"]})
    app.get("/user/_logout", follow_redirects=False)
    answer = log_in(app, "agent-camille", {**CAMILLE, "usual_name": "Martin-Durand"})

    assert answer.status_code == 302
    model.Session.remove()
    assert model.Session.query(model.User).filter_by(email=CAMILLE["email"]).count() == 1
    user = _agent("agent-camille")
    assert user.fullname == "Camille Martin-Durand"
    assert _capacity(user.id, first["id"]) is None  # the mapping gave it, the mapping took it back
    assert _capacity(user.id, second["id"]) == "member"
    assert _capacity(user.id, by_admin["id"]) == "editor"  # an admin's doing: untouched
    assert sorted(row.organization_id for row in model.Session.query(MappedMembership)) == [second["id"]]
    removed = model.Session.query(AccessAudit).filter_by(event="member_removed").one()
    assert (removed.user_id, removed.organization_id) == (user.id, first["id"])


def test_a_membership_an_admin_raised_is_not_taken_back(app) -> None:
    dreal = factories.Organization(name="dreal-occitanie")
    _load({"organization": "dreal-occitanie", "siret": [SIRET]})
    log_in(app, "agent-camille", CAMILLE)
    user = _agent("agent-camille")
    _granted_by_an_admin(dreal["id"], user.name, "editor")

    _load()
    app.get("/user/_logout", follow_redirects=False)
    log_in(app, "agent-camille", CAMILLE)

    assert _capacity(user.id, dreal["id"]) == "editor"
    assert model.Session.query(MappedMembership).count() == 0


def test_an_existing_account_is_never_joined_by_its_e_mail_address(app) -> None:
    owner = factories.User(name="camille", email=CAMILLE["email"])
    before = _stored()

    answer = log_in(app, "someone-else", CAMILLE)

    assert answer.status_code == 403
    assert "Un compte de ce portail utilise déjà cette adresse e-mail." in answer.body
    assert _stored() == before
    assert dashboard(app).status_code != 200
    assert model.User.get(owner["id"]).email == CAMILLE["email"]


def test_a_disabled_account_cannot_log_in(app) -> None:
    log_in(app, "agent-camille", CAMILLE)
    user = _agent("agent-camille")
    user.state = "deleted"
    model.Session.commit()
    app.get("/user/_logout", follow_redirects=False)
    before = _stored()

    answer = log_in(app, "agent-camille", CAMILLE)

    assert answer.status_code == 403
    assert _stored() == before
    assert dashboard(app).status_code != 200


def _refused(app: Any, answer: Any, before: tuple[int, int, int, int]) -> None:
    assert answer.status_code == 400, answer.body[:300]
    assert 'id="proconnect-error"' in answer.body
    assert _stored() == before
    assert dashboard(app).status_code != 200


@pytest.mark.parametrize(
    "forged",
    [
        {"aud": "another-portal"},
        {"exp": int(time.time()) - 3600, "iat": int(time.time()) - 7200},
        {"nonce": "the-nonce-of-an-earlier-login"},
        {"iss": "http://127.0.0.1:1/another-provider"},
        {"sub": ""},
    ],
    ids=["wrong audience", "expired", "replayed nonce", "wrong issuer", "no subject"],
)
def test_an_id_token_with_wrong_claims_is_refused(app, forged: dict[str, Any]) -> None:
    factories.Organization(name="dreal-occitanie")
    _load({"organization": "dreal-occitanie", "siret": [SIRET]})
    before = _stored()

    answer = log_in(app, "agent-camille", {**CAMILLE, **forged})

    _refused(app, answer, before)


def _resigned_payload(token: str) -> str:
    """The same signature over a payload that now names another subject."""
    header, _, signature = token.split(".")
    claims = {**payload(token), "sub": "the-minister"}
    body = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{body}.{signature}"


def _signed_by_another_issuer(token: str) -> str:
    """A token with every claim the portal expects, signed by another
    issuer's key (the provider's `other` issuer)."""
    claims = payload(token)
    # From the real issuer, not from the configured discovery address: while
    # the front runs, that one is the front's, whose token endpoint would
    # call this function again.
    other = claims["iss"].removesuffix("/proconnect") + "/other/.well-known/openid-configuration"
    endpoints = requests.get(other, timeout=10).json()
    redirect = "http://127.0.0.1/forged"
    authorize = (
        endpoints["authorization_endpoint"]
        + "?"
        + requests.compat.urlencode(
            {"client_id": CLIENT_ID, "redirect_uri": redirect, "response_type": "code", "scope": "openid", "state": "x"}
        )
    )
    keep = {key: claims[key] for key in ("iss", "aud", "nonce", "email", "siret") if key in claims}
    back = at_provider(authorize, claims["sub"], keep)
    code = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(back).query))["code"]
    forged = requests.post(
        endpoints["token_endpoint"],
        data={"grant_type": "authorization_code", "code": code, "redirect_uri": redirect, "client_id": CLIENT_ID},
        timeout=10,
    ).json()["id_token"]
    assert payload(forged)["iss"] == claims["iss"]  # the claims lie; only the key tells
    return forged


@pytest.mark.parametrize(
    "tamper", [_resigned_payload, _signed_by_another_issuer], ids=["payload changed", "foreign key"]
)
def test_an_id_token_with_a_bad_signature_is_refused(app, monkeypatch, tamper: Any) -> None:
    before = _stored()
    with TamperingFront(tamper) as front:
        monkeypatch.setitem(tk.config, "ckanext.ecologie.proconnect.discovery_url", front.url)
        answer = log_in(app, "agent-camille", CAMILLE)

    assert (front.tampered, front.failures) == (1, [])
    _refused(app, answer, before)


def test_a_state_that_does_not_match_is_refused(app) -> None:
    before = _stored()
    start = app.get("/user/login/proconnect", follow_redirects=False)
    back = at_provider(start.headers["Location"], "agent-camille", CAMILLE)
    wrong = local_path(back).replace("state=", "state=x")

    _refused(app, app.get(wrong, follow_redirects=False), before)


def test_a_callback_replayed_after_the_login_is_refused(app) -> None:
    start = app.get("/user/login/proconnect", follow_redirects=False)
    back = local_path(at_provider(start.headers["Location"], "agent-camille", CAMILLE))
    assert app.get(back, follow_redirects=False).status_code == 302
    app.get("/user/_logout", follow_redirects=False)
    before = _stored()

    _refused(app, app.get(back, follow_redirects=False), before)


def test_a_provider_that_is_down_gives_a_clear_page(app, monkeypatch) -> None:
    closed = f"http://127.0.0.1:{free_port()}/.well-known/openid-configuration"
    monkeypatch.setitem(tk.config, "ckanext.ecologie.proconnect.discovery_url", closed)
    before = _stored()

    answer = app.get("/user/login/proconnect", follow_redirects=False)

    assert answer.status_code == 503
    assert 'id="proconnect-error"' in answer.body
    assert _stored() == before


def test_logout_leaves_the_provider_too(app) -> None:
    log_in(app, "agent-camille", CAMILLE)

    answer = app.get("/user/_logout", follow_redirects=False)

    assert answer.status_code == 302
    location = answer.headers["Location"]
    end_session = requests.get(discovery_url(), timeout=10).json()["end_session_endpoint"]
    assert location.startswith(end_session + "?")
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query))
    assert payload(query["id_token_hint"])["sub"] == "agent-camille"
    assert query["post_logout_redirect_uri"] == tk.config["ckan.site_url"] + "/user/logged_out_redirect"
    assert dashboard(app).status_code != 200


def test_a_membership_an_admin_took_away_is_not_given_back(app) -> None:
    dreal = factories.Organization(name="dreal-occitanie")
    _load({"organization": "dreal-occitanie", "siret": [SIRET]})
    log_in(app, "agent-camille", CAMILLE)
    user = _agent("agent-camille")
    admin = factories.Sysadmin()
    tk.get_action("organization_member_delete")({"user": admin["name"]}, {"id": dreal["id"], "username": user.name})
    app.get("/user/_logout", follow_redirects=False)

    log_in(app, "agent-camille", CAMILLE)

    assert _capacity(user.id, dreal["id"]) is None
    assert model.Session.query(AccessAudit).filter_by(event="member_added").count() == 1


def test_a_name_the_portal_reserves_is_not_given(app) -> None:
    answer = log_in(app, "agent-new", {**CAMILLE, "given_name": "New", "usual_name": ""})

    assert answer.status_code == 302
    assert _agent("agent-new").name == "new-2"


def test_only_local_addresses_are_followed_after_login(app) -> None:
    answer = log_in(app, "agent-camille", CAMILLE, came_from="//evil.example.org/x")

    assert answer.status_code == 302
    assert answer.headers["Location"] == tk.config["ckan.site_url"] + "/dashboard/datasets"


def test_a_logged_in_user_is_asked_to_log_out_first(app) -> None:
    log_in(app, "agent-camille", CAMILLE)

    answer = app.get("/user/login/proconnect", follow_redirects=False)

    assert answer.status_code == 200
    assert "Vous êtes déjà connecté  sous le nom de camille-martin." in answer.body
