"""Outages of the services a request may meet: the search server (Solr) and
Redis. A request remembers the outage it met so that its failed answer can
say so (503, `Retry-After`) instead of a bare 500."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import ckan.plugins.toolkit as tk
import flask
from ckan.lib.search.common import SearchError, SolrConnectionError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

SEARCH = "search"
QUEUE = "queue"
REDIS_ERRORS = (RedisConnectionError, RedisTimeoutError)


class SearchUnavailable(SolrConnectionError, SearchError):
    """Solr does not answer. Also a SearchError: the core pages that live
    through a failed search (an organisation's page) keep the rest of the
    page, and the search pages still see a connection error."""


def retry_after() -> str:
    """The `Retry-After` of a 503 answer, in seconds."""
    return str(tk.config.get("ckanext.ecologie.degraded.retry_after"))


def note(service: str) -> None:
    if flask.has_request_context():
        flask.g.ecologie_outage = service


def noted() -> str | None:
    """The service whose outage this request met, if any."""
    if not flask.has_request_context():
        return None
    return flask.g.get("ecologie_outage")


def outage_behind(error: BaseException | None) -> str | None:
    """The service whose outage raised `error`, following the exceptions it
    was raised from or while handling (core views turn a Solr connection
    error into an `abort(500)`)."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, SolrConnectionError):
            return SEARCH
        if isinstance(error, REDIS_ERRORS):
            return QUEUE
        error = error.__cause__ or error.__context__
    return None


def reports_search_outage(action: Callable[..., Any]) -> Callable[..., Any]:
    """For a chained search action: a Solr connection error is noted on the
    request and raised again as `SearchUnavailable`."""

    @functools.wraps(action)
    def guarded(original: Callable[..., Any], context: Any, data_dict: Any) -> Any:
        try:
            return action(original, context, data_dict)
        except SearchUnavailable:
            note(SEARCH)
            raise
        except SolrConnectionError as error:
            note(SEARCH)
            raise SearchUnavailable(*error.args) from error

    return guarded
