"""The feedback form's rate limit counts the client's address: the peer of
the connection, unless reverse proxies are declared, and then the address
they forwarded (werkzeug's ProxyFix), never one a client made up."""

from __future__ import annotations

import pytest

from ckanext.ecologie.pages import feedback

pytestmark = pytest.mark.usefixtures("with_plugins")


def _form(app) -> dict:
    body = app.get("/contact").get_data(as_text=True)
    token = body.split('name="token" value="')[1].split('"')[0]
    return {"token": token, "name": "Camille", "message": "Il manque les bornes de 2025."}


def _send(app, form: dict, forwarded: str | None = None) -> str:
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    return app.post("/contact", data=form, headers=headers).get_data(as_text=True)


@pytest.mark.ckan_config("ckanext.ecologie.feedback.rate_limit", "2")
def test_a_made_up_forwarded_address_is_ignored(app, smtp_server, monkeypatch, clean_redis) -> None:
    monkeypatch.setattr(feedback, "MIN_SECONDS", 0)
    form = _form(app)
    for number in range(2):
        _send(app, form, forwarded=f"198.51.100.{number}")
    # a robot changing the header at each message is still one client
    assert "Trop de messages" in _send(app, form, forwarded="198.51.100.99")
    assert len(smtp_server.messages) == 2


@pytest.mark.ckan_config("ckanext.ecologie.feedback.rate_limit", "2")
@pytest.mark.ckan_config("ckanext.ecologie.trusted_proxies", "1")
def test_behind_a_declared_proxy_each_client_counts(app, smtp_server, monkeypatch, clean_redis) -> None:
    monkeypatch.setattr(feedback, "MIN_SECONDS", 0)
    form = _form(app)
    for number in range(3):
        assert "Trop de messages" not in _send(app, form, forwarded=f"198.51.100.{number}")
    # the proxy appends the client it saw: the forged first value is not the client
    for _ in range(2):
        _send(app, form, forwarded="203.0.113.7, 192.0.2.44")
    assert "Trop de messages" in _send(app, form, forwarded="10.9.9.9, 192.0.2.44")
    assert len(smtp_server.messages) == 5
