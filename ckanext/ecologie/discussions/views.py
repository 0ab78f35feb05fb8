"""Pages: a dataset's or bouquet's discussions, the feedback form, and the
text of the About page."""

from __future__ import annotations

import os
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.common import current_user, request
from flask import Blueprint

from ckanext.ecologie.discussions import feedback
from ckanext.ecologie.resilience import outages

discussions = Blueprint("ecologie_discussions", __name__)
ABOUT_FOLDER = os.path.join(os.path.dirname(__file__), "about")


def _context() -> dict[str, Any]:
    return {"user": current_user.name, "auth_user_obj": current_user}


def _messages(error: tk.ValidationError) -> str:
    return " ".join(" ".join(map(str, messages)) for messages in error.error_dict.values())


def read(package_type: str, id: str) -> Any:
    try:
        pkg = tk.get_action("package_show")(_context(), {"id": id})  # type: ignore[arg-type]
        threads = tk.get_action("ecologie_discussion_list")(_context(), {"subject_id": pkg["id"]})  # type: ignore[arg-type]
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Dataset not found"))
    except tk.NotAuthorized:
        return tk.abort(403, tk._("You may not read the discussions of this page"))
    if pkg["type"] != package_type:
        return tk.abort(404, tk._("Dataset not found"))
    return tk.render(
        "discussions/read.html",
        {
            "pkg": pkg,
            "pkg_dict": pkg,
            "threads": threads,
            "dataset_type": package_type,
            "can_moderate": _can_moderate(pkg),
        },
    )


def _can_moderate(pkg: dict[str, Any]) -> bool:
    from ckanext.ecologie.discussions import rules

    return rules.is_moderator(_context(), rules.subject(pkg["id"]))  # type: ignore[arg-type]


ACTIONS = {
    "create": "ecologie_discussion_create",
    "reply": "ecologie_discussion_reply",
    "edit": "ecologie_discussion_edit",
    "close": "ecologie_discussion_close",
    "reopen": "ecologie_discussion_close",
    "hide": "ecologie_discussion_hide",
    "show": "ecologie_discussion_hide",
    "delete": "ecologie_discussion_delete",
}


def post(package_type: str, id: str) -> Any:
    if not current_user.is_authenticated:
        return tk.redirect_to("user.login", came_from=request.path)
    operation = request.form.get("operation", "")
    if operation not in ACTIONS:
        return tk.abort(400, tk._("Unknown operation"))
    data = {key: request.form.get(key) for key in ("title", "body", "thread_id", "post_id") if request.form.get(key)}
    if operation == "create":
        pkg = tk.get_action("package_show")(_context(), {"id": id})  # type: ignore[arg-type]
        data["subject_id"] = pkg["id"]
    data.update({"reopen": {"closed": False}, "show": {"hidden": False}}.get(operation, {}))
    try:
        tk.get_action(ACTIONS[operation])(_context(), data)  # type: ignore[arg-type]
    except tk.ValidationError as error:
        tk.h.flash_error(_messages(error))
    except (tk.NotAuthorized, tk.ObjectNotFound) as error:
        tk.h.flash_error(str(error) or tk._("Not authorized to see this page"))
    return tk.redirect_to("ecologie_discussions.read", package_type=package_type, id=id)


def contact() -> Any:
    values: dict[str, Any] = {key: request.args.get(key, "") for key in ("bouquet", "item")}
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        values = dict(request.form)
        # the peer, or the client the declared proxies forwarded (hardening/proxies.py)
        errors = feedback.send(values, request.remote_addr or "")
        if not errors:
            tk.h.flash_success(tk._("Thank you: your message was sent to the portal team."))
            return tk.redirect_to("ecologie_discussions.contact")
    elif values["bouquet"]:
        values["subject"] = tk._("Missing data in the bouquet {bouquet}").format(bouquet=values["bouquet"])
    page = tk.render("discussions/contact.html", {"values": values, "errors": errors, "token": feedback.form_token()})
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


discussions.add_url_rule("/<any(dataset,bouquet):package_type>/<id>/discussions", view_func=read, endpoint="read")
discussions.add_url_rule(
    "/<any(dataset,bouquet):package_type>/<id>/discussions", view_func=post, endpoint="post", methods=["POST"]
)
discussions.add_url_rule("/contact", view_func=contact, endpoint="contact", methods=["GET", "POST"])
