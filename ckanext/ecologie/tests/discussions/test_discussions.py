"""Discussions: each permission and each bad input of the issue, notices,
counts."""

from __future__ import annotations

import datetime

import ckan.plugins.toolkit as tk
import pytest
from ckan import model
from ckan.tests import factories
from ckan.tests.helpers import call_action

from ckanext.ecologie.discussions.model import DiscussionPost
from ckanext.ecologie.tests.helpers import make_dataset

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


def _as(user: dict) -> dict:
    return {"user": user["name"], "ignore_auth": False}


@pytest.fixture
def place() -> dict:
    admin, member, author, other = (
        factories.User(email=f"{name}@example.org") for name in ("adm", "mem", "aut", "oth")
    )
    org = factories.Organization(
        users=[{"name": admin["name"], "capacity": "admin"}, {"name": member["name"], "capacity": "member"}]
    )
    dataset = make_dataset(owner_org=org["id"], title="Qualité des rivières")
    return {"admin": admin, "member": member, "author": author, "other": other, "org": org, "dataset": dataset}


def _open(place: dict, who: str = "author", **fields) -> dict:
    data = {
        "subject_id": place["dataset"]["id"],
        "title": "Fréquence des mesures",
        "body": "Quelle fréquence ?",
        **fields,
    }
    return call_action("ecologie_discussion_create", context=_as(place[who]), **data)


def test_open_reply_and_notify(place, smtp_server) -> None:
    thread = _open(place)
    assert any("adm@example.org" in to for to, _ in smtp_server.messages)  # the organisation's admin
    call_action("ecologie_discussion_reply", context=_as(place["other"]), thread_id=thread["id"], body="Mensuelle.")
    replied_to = [to for to, _ in smtp_server.messages[1:]]
    assert any("aut@example.org" in to for to in replied_to)  # the participant
    assert not any("oth@example.org" in to for to in replied_to)  # not the one who wrote
    threads = call_action("ecologie_discussion_list", context=_as(place["other"]), subject_id=place["dataset"]["id"])
    assert [post["body"] for post in threads[0]["posts"]] == ["Quelle fréquence ?", "Mensuelle."]
    activities = call_action("package_activity_list", id=place["dataset"]["id"])
    types = [activity["activity_type"] for activity in activities]
    assert "new discussion" in types and "new discussion reply" in types


@pytest.mark.parametrize(
    ("fields", "error"),
    [({"body": "   "}, "body"), ({"body": "x" * 100_000}, "body"), ({"title": ""}, "title")],
)
def test_bad_messages_are_refused_and_store_nothing(place, fields, error) -> None:
    with pytest.raises(tk.ValidationError) as raised:
        _open(place, **fields)
    assert error in raised.value.error_dict
    assert model.Session.query(DiscussionPost).count() == 0


def test_markdown_is_sanitised(app, place) -> None:
    thread = _open(
        place, body='Voir <script>alert("x")</script> [ici](javascript:alert(1)) et [là](https://example.org)'
    )
    html = thread["posts"][0]["body_html"]
    assert "<script" not in html and "javascript:" not in html and 'href="https://example.org"' in html
    page = app.get(f"/dataset/{place['dataset']['name']}/discussions").get_data(as_text=True)
    assert '<script>alert("x")</script>' not in page and "javascript:alert(1)" not in page


def test_no_reply_to_a_closed_thread(place) -> None:
    thread = _open(place)
    with pytest.raises(tk.NotAuthorized):
        call_action("ecologie_discussion_close", context=_as(place["member"]), thread_id=thread["id"])
    call_action("ecologie_discussion_close", context=_as(place["admin"]), thread_id=thread["id"])
    with pytest.raises(tk.ValidationError) as raised:
        call_action("ecologie_discussion_reply", context=_as(place["other"]), thread_id=thread["id"], body="Et ?")
    assert "thread_id" in raised.value.error_dict


def test_threads_follow_the_visibility_of_their_subject(place) -> None:
    private = make_dataset(owner_org=place["org"]["id"], private=True)
    # a private dataset one may not see does not exist: "not found", as an unknown one
    with pytest.raises(tk.ObjectNotFound):
        call_action(
            "ecologie_discussion_create", context=_as(place["other"]), subject_id=private["id"], title="t", body="b"
        )
    thread = call_action(
        "ecologie_discussion_create",
        context=_as(place["member"]),
        subject_id=private["id"],
        title="Interne",
        body="Pour l'équipe",
    )
    with pytest.raises(tk.ObjectNotFound):
        call_action("ecologie_discussion_list", context=_as(place["other"]), subject_id=private["id"])
    with pytest.raises(tk.ObjectNotFound):
        call_action("ecologie_discussion_reply", context=_as(place["other"]), thread_id=thread["id"], body="b")

    restricted = make_dataset(owner_org=place["org"]["id"], access_rights="restricted")
    call_action(
        "ecologie_discussion_create", context=_as(place["member"]), subject_id=restricted["id"], title="t", body="b"
    )
    with pytest.raises(tk.NotAuthorized):
        call_action("ecologie_discussion_list", context=_as(place["other"]), subject_id=restricted["id"])
    call_action(
        "ecologie_access_grant_create",
        context=_as(place["admin"]),
        user=place["other"]["name"],
        package_id=restricted["id"],
    )
    assert len(call_action("ecologie_discussion_list", context=_as(place["other"]), subject_id=restricted["id"])) == 1


def test_anonymous_users_read_but_do_not_post(app, place) -> None:
    _open(place)
    listed = app.get("/api/3/action/ecologie_discussion_list", params={"subject_id": place["dataset"]["id"]}).json
    assert listed["success"] and len(listed["result"]) == 1
    refused = app.post(
        "/api/3/action/ecologie_discussion_create",
        status=403,
        json={"subject_id": place["dataset"]["id"], "title": "t", "body": "b"},
    )
    assert refused.json["success"] is False


@pytest.mark.ckan_config("ckanext.ecologie.discussions.rate_limit", "3")
def test_the_rate_limit(place) -> None:
    thread = _open(place)
    for _ in range(2):
        call_action("ecologie_discussion_reply", context=_as(place["author"]), thread_id=thread["id"], body="encore")
    with pytest.raises(tk.ValidationError) as raised:
        call_action("ecologie_discussion_reply", context=_as(place["author"]), thread_id=thread["id"], body="de trop")
    assert "rate_limit" in raised.value.error_dict
    assert model.Session.query(DiscussionPost).count() == 3


def test_authors_edit_for_a_while_moderators_hide_and_delete(place) -> None:
    thread = _open(place)
    post_id = thread["posts"][0]["id"]
    edited = call_action("ecologie_discussion_edit", context=_as(place["author"]), post_id=post_id, body="Corrigé")
    assert edited["posts"][0]["body"] == "Corrigé" and edited["posts"][0]["edited"]
    with pytest.raises(tk.NotAuthorized):
        call_action("ecologie_discussion_edit", context=_as(place["other"]), post_id=post_id, body="Pirate")
    post = model.Session.get(DiscussionPost, post_id)
    post.created = datetime.datetime.utcnow() - datetime.timedelta(hours=2)
    model.Session.commit()
    with pytest.raises(tk.NotAuthorized):
        call_action("ecologie_discussion_edit", context=_as(place["author"]), post_id=post_id, body="Trop tard")

    reply = call_action(
        "ecologie_discussion_reply", context=_as(place["other"]), thread_id=thread["id"], body="Hors sujet"
    )["posts"][-1]
    with pytest.raises(tk.NotAuthorized):
        call_action("ecologie_discussion_hide", context=_as(place["author"]), post_id=reply["id"])
    call_action("ecologie_discussion_hide", context=_as(place["admin"]), post_id=reply["id"])
    public = call_action("ecologie_discussion_list", context=_as(place["other"]), subject_id=place["dataset"]["id"])
    assert [post["body"] for post in public[0]["posts"]] == ["Corrigé"]
    moderated = call_action("ecologie_discussion_list", context=_as(place["admin"]), subject_id=place["dataset"]["id"])
    assert len(moderated[0]["posts"]) == 2
    call_action("ecologie_discussion_delete", context=_as(place["admin"]), thread_id=thread["id"])
    assert call_action("ecologie_discussion_list", context=_as(place["admin"]), subject_id=place["dataset"]["id"]) == []


def _may(place: dict, who: str, action: str, **data) -> bool:
    context = {"user": place[who]["name"], "model": model}
    try:
        return tk.check_access(action, context, data)
    except (tk.NotAuthorized, tk.ObjectNotFound):  # a private subject one may not see is not found
        return False


def test_check_access_gives_the_answer_of_the_action(place) -> None:
    """Templates ask check_access whether to show a button: the auth
    functions carry the rules, so its answer is the action's."""
    thread = _open(place)
    first = thread["posts"][0]["id"]
    private = make_dataset(owner_org=place["org"]["id"], private=True)
    who_may = {
        who: (
            _may(place, who, "ecologie_discussion_create", subject_id=private["id"]),
            _may(place, who, "ecologie_discussion_edit", post_id=first),
            _may(place, who, "ecologie_discussion_close", thread_id=thread["id"]),
            _may(place, who, "ecologie_discussion_delete", post_id=first),
        )
        for who in ("admin", "member", "author", "other")
    }
    assert who_may == {
        "admin": (True, False, True, True),
        "member": (True, False, False, False),
        "author": (False, True, False, False),
        "other": (False, False, False, False),
    }
    sysadmin = factories.Sysadmin()
    context = {"user": sysadmin["name"], "model": model}
    with pytest.raises(tk.NotAuthorized):  # not even a sysadmin changes someone's words
        tk.check_access("ecologie_discussion_edit", context, {"post_id": first})
    with pytest.raises(tk.ObjectNotFound):
        tk.check_access("ecologie_discussion_reply", _as(place["other"]), {"thread_id": "no-such-thread"})


def test_thread_counts_on_pages_and_search(app, place) -> None:
    _open(place)
    hidden = _open(place, title="Autre question")
    found = app.get("/api/3/action/package_search", params={"q": "rivières"}).json["result"]["results"]
    assert found[0]["discussion_count"] == 2
    assert "2 discussions" in app.get("/dataset/", params={"q": "rivières"}).get_data(as_text=True)
    page = app.get(f"/dataset/{place['dataset']['name']}").get_data(as_text=True)
    assert "Discussions (2)" in page

    # a hidden thread is not counted, neither by package_show nor in the index
    call_action("ecologie_discussion_hide", context=_as(place["admin"]), thread_id=hidden["id"])
    assert call_action("package_show", id=place["dataset"]["id"])["discussion_count"] == 1
    found = app.get("/api/3/action/package_search", params={"q": "rivières"}).json["result"]["results"]
    assert found[0]["discussion_count"] == 1


def test_discussions_from_the_page(app, place) -> None:
    headers = {"Authorization": factories.APIToken(user=place["author"]["name"])["token"]}
    url = f"/dataset/{place['dataset']['name']}/discussions"
    app.post(url, data={"operation": "create", "title": "Depuis la page", "body": "Bonjour"}, headers=headers)
    page = app.get(url).get_data(as_text=True)
    assert "Depuis la page" in page and "Bonjour" in page and "Connectez-vous" in page
