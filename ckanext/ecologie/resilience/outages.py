"""Outages of the services a request may meet: the search server (Solr) and
Redis. A request remembers the outage it met so that its failed answer can
say so (503, `Retry-After`) instead of a bare 500."""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable
from typing import Any

import ckan.plugins.toolkit as tk
import flask
from ckan.lib.search.common import SearchError, SolrConnectionError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from ckanext.ecologie.health.checks import solr as ping_solr

SEARCH = "search"
QUEUE = "queue"
REDIS_ERRORS = (RedisConnectionError, RedisTimeoutError)

# How long a process, once a ping of Solr failed, takes Solr for down
# without asking again (a ping may wait for its timeout).
DOWN_SECONDS = 5.0

_ping_lock = threading.Lock()
_failed_ping_at: float | None = None


class SearchUnavailable(SolrConnectionError, SearchError):
    """Solr does not answer. Also a SearchError: the core pages that live
    through a failed search (an organisation's page) keep the rest of the
    page, and the search pages still see a connection error."""


def retry_after() -> str:
    """The `Retry-After` of a 503 answer, in seconds."""
    return str(tk.config.get("ckanext.ecologie.degraded.retry_after"))


def search_server_answers() -> bool:
    """Whether Solr answers a ping. CKAN calls any Solr error whose text
    holds "Connection to server" a connection error, and a visitor can put
    those words in a query: only a ping tells an outage from a bad query."""
    global _failed_ping_at
    with _ping_lock:
        if _failed_ping_at is not None and time.monotonic() - _failed_ping_at < DOWN_SECONDS:
            return False
    try:
        ping_solr()
    except Exception:  # whatever the failure, Solr does not answer
        with _ping_lock:
            _failed_ping_at = time.monotonic()
        return False
    _search_answered()
    return True


def _search_answered() -> None:
    global _failed_ping_at
    with _ping_lock:
        _failed_ping_at = None


def note(service: str) -> None:
    if flask.has_request_context():
        flask.g.ecologie_outage = service


def noted() -> str | None:
    """The service whose outage this request met, if any."""
    if not flask.has_request_context():
        return None
    return flask.g.get("ecologie_outage")


def reports_search_outage(action: Callable[..., Any]) -> Callable[..., Any]:
    """For a chained search action: a Solr connection error, when Solr does
    not answer a ping either, is noted on the request and raised again as
    `SearchUnavailable`; otherwise it was the query's fault."""

    @functools.wraps(action)
    def guarded(original: Callable[..., Any], context: Any, data_dict: Any) -> Any:
        try:
            result = action(original, context, data_dict)
        except SearchUnavailable:
            note(SEARCH)
            raise
        except SolrConnectionError as error:
            if search_server_answers():
                raise SearchError(*error.args) from error
            note(SEARCH)
            raise SearchUnavailable(*error.args) from error
        _search_answered()  # Solr is back, if it was down
        return result

    return guarded
