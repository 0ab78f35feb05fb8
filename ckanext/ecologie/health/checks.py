"""The checks behind `/health`: each one cheap (a `SELECT 1`, a Solr ping,
a Redis ping) and bounded by `ckanext.ecologie.health.timeout`, since a load
balancer asks every few seconds."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from ckan.lib.search.common import make_connection
from ckan.model import meta
from redis import Redis

from ckanext.ecologie.doctor.urls import without_passwords

log = logging.getLogger(__name__)

UP = {"status": "up"}


def _timeout() -> float:
    return tk.config.get("ckanext.ecologie.health.timeout")


def database() -> None:
    # A connection of the pool, not the request's session: the session may
    # already have failed in CKAN's before-request hook.
    assert meta.engine is not None
    with meta.engine.connect() as connection:
        connection.execute(sa.text("SELECT 1"))


def solr() -> None:
    # CKAN's connection (solr_url, credentials) with a short timeout instead
    # of `solr_timeout`, which is made for searches.
    connection = make_connection(decode_dates=False)
    connection.timeout = _timeout()
    connection.ping()


@functools.lru_cache(maxsize=4)
def _redis(url: str, timeout: float) -> Redis:
    """One client (and its connection pool) per URL, kept across polls."""
    return Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)


def redis() -> None:
    _redis(tk.config.get("ckan.redis.url"), _timeout()).ping()


CHECKS: dict[str, Callable[[], None]] = {"database": database, "solr": solr, "redis": redis}


def run(name: str) -> dict[str, str]:
    """`{"status": "up"}` or `{"status": "down", "error": <exception type>}`.
    Only the type is shown: the endpoint is public and a message would give
    away addresses and ports; the log has the whole message."""
    try:
        CHECKS[name]()
    except Exception as error:  # any failure means the service is down for us
        log.warning("health: %s is down: %s", name, without_passwords(str(error)))
        return {"status": "down", "error": type(error).__name__}
    return dict(UP)


def report(database_error: BaseException | None = None) -> tuple[dict[str, Any], int]:
    """The JSON body and status: 503 when the database is down (no page can
    be served), 200 otherwise, "degraded" when Solr or Redis is down.
    `database_error`: the request already met the database down."""
    services = {name: run(name) for name in CHECKS if name != "database" or database_error is None}
    if database_error is not None:
        log.warning("health: database is down: %s", database_error)
        services["database"] = {"status": "down", "error": type(database_error).__name__}
    if services["database"] != UP:
        return {"status": "down", "services": services}, 503
    degraded = any(service != UP for service in services.values())
    return {"status": "degraded" if degraded else "ok", "services": services}, 200
