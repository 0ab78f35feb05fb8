"""Pages of restricted data: asking for access from the dataset page, and the
dashboard page where organisation admins decide and requesters follow."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.common import current_user, request
from flask import Blueprint

from ckanext.ecologie.access import history_pages
from ckanext.ecologie.access.grants import admin_organizations
from ckanext.ecologie.contexts import user_context
from ckanext.ecologie.page_errors import flash_refusal

access_requests = Blueprint("ecologie_access", __name__)
access_requests.before_app_request(history_pages.guard)


def request_access(id: str) -> Any:
    """POST the form of the "Accès restreint" banner."""
    if not current_user.is_authenticated:
        return tk.redirect_to("user.login", came_from=tk.h.url_for("dataset.read", id=id))
    try:
        package = tk.get_action("package_show")(user_context(), {"id": id})
        tk.get_action("ecologie_access_request_create")(
            user_context(),
            {"package_id": package["id"], "reason": request.form.get("reason", "")},
        )
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Dataset not found"))
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Not authorized to see this page"))
    except tk.ValidationError as error:
        flash_refusal(error)
        return tk.redirect_to("dataset.read", id=id)
    tk.h.flash_success(tk._("Your request was sent to the organisation's admins. You will be told of their decision."))
    return tk.redirect_to("dataset.read", id=id)


def dashboard() -> Any:
    if not current_user.is_authenticated:
        return tk.redirect_to("user.login")
    mine = tk.get_action("ecologie_access_request_list")(user_context(), {"mine": True})
    to_decide: list[dict[str, Any]] = []
    if current_user.sysadmin or admin_organizations(current_user):  # type: ignore[arg-type]
        to_decide = [
            item
            for item in tk.get_action("ecologie_access_request_list")(user_context(), {"status": "pending"})
            if item["user_id"] != current_user.id
        ]
    user_dict = tk.get_action("user_show")(user_context(), {"id": current_user.id})
    return tk.render(
        "access/dashboard.html",
        {
            "mine": mine,
            "to_decide": to_decide,
            # what the dashboard's base template expects
            "user_dict": user_dict,
            "is_myself": True,
            "is_sysadmin": current_user.sysadmin,  # type: ignore[attr-defined]
            "about_formatted": tk.h.render_markdown(user_dict.get("about") or ""),
        },
    )


def decide(request_id: str) -> Any:
    if not current_user.is_authenticated:
        return tk.redirect_to("user.login")
    try:
        tk.get_action("ecologie_access_request_decide")(
            user_context(),
            {
                "id": request_id,
                "decision": request.form.get("decision", ""),
                "reason": request.form.get("reason", ""),
                "expires": request.form.get("expires") or None,
            },
        )
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Access request not found"))
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Only the admins of the owning organisation may do this"))
    except tk.ValidationError as error:
        flash_refusal(error)
    else:
        tk.h.flash_success(tk._("Decision recorded; the requester was told."))
    return tk.redirect_to("ecologie_access.dashboard")


access_requests.add_url_rule("/dataset/<id>/access-request", view_func=request_access, methods=["POST"])
access_requests.add_url_rule("/dashboard/access-requests", view_func=dashboard, endpoint="dashboard")
access_requests.add_url_rule(
    "/dashboard/access-requests/<request_id>/decide", view_func=decide, endpoint="decide", methods=["POST"]
)
