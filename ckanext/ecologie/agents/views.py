"""Pages of the ProConnect login: the way out to the provider, the way back,
and a clear error page when the provider or its answer cannot be trusted."""

from __future__ import annotations

import logging
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.common import current_user, session
from ckan.views.user import next_page_or_default, regenerate_session, rotate_token
from flask import Blueprint

from ckanext.ecologie.agents import provider
from ckanext.ecologie.agents.accounts import LoginRefused
from ckanext.ecologie.agents.login import log_in

log = logging.getLogger(__name__)

proconnect = Blueprint("ecologie_proconnect", __name__)

CAME_FROM = "ecologie_proconnect_came_from"
ID_TOKEN = "ecologie_proconnect_id_token"


def _error(message: str, status: int) -> Any:
    return tk.render("proconnect/error.html", {"message": message}), status


def _no_store(response: Any) -> Any:
    response.headers["Cache-Control"] = "no-store"
    return response


def _local(address: str) -> str:
    return address if address.startswith("/") and tk.h.url_is_local(address) else ""


@proconnect.route("/user/login/proconnect")
def login() -> Any:
    if not provider.configured():
        return _error(tk._("Login with ProConnect is not configured on this portal."), 404)
    if current_user.is_authenticated:
        return tk.render("user/logout_first.html", {})
    session[CAME_FROM] = _local(tk.request.args.get("came_from", ""))
    redirect_uri = provider.setting("redirect_url") or tk.url_for("ecologie_proconnect.callback", _external=True)
    try:
        return _no_store(provider.client().authorize_redirect(redirect_uri))
    except provider.PROVIDER_ERRORS as error:
        log.warning("ProConnect unreachable: %s", error)
        return _error(tk._("ProConnect does not answer. Try again in a few minutes."), 503)


@proconnect.route("/user/login/proconnect/callback")
def callback() -> Any:
    if not provider.configured():
        return _error(tk._("Login with ProConnect is not configured on this portal."), 404)
    if current_user.is_authenticated:
        return tk.render("user/logout_first.html", {})
    if tk.request.args.get("error"):
        return _error(tk._("The login with ProConnect was cancelled or refused by the provider."), 400)
    client = provider.client()
    try:
        token, claims = provider.verified_answer(client)
    except provider.PROVIDER_ERRORS as error:
        log.warning("ProConnect answer refused: %r", error)
        return _error(tk._("The answer of ProConnect could not be verified: you are not logged in. Try again."), 400)
    try:
        user = log_in(provider.issuer(client), claims)
    except LoginRefused as refused:
        # The subject lets an administrator link it: `ckan ecologie agents link`.
        log.warning("ProConnect login refused for subject %r: %s", claims.get("sub"), refused)
        return _error(str(refused), 403)
    came_from = session.pop(CAME_FROM, "")
    regenerate_session()  # as CKAN's own login does: no session fixation, a new CSRF token
    tk.login_user(user)
    rotate_token()
    session[ID_TOKEN] = token.get("id_token")
    log.info("agent %s logged in through ProConnect", user.name)
    return _no_store(next_page_or_default(came_from or None))


def logout_at_provider() -> Any:
    """IAuthenticator.logout: an agent who came through ProConnect leaves it
    too; everyone else logs out as usual (None)."""
    id_token = session.pop(ID_TOKEN, None)
    if not id_token or not provider.configured():
        return None
    tk.logout_user()
    back = tk.url_for("user.logged_out_page", _external=True)
    try:
        return provider.client().logout_redirect(post_logout_redirect_uri=back, id_token_hint=id_token)
    except provider.PROVIDER_ERRORS as error:
        log.warning("ProConnect logout not reached: %s", error)
        return tk.redirect_to("user.logged_out_page")
