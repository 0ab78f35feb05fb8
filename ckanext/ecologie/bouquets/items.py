"""Bouquet items: validation and storage (callers check access and commit)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.types import Context
from sqlalchemy import func

from ckanext.ecologie.access import policy
from ckanext.ecologie.bouquets.model import AVAILABILITIES, AVAILABLE, MISSING, URL_AVAILABLE, BouquetItem

MAX_LABEL = 300
MAX_PURPOSE = 10000
MAX_GROUP = 100
FIELDS = ("label", "purpose", "availability", "package_id", "uri", "group")


def _text(value: Any, limit: int, field: str, errors: dict[str, list[str]]) -> str | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        errors.setdefault(field, []).append(tk._("Must be text"))
        return None
    value = value.strip()
    if len(value) > limit:
        errors.setdefault(field, []).append(tk._("At most {count} characters").format(count=limit))
    return value or None


def _web_url(value: str | None, errors: dict[str, list[str]]) -> str | None:
    if value is None:
        return None
    parsed = urlparse(value)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        errors.setdefault("uri", []).append(tk._("Give an http or https address"))
    return value


def _visible_dataset(package_id: str, context: Context) -> model.Package | None:
    """The dataset, if the caller may see it (an item must not reveal that a
    private dataset exists)."""
    package = model.Package.get(package_id)
    if package is None or package.state != "active" or package.type != "dataset":
        return None
    return package if policy.may_read(context, package) else None


def clean(
    raw: Any, context: Context, current: BouquetItem | None = None
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Validated item fields, and errors by field. `current` is the stored
    item for an update: fields not given keep their value."""
    errors: dict[str, list[str]] = {}
    if not isinstance(raw, dict):
        return {}, {"item": [tk._("An item must be an object")]}
    merged = {field: getattr(current, field) for field in FIELDS} if current else {}
    merged.update({field: raw[field] for field in FIELDS if field in raw})
    item: dict[str, Any] = {
        "label": _text(merged.get("label"), MAX_LABEL, "label", errors),
        "purpose": _text(merged.get("purpose"), MAX_PURPOSE, "purpose", errors) or "",
        "group": _text(merged.get("group"), MAX_GROUP, "group", errors),
        "uri": _web_url(_text(merged.get("uri"), 2000, "uri", errors), errors),
        "package_id": None,
    }
    if merged.get("package_id"):
        package = _visible_dataset(str(merged["package_id"]), context)
        if package is None:
            errors.setdefault("package_id", []).append(tk._("Dataset not found"))
        else:
            item["package_id"] = package.id
            item["label"] = item["label"] or package.title or package.name
    availability = merged.get("availability") or (
        AVAILABLE if item["package_id"] else URL_AVAILABLE if item["uri"] else MISSING
    )
    if availability not in AVAILABILITIES:
        errors.setdefault("availability", []).append(
            tk._("Availability must be one of: {values}").format(values=", ".join(AVAILABILITIES))
        )
    elif availability == AVAILABLE and not item["package_id"] and "package_id" not in errors:
        errors.setdefault("package_id", []).append(tk._("An available item needs a dataset of the catalogue"))
    elif availability == URL_AVAILABLE and not item["uri"] and "uri" not in errors:
        errors.setdefault("uri", []).append(tk._("Give the address of the external data"))
    elif availability in (MISSING,) and item["package_id"]:
        errors.setdefault("availability", []).append(tk._("Data of the catalogue is not missing"))
    item["availability"] = availability
    if not item["label"] and "label" not in errors and "package_id" not in errors:
        errors.setdefault("label", []).append(tk._("Give a label, or choose a dataset"))
    return item, errors


def of_bouquet(bouquet_id: str) -> list[BouquetItem]:
    return (
        model.Session.query(BouquetItem)
        .filter(BouquetItem.bouquet_id == bouquet_id)
        .order_by(BouquetItem.position, BouquetItem.created)
        .all()
    )


def add_all(bouquet_id: str, cleaned: list[dict[str, Any]]) -> list[BouquetItem]:
    """Append the items after the existing ones."""
    last = model.Session.query(func.max(BouquetItem.position)).filter(BouquetItem.bouquet_id == bouquet_id).scalar()
    start = 0 if last is None else last + 1
    records = [
        BouquetItem(bouquet_id=bouquet_id, position=start + index, **fields) for index, fields in enumerate(cleaned)
    ]
    model.Session.add_all(records)
    model.Session.flush()
    return records
