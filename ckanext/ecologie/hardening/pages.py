"""Pages of CKAN's plugins that let an action's NotFound or NotAuthorized
escape (the activity plugin's comparison pages without their parameters,
for one) answer CKAN's 404 or 403 page, not a 500."""

from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan.common import current_user
from flask import Blueprint
from werkzeug.exceptions import Forbidden, HTTPException, NotFound

error_pages = Blueprint("ecologie_error_pages", __name__)


def _page(error: HTTPException) -> tuple[str, int]:
    extra_vars = {
        "code": error.code,
        "content": error.description,
        "name": error.name,
        "show_login_redirect_link": current_user.is_anonymous and isinstance(error, Forbidden),
    }
    return tk.render("error_document_template.html", extra_vars), error.code or 500


@error_pages.app_errorhandler(tk.ObjectNotFound)
def not_found(error: Exception) -> tuple[str, int]:
    return _page(NotFound(str(error) or None))


@error_pages.app_errorhandler(tk.NotAuthorized)
def not_authorized(error: Exception) -> tuple[str, int]:
    return _page(Forbidden(str(error) or None))
