"""Bouquet pages besides core's per-type ones (/bouquet/, /bouquet/<id>,
new and edit): exports, the items page, cloning, "My bouquets"."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.common import current_user, request
from flask import Blueprint, Response

from ckanext.ecologie.bouquets import BOUQUET, export
from ckanext.ecologie.contexts import user_context
from ckanext.ecologie.page_errors import flash_refusal

bouquets = Blueprint("ecologie_bouquets", __name__)
PAGE_SIZE = 20


def _bouquet(id: str) -> dict[str, Any]:
    try:
        bouquet = tk.get_action("package_show")(user_context(), {"id": id})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        tk.abort(404, tk._("Bouquet not found"))
    if bouquet.get("type") != BOUQUET:
        tk.abort(404, tk._("Bouquet not found"))
    return bouquet


def _items(bouquet: dict[str, Any]) -> list[dict[str, Any]]:
    return tk.get_action("ecologie_bouquet_item_list")(user_context(), {"bouquet_id": bouquet["id"]})


def export_csv(id: str) -> Response:
    bouquet = _bouquet(id)
    body = export.to_csv(_items(bouquet))
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{bouquet["name"]}.csv"'},
    )


def export_rdf(id: str, extension: str) -> Response:
    if extension not in export.RDF_FORMATS:
        return tk.abort(404)
    bouquet = _bouquet(id)
    items = _items(bouquet)
    body, mimetype = export.to_rdf(bouquet, items, export.item_datasets(user_context(), items), extension)
    return Response(body, mimetype=mimetype)


def items_page(id: str) -> Any:
    """Add, change, move and remove items: plain forms, no script needed."""
    bouquet = _bouquet(id)
    try:
        tk.check_access("package_update", user_context(), {"id": bouquet["id"]})
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Only the bouquet's owner may change it"))
    if request.method == "POST":
        _apply(bouquet)
        return tk.redirect_to("ecologie_bouquets.items_page", id=bouquet["name"])
    query = request.args.get("dataset_q", "").strip()
    candidates = []
    if query:
        candidates = tk.get_action("package_search")(  # the dataset picker
            user_context(),
            {"q": query, "fq": "+dataset_type:dataset", "rows": PAGE_SIZE, "include_private": True},
        )["results"]
    return tk.render(
        "bouquet/items.html",
        {
            "pkg": bouquet,
            "pkg_dict": bouquet,
            "items": _items(bouquet),
            "dataset_q": query,
            "candidates": candidates,
            "dataset_type": BOUQUET,
        },
    )


def _apply(bouquet: dict[str, Any]) -> None:
    form = request.form
    operation = form.get("operation")
    try:
        if operation == "add":
            item = {field: form.get(field) or None for field in ("label", "purpose", "package_id", "uri", "group")}
            item["availability"] = form.get("availability") or None
            tk.get_action("ecologie_bouquet_item_create")(
                user_context(), {"bouquet_id": bouquet["id"], "items": [item]}
            )
        elif operation == "update":
            fields = {field: form.get(field) for field in ("label", "purpose", "group", "uri") if field in form}
            tk.get_action("ecologie_bouquet_item_update")(user_context(), {"id": form.get("id"), **fields})
        elif operation == "delete":
            tk.get_action("ecologie_bouquet_item_delete")(user_context(), {"id": form.get("id")})
        elif operation in ("up", "down"):
            order = [item["id"] for item in _items(bouquet)]
            index = order.index(form.get("id", ""))
            other = index - 1 if operation == "up" else index + 1
            if 0 <= other < len(order):
                order[index], order[other] = order[other], order[index]
                tk.get_action("ecologie_bouquet_item_reorder")(  # type: ignore[arg-type]
                    user_context(), {"bouquet_id": bouquet["id"], "order": order}
                )
        else:
            tk.h.flash_error(tk._("Unknown operation"))
            return
    except tk.ValidationError as error:
        flash_refusal(error)
        return
    except (tk.ObjectNotFound, ValueError):
        tk.h.flash_error(tk._("Bouquet item not found"))
        return
    tk.h.flash_success(tk._("The bouquet was saved."))


def clone(id: str) -> Any:
    if not current_user.is_authenticated:
        return tk.redirect_to("user.login")
    try:
        copy = tk.get_action("ecologie_bouquet_clone")(  # type: ignore[arg-type]
            user_context(), {"id": id, "with_items": request.form.get("with_items", "true")}
        )
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return tk.abort(404, tk._("Bouquet not found"))
    tk.h.flash_success(tk._("Your copy is a draft: change it, then publish it."))
    return tk.redirect_to("bouquet.read", id=copy["name"])


def my_bouquets() -> Any:
    if not current_user.is_authenticated:
        return tk.redirect_to("user.login")
    found = tk.get_action("package_search")(
        user_context(),
        {
            "fq": f"+dataset_type:{BOUQUET} +creator_user_id:{current_user.id}",
            "include_private": True,
            "include_drafts": True,
            "rows": 1000,
            "sort": "metadata_modified desc",
        },
    )
    user_dict = tk.get_action("user_show")(user_context(), {"id": current_user.id})
    return tk.render(
        "bouquet/dashboard.html",
        {
            "bouquets": found["results"],
            "user_dict": user_dict,
            "is_myself": True,
            "is_sysadmin": current_user.sysadmin,
            "about_formatted": "",
        },  # type: ignore[attr-defined]
    )


bouquets.add_url_rule("/bouquet/<id>.csv", view_func=export_csv, endpoint="export_csv")
bouquets.add_url_rule("/bouquet/<id>.<extension>", view_func=export_rdf, endpoint="export_rdf")
bouquets.add_url_rule("/bouquet/<id>/items", view_func=items_page, endpoint="items_page", methods=["GET", "POST"])
bouquets.add_url_rule("/bouquet/<id>/clone", view_func=clone, endpoint="clone", methods=["POST"])
bouquets.add_url_rule("/dashboard/bouquets", view_func=my_bouquets, endpoint="my_bouquets")
