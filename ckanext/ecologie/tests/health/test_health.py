"""`GET /health`: 200 while the database answers ("ok", or "degraded" when
Solr or Redis does not), 503 when it does not; public, never cached, no
session cookie."""

from __future__ import annotations

import psycopg2
import pytest
from ckan import model

pytestmark = pytest.mark.usefixtures("with_plugins")

# Nothing listens on port 1 of the loopback: connections are refused at once.
CLOSED = "127.0.0.1:1"
UP = {"status": "up"}


def _health(app, status: int) -> dict:
    response = app.get("/health", status=status)
    assert response.headers["Content-Type"] == "application/json"
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "no-store, private"
    return response.json


def test_every_service_up(app) -> None:
    assert _health(app, 200) == {"status": "ok", "services": {"database": UP, "solr": UP, "redis": UP}}


@pytest.mark.ckan_config("solr_url", f"http://{CLOSED}/solr/ckan")
def test_solr_down_is_degraded(app) -> None:
    assert _health(app, 200) == {
        "status": "degraded",
        "services": {"database": UP, "solr": {"status": "down", "error": "SolrError"}, "redis": UP},
    }


@pytest.mark.ckan_config("ckan.redis.url", f"redis://{CLOSED}/0")
def test_redis_down_is_degraded(app) -> None:
    assert _health(app, 200) == {
        "status": "degraded",
        "services": {"database": UP, "solr": UP, "redis": {"status": "down", "error": "ConnectionError"}},
    }


def test_database_down_is_503(app, monkeypatch) -> None:
    def refused(*args: object, **kwargs: object) -> None:
        raise psycopg2.OperationalError(f"connection to server at {CLOSED} failed: Connection refused")

    # PostgreSQL gone: every new connection refused, none kept in the pool.
    model.Session.remove()
    model.meta.engine.dispose()
    monkeypatch.setattr(model.meta.engine.dialect, "connect", refused)
    assert _health(app, 503) == {
        "status": "down",
        "services": {"database": {"status": "down", "error": "OperationalError"}, "solr": UP, "redis": UP},
    }


@pytest.mark.ckan_config("solr_url", f"http://{CLOSED}/solr/ckan")
@pytest.mark.ckan_config("ckan.redis.url", f"redis://{CLOSED}/0")
def test_the_error_names_no_address(app) -> None:
    """Public: the answer names the failure's type, never where a service lives."""
    body = app.get("/health", status=200).get_data(as_text=True)
    assert "127.0.0.1" not in body
    assert "solr/ckan" not in body
