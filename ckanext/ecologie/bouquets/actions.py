"""Actions on bouquet items, clones, usage and health."""

from __future__ import annotations

import datetime
import secrets
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib.munge import munge_title_to_name
from ckan.types import Context, DataDict

from ckanext.ecologie.access import policy, visibility
from ckanext.ecologie.bouquets import BOUQUET, health, items, presentation
from ckanext.ecologie.bouquets.model import BouquetItem

MAX_ITEMS_PER_CALL = 500


def _bouquet(reference: Any, field: str = "bouquet_id") -> model.Package:
    bouquet = model.Package.get(str(reference)) if reference else None
    if bouquet is None or bouquet.type != BOUQUET or bouquet.state == "deleted":
        raise tk.ObjectNotFound(tk._("Bouquet not found"))
    return bouquet


def _item(item_id: Any) -> BouquetItem:
    record = model.Session.get(BouquetItem, str(item_id)) if item_id else None
    if record is None:
        raise tk.ObjectNotFound(tk._("Bouquet item not found"))
    return record


def _user_context(context: Context) -> Context:
    return {"user": context.get("user"), "auth_user_obj": context.get("auth_user_obj")}  # type: ignore[return-value]


def _touch(context: Context, bouquet: model.Package) -> None:
    """Items changed: record it as a change of the bouquet (activity,
    metadata_modified, search index with the new labels), as the user who
    made it. CKAN saves nothing for a patch that changes no field: the
    modification time is that field."""
    now = datetime.datetime.utcnow().isoformat()
    tk.get_action("package_patch")(_user_context(context), {"id": bouquet.id, "metadata_modified": now})


def ecologie_bouquet_item_create(context: Context, data_dict: DataDict) -> list[dict[str, Any]]:
    """Add `items` (a list) to the bouquet `bouquet_id`: all of them, or none
    when one is invalid (the errors come back by position)."""
    bouquet = _bouquet(data_dict.get("bouquet_id"))
    tk.check_access("ecologie_bouquet_item_create", context, {"id": bouquet.id})
    raw_items = data_dict.get("items")
    if not isinstance(raw_items, list) or not raw_items:
        raise tk.ValidationError({"items": [tk._("Give a list of items")]})
    if len(raw_items) > MAX_ITEMS_PER_CALL:
        raise tk.ValidationError({"items": [tk._("At most {count} items at once").format(count=MAX_ITEMS_PER_CALL)]})
    cleaned, errors = zip(*(items.clean(raw, context) for raw in raw_items), strict=True)
    if any(errors):
        raise tk.ValidationError({"items": list(errors)})
    records = items.add_all(bouquet.id, list(cleaned))
    _touch(context, bouquet)
    model.Session.commit()
    return presentation.item_dicts(context, records)


def ecologie_bouquet_item_update(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Change an item (`id`); fields not given keep their value."""
    record = _item(data_dict.get("id"))
    bouquet = _bouquet(record.bouquet_id)
    tk.check_access("ecologie_bouquet_item_update", context, {"id": bouquet.id})
    cleaned, errors = items.clean(data_dict, context, current=record)
    if errors:
        raise tk.ValidationError(errors)
    for field, value in cleaned.items():
        setattr(record, field, value)
    record.dataset_removed = None
    _touch(context, bouquet)
    model.Session.commit()
    return presentation.item_dicts(context, [record])[0]


def ecologie_bouquet_item_delete(context: Context, data_dict: DataDict) -> dict[str, Any]:
    record = _item(data_dict.get("id"))
    bouquet = _bouquet(record.bouquet_id)
    tk.check_access("ecologie_bouquet_item_delete", context, {"id": bouquet.id})
    model.Session.delete(record)
    _touch(context, bouquet)
    model.Session.commit()
    return {"id": record.id, "bouquet_id": bouquet.id}


@tk.side_effect_free
def ecologie_bouquet_item_list(context: Context, data_dict: DataDict) -> list[dict[str, Any]]:
    """The items of a bouquet in order. An item on a dataset the caller may
    not see shows as unavailable, without its title or address."""
    bouquet = _bouquet(data_dict.get("bouquet_id"))
    tk.check_access("ecologie_bouquet_item_list", context, {"id": bouquet.id})
    return presentation.item_dicts(context, items.of_bouquet(bouquet.id))


def ecologie_bouquet_item_reorder(context: Context, data_dict: DataDict) -> list[dict[str, Any]]:
    """Put the items in the given `order` (every item id, once)."""
    bouquet = _bouquet(data_dict.get("bouquet_id"))
    tk.check_access("ecologie_bouquet_item_reorder", context, {"id": bouquet.id})
    order = data_dict.get("order")
    records = {record.id: record for record in items.of_bouquet(bouquet.id)}
    if not isinstance(order, list) or sorted(map(str, order)) != sorted(records):
        raise tk.ValidationError({"order": [tk._("Give every item of the bouquet, once each")]})
    for position, item_id in enumerate(order):
        records[str(item_id)].position = position
    _touch(context, bouquet)
    model.Session.commit()
    return presentation.item_dicts(context, items.of_bouquet(bouquet.id))


def ecologie_bouquet_clone(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """A draft copy of the bouquet `id`, owned by the caller, with its items
    when `with_items` is true; `cloned_from` says where it comes from."""
    source_dict = tk.get_action("package_show")(_user_context(context), {"id": data_dict.get("id")})
    if source_dict.get("type") != BOUQUET:
        raise tk.ObjectNotFound(tk._("Bouquet not found"))
    tk.check_access("ecologie_bouquet_clone", context, {"id": source_dict["id"]})
    title = tk._("Copy of {title}").format(title=source_dict["title"])
    clone_dict = {
        "type": BOUQUET,
        "name": f"{munge_title_to_name(source_dict['name'])[:80]}-{secrets.token_hex(3)}",
        "title": title,
        "notes": source_dict.get("notes"),
        "themes": source_dict.get("themes"),
        "tags": [{"name": tag["name"]} for tag in source_dict.get("tags", [])],
        "spatial_coverage": source_dict.get("spatial_coverage"),
        "private": True,
        "owner_org": None,
        "cloned_from": source_dict["id"],
    }
    clone = tk.get_action("package_create")(_user_context(context), clone_dict)
    if tk.asbool(data_dict.get("with_items")):
        copies = [
            {field: getattr(record, field) for field in items.FIELDS}
            for record in items.of_bouquet(source_dict["id"])
            if not record.dataset_removed
        ]
        kept = []
        for copy in copies:
            cleaned, errors = items.clean(copy, context)
            if not errors:  # a dataset the caller may not see is left out
                kept.append(cleaned)
        items.add_all(clone["id"], kept)
        model.Session.commit()
    return tk.get_action("package_show")(_user_context(context), {"id": clone["id"]})


@tk.side_effect_free
def ecologie_bouquet_list_for_dataset(context: Context, data_dict: DataDict) -> list[dict[str, Any]]:
    """The bouquets the caller may see that use the dataset `id`."""
    package = model.Package.get(str(data_dict.get("id") or ""))
    # a dataset the caller may not see does not exist for them
    if package is None or not (policy.trusted(context) or visibility.may_see(context, package.id)):
        raise tk.ObjectNotFound(tk._("Dataset not found"))
    tk.check_access("package_show", context, {"id": package.id})
    bouquet_ids = {
        bouquet_id
        for (bouquet_id,) in model.Session.query(BouquetItem.bouquet_id).filter(BouquetItem.package_id == package.id)
    }
    if not bouquet_ids:
        return []
    found = tk.get_action("package_search")(
        _user_context(context),
        {
            "fq": "+dataset_type:{} +id:({})".format(
                BOUQUET, " OR ".join(f'"{bouquet_id}"' for bouquet_id in bouquet_ids)
            ),
            "rows": len(bouquet_ids),
            "include_private": True,
            "sort": "title_string asc",
        },
    )
    return [
        {"id": item["id"], "name": item["name"], "title": item["title"], "private": item["private"]}
        for item in found["results"]
    ]


def ecologie_bouquet_check(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Problems of a bouquet's items: datasets deleted, made private or
    restricted, external addresses that no longer answer."""
    bouquet = _bouquet(data_dict.get("id"), "id")
    tk.check_access("ecologie_bouquet_check", context, {"id": bouquet.id})
    return {"id": bouquet.id, "name": bouquet.name, "problems": health.check(bouquet)}
