"""The feedback form (`/contact`) and the text of the About page."""

from __future__ import annotations

import os
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.common import request
from flask import Blueprint

from ckanext.ecologie.pages import feedback
from ckanext.ecologie.resilience import outages

pages = Blueprint("ecologie_pages", __name__)
ABOUT_FOLDER = os.path.join(os.path.dirname(__file__), "about")


def contact() -> Any:
    values: dict[str, Any] = {key: request.args.get(key, "") for key in ("bouquet", "item")}
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        values = dict(request.form)
        # the peer, or the client the declared proxies forwarded (hardening/proxies.py)
        errors = feedback.send(values, request.remote_addr or "")
        if not errors:
            tk.h.flash_success(tk._("Thank you: your message was sent to the portal team."))
            return tk.redirect_to("ecologie_pages.contact")
    elif values["bouquet"]:
        values["subject"] = tk._("Missing data in the bouquet {bouquet}").format(bouquet=values["bouquet"])
    page = tk.render("pages/contact.html", {"values": values, "errors": errors, "token": feedback.form_token()})
    if outages.noted():  # the message is kept in the form, to send again later
        return page, 503, {"Retry-After": outages.retry_after()}
    return page


def about_html() -> Any:
    """The About page's text (core serves /about; our template shows this):
    `ckanext.ecologie.about_file` when set, else the text shipped for the
    page's language, else core's `ckan.site_about`."""
    path = tk.config.get("ckanext.ecologie.about_file")
    if not path:
        language = tk.h.lang() if tk.h.lang() in ("fr", "en") else "fr"
        path = os.path.join(ABOUT_FOLDER, f"about.{language}.md")
    try:
        with open(path, encoding="utf-8") as stream:
            text = stream.read()
    except OSError:
        text = tk.config.get("ckan.site_about") or ""
    return tk.h.render_markdown(text, allow_html=False)


pages.add_url_rule("/contact", view_func=contact, endpoint="contact", methods=["GET", "POST"])
