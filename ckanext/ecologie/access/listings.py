"""Listings CKAN builds straight from the database or the index, without
asking whether the user may see each dataset: tags, resource formats, the
members of an organisation and the dataset counts of organisations and
groups. Each keeps to what the datasets the user may see carry."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.types import Action, Context, DataDict
from sqlalchemy import func

from ckanext.ecologie.access import policy, schema, strip, visibility
from ckanext.ecologie.validation import validated


def _in_sight(context: Context, value_column: Any, pairs: Callable[[set[str]], Any], values: set[str]) -> set[str]:
    """The values among `values` that a dataset the user may see carries.
    `pairs(values)`: a query of (`value_column`, dataset) for those values."""
    if visibility.sees_everything(context) or not values:
        return values
    public = {
        value
        for (value,) in pairs(values)
        .with_entities(value_column)
        .filter(model.Package.state == "active", model.Package.private.is_(False))
        .distinct()
    }
    hidden = pairs(values - public).all() if values - public else []  # on private or deleted datasets only
    seen = visibility.readable(context, {package for _, package in hidden})
    return public | {value for value, package in hidden if package.id in seen}


def visible_tags(context: Context, names: Iterable[str], vocabulary_id: str | None = None) -> set[str]:
    vocabulary = model.Vocabulary.get(vocabulary_id) if vocabulary_id else None

    def pairs(values: set[str]) -> Any:
        return (
            model.Session.query(model.Tag.name, model.Package)
            .join(model.PackageTag, model.PackageTag.tag_id == model.Tag.id)
            .join(model.Package, model.Package.id == model.PackageTag.package_id)
            .filter(model.Tag.name.in_(values), model.PackageTag.state == "active")
            .filter(model.Tag.vocabulary_id == (vocabulary.id if vocabulary else None))
        )

    return _in_sight(context, model.Tag.name, pairs, set(names))


def visible_formats(context: Context, formats: Iterable[str]) -> set[str]:
    """Formats (lower case, as format_autocomplete gives them)."""

    lowered = func.lower(model.Resource.format)

    def pairs(values: set[str]) -> Any:
        return (
            model.Session.query(lowered, model.Package)
            .join(model.Package, model.Package.id == model.Resource.package_id)
            .filter(lowered.in_(values), model.Resource.state == "active")
        )

    return _in_sight(context, lowered, pairs, set(formats))


def _name(tag: Any) -> str:
    return tag["name"] if isinstance(tag, dict) else tag


def _everything(data_dict: DataDict) -> DataDict:
    """The same search without paging: paging happens after filtering, so
    that counts say nothing of what is hidden."""
    return {**data_dict, "offset": 0, "limit": None}


def paging(data_dict: DataDict, context: Context, default_limit: int | None = None) -> tuple[int, int | None]:
    """`offset` and `limit` as asked (whole numbers), for paging done after
    filtering; a ValidationError names a bad one."""
    asked = {key: data_dict[key] for key in ("offset", "limit") if data_dict.get(key) not in (None, "")}
    valid = validated(asked, schema.paging(), context)
    limit = valid.get("limit")
    return int(valid.get("offset") or 0), int(limit) if limit is not None else default_limit


def _page(items: list[Any], bounds: tuple[int, int | None]) -> list[Any]:
    offset, limit = bounds
    return items[offset : offset + limit] if limit is not None else items[offset:]


@tk.side_effect_free
@tk.chained_action
def tag_list(original: Action, context: Context, data_dict: DataDict) -> Any:
    paging(data_dict, context)  # core hands them to SQL unchecked (with `query`)
    tags = original(context, data_dict)
    shown = visible_tags(context, [_name(tag) for tag in tags], data_dict.get("vocabulary_id"))
    return [tag for tag in tags if _name(tag) in shown]


@tk.side_effect_free
@tk.chained_action
def tag_search(original: Action, context: Context, data_dict: DataDict) -> Any:
    bounds = paging(data_dict, context)
    found = original(context, _everything(data_dict))
    shown = visible_tags(context, [_name(tag) for tag in found["results"]], data_dict.get("vocabulary_id"))
    results = [tag for tag in found["results"] if _name(tag) in shown]
    return {"count": len(results), "results": _page(results, bounds)}


@tk.side_effect_free
@tk.chained_action
def tag_autocomplete(original: Action, context: Context, data_dict: DataDict) -> Any:
    _, limit = paging({"limit": data_dict.get("limit")}, context, default_limit=10)
    names = original(context, _everything(data_dict))
    shown = visible_tags(context, names, data_dict.get("vocabulary_id"))
    return _page([name for name in names if name in shown], (0, limit))


@tk.side_effect_free
@tk.chained_action
def tag_show(original: Action, context: Context, data_dict: DataDict) -> Any:
    tag = original(context, data_dict)
    if not visible_tags(context, [tag["name"]], data_dict.get("vocabulary_id")):
        raise tk.ObjectNotFound(tk._("Tag not found"))
    if "packages" in tag:
        seen = visibility.readable_ids(context, [package.get("id") for package in tag["packages"]])
        viewer = policy.viewer(context)
        tag["packages"] = [
            package if viewer.may_use_dataset(package) else strip.strip_dataset(package)
            for package in tag["packages"]
            if package.get("id") in seen
        ]
    return tag


@tk.side_effect_free
@tk.chained_action
def format_autocomplete(original: Action, context: Context, data_dict: DataDict) -> Any:
    if not isinstance(data_dict.get("q"), str) or not data_dict["q"]:  # core reads it unchecked
        raise tk.ValidationError({"q": [tk._("Missing value")]})
    _, limit = paging({"limit": data_dict.get("limit")}, context, default_limit=5)
    formats = original(context, _everything(data_dict))
    shown = visible_formats(context, formats)
    return _page([name for name in formats if name in shown], (0, limit))


@tk.side_effect_free
@tk.chained_action
def member_list(original: Action, context: Context, data_dict: DataDict) -> Any:
    members = original(context, data_dict)
    packages = [member_id for member_id, kind, _ in members if kind == "package"]
    seen = visibility.readable_ids(context, packages)
    return [member for member in members if member[1] != "package" or member[0] in seen]


@policy.shown_to_caller
def package_relationships_list(caller: Context, relations: list[dict[str, Any]], data_dict: DataDict) -> Any:
    """A relationship names both its datasets: kept when the user may see both."""
    names = {relation.get(end) for relation in relations for end in ("subject", "object")} - {None}
    packages = model.Session.query(model.Package).filter(model.Package.name.in_(names)).all() if names else []
    seen = visibility.readable(caller, packages)
    visible = {package.name for package in packages if package.id in seen}
    return [relation for relation in relations if {relation.get("subject"), relation.get("object")} <= visible]


def _dataset_counts(caller: Context, field: str) -> dict[str, int]:
    """Datasets per organisation (`owner_org`, by id) or group (`groups`, by
    name) that the user may see: core counts them all, private ones too."""
    found = tk.get_action("package_search")(
        dict(caller),  # type: ignore[arg-type]
        {"q": "*:*", "rows": 0, "include_private": True, "facet.field": [field], "facet.limit": -1},
    )
    return found["facets"].get(field, {})


def _recounted(field: str, key: str, name: str) -> Action:
    @policy.shown_to_caller
    def recounted(caller: Context, groups: list[Any], data_dict: DataDict) -> Any:
        if not any(isinstance(group, dict) and "package_count" in group for group in groups):
            return groups
        counts = _dataset_counts(caller, field)
        for group in groups:
            if isinstance(group, dict) and "package_count" in group:
                group["package_count"] = counts.get(group.get(key) or "", 0)
        return groups

    recounted.__name__ = name
    return recounted


def get_actions() -> dict[str, Action]:
    return {
        "organization_list": _recounted("owner_org", "id", "organization_list"),
        "organization_list_for_user": _recounted("owner_org", "id", "organization_list_for_user"),
        "group_list": _recounted("groups", "name", "group_list"),
        "group_list_authz": _recounted("groups", "name", "group_list_authz"),
        "package_relationships_list": package_relationships_list,
        "tag_list": tag_list,
        "tag_search": tag_search,
        "tag_autocomplete": tag_autocomplete,
        "tag_show": tag_show,
        "format_autocomplete": format_autocomplete,
        "member_list": member_list,
    }
