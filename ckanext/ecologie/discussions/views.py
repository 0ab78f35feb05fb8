"""The page of a dataset's or bouquet's discussions."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.common import current_user, request
from flask import Blueprint

from ckanext.ecologie.contexts import user_context
from ckanext.ecologie.page_errors import flash_refusal

discussions = Blueprint("ecologie_discussions", __name__)


def read(package_type: str, id: str) -> Any:
    try:
        pkg = tk.get_action("package_show")(user_context(), {"id": id})
        threads = tk.get_action("ecologie_discussion_list")(user_context(), {"subject_id": pkg["id"]})
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

    return rules.is_moderator(user_context(), rules.subject(pkg["id"]))


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
        pkg = tk.get_action("package_show")(user_context(), {"id": id})
        data["subject_id"] = pkg["id"]
    data.update({"reopen": {"closed": False}, "show": {"hidden": False}}.get(operation, {}))
    try:
        tk.get_action(ACTIONS[operation])(user_context(), data)
    except tk.ValidationError as error:
        flash_refusal(error)
    except (tk.NotAuthorized, tk.ObjectNotFound) as error:
        tk.h.flash_error(str(error) or tk._("Not authorized to see this page"))
    return tk.redirect_to("ecologie_discussions.read", package_type=package_type, id=id)


discussions.add_url_rule("/<any(dataset,bouquet):package_type>/<id>/discussions", view_func=read, endpoint="read")
discussions.add_url_rule(
    "/<any(dataset,bouquet):package_type>/<id>/discussions", view_func=post, endpoint="post", methods=["POST"]
)
