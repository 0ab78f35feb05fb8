"""`GET /health`: JSON, no login, nothing cached, no session cookie."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request
from sqlalchemy.exc import SQLAlchemyError

from ckanext.ecologie.health import checks

health = Blueprint("ecologie_health", __name__)


def _answer(database_error: BaseException | None = None) -> Response:
    body, status = checks.report(database_error)
    response = jsonify(body)
    response.status_code = status
    # CKAN's after-request hook makes answers public and cacheable unless
    # the request says otherwise: a proxy must never answer a poll itself.
    request.environ["__no_cache__"] = True
    response.cache_control.no_store = True
    return response


@health.route("/health")
def index() -> Response:
    return _answer()


@health.errorhandler(SQLAlchemyError)
def database_down(error: SQLAlchemyError) -> Response:
    """CKAN reads the database before every view (`app_globals`, the user):
    with the database down the request fails there, before `index`. This
    handler, scoped to this blueprint, turns that failure into the report."""
    return _answer(error)
