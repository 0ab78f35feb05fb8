"""The answers of a request that met an outage: a DSFR page or an API error
with status 503 and `Retry-After`, in place of CKAN's 500."""

from __future__ import annotations

import json

import ckan.plugins.toolkit as tk
from ckan.lib.search.common import SolrConnectionError
from flask import Blueprint, Response, request

from ckanext.ecologie.resilience import outages

degraded = Blueprint("ecologie_degraded", __name__)

# CKAN's API reports a failed search or index write with these error types
# (409 or 500) whatever the cause: only an outage noted on the request, or a
# connection error, turns them into a 503.
_API_SEARCH_ERRORS = {"Search Error", "Search Index Error", "Search Connection Error"}
_CONNECTION_WORDS = ("Failed to connect", "Connection to server", "Connection refused")


def _texts(service: str) -> tuple[str, str]:
    if service == outages.SEARCH:
        return (
            tk._("Search is temporarily unavailable"),
            tk._(
                "The catalogue's search engine does not answer. Dataset, bouquet and organisation pages"
                " stay open: please try your search again in a few minutes."
            ),
        )
    return (
        tk._("This service is temporarily unavailable"),
        tk._("A service the portal needs for this page does not answer. Please try again in a few minutes."),
    )


def _not_cached() -> None:
    # CKAN's own flag: its cache headers then say `private`, not `public,
    # max-age` (an outage must not outlive itself in a proxy's cache)
    request.environ["__no_cache__"] = True


def _page(service: str) -> Response:
    _not_cached()
    title, message = _texts(service)
    body = tk.render("resilience/unavailable.html", {"title": title, "message": message})
    return Response(body, status=503, headers={"Retry-After": outages.retry_after()}, mimetype="text/html")


def _api_answer(original: Response, service: str) -> Response:
    _not_cached()
    try:
        help_url = json.loads(original.get_data(as_text=True)).get("help")
    except ValueError:
        help_url = None
    message = _texts(service)[1]
    body = {"help": help_url, "success": False, "error": {"__type": "Service Unavailable", "message": message}}
    return Response(
        json.dumps(body), status=503, headers={"Retry-After": outages.retry_after()}, mimetype="application/json"
    )


def _api_outage(response: Response) -> str | None:
    """The outage behind a failed API answer: one noted on the request, or a
    search connection error that core reported without passing through our
    search action (the dataset counts of `group_list`, an index write)."""
    if response.status_code not in (409, 500):
        return None
    try:
        error = json.loads(response.get_data(as_text=True)).get("error") or {}
    except ValueError:
        return None
    if error.get("__type") not in _API_SEARCH_ERRORS:
        return None
    if outages.noted():
        return outages.noted()
    message = str(error.get("message", ""))
    connection_error = error["__type"] == "Search Connection Error" or (
        error["__type"] == "Search Index Error" and any(word in message for word in _CONNECTION_WORDS)
    )
    return outages.SEARCH if connection_error and not outages.search_server_answers() else None


@degraded.app_errorhandler(SolrConnectionError)
def search_unavailable(error: Exception) -> Response | tuple[str, int]:
    if not isinstance(error, outages.SearchUnavailable) and outages.search_server_answers():
        # a query core took for a connection error: its 400 page
        return tk.render("error_document_template.html", {"code": 400, "content": tk._("Invalid search query")}), 400
    outages.note(outages.SEARCH)
    return _page(outages.SEARCH)


@degraded.app_errorhandler(outages.RedisConnectionError)
@degraded.app_errorhandler(outages.RedisTimeoutError)
def queue_unavailable(error: Exception) -> Response:
    outages.note(outages.QUEUE)
    return _page(outages.QUEUE)


@degraded.after_app_request
def answer_outage(response: Response) -> Response:
    if request.path.startswith("/api/"):
        service = _api_outage(response)
        return _api_answer(response, service) if service else response
    service = outages.noted()
    if service and response.status_code >= 500 and response.status_code != 503:
        return _page(service)  # a core view turned the outage into abort(500)
    return response
