"""Validators of the `themes` field, shared by datasets and bouquets.

`themes` is stored as a JSON list of concept ids in a package extra. Who set
them is kept in `themes_origin`: `classifier` when the automatic
classification did (its harvest hook validates with a schema that says so),
`editor` otherwise; unchanged themes keep their origin. The classifier never
overwrites an editor's choice.
"""

from __future__ import annotations

import json
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Context, FlattenDataDict, FlattenErrorDict, FlattenKey

from ckanext.ecologie.themes.store import get_taxonomy

EDITOR = "editor"
CLASSIFIER = "classifier"


def as_id_list(value: Any) -> list[str]:
    """A list from a JSON list, a comma-separated string or a list."""
    if value in (None, "", tk.missing):
        return []
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                value = json.loads(text)
            except ValueError as error:
                raise tk.Invalid(tk._("Themes must be a list of theme identifiers")) from error
        else:
            value = text.split(",")
    if not isinstance(value, list | tuple):
        raise tk.Invalid(tk._("Themes must be a list of theme identifiers"))
    ids: list[str] = []
    for item in value:
        if not isinstance(item, str):
            raise tk.Invalid(tk._("Themes must be a list of theme identifiers"))
        item = item.strip()
        if item and item not in ids:
            ids.append(item)
    return ids


def stored_themes(value: Any) -> list[str]:
    """The list kept in the extra (lenient: old or hand-edited values)."""
    try:
        return as_id_list(value)
    except tk.Invalid:
        return []


def theme_ids(scheme: str, origin: str = EDITOR):  # noqa: ANN201 - a navl validator
    def validator(key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict, context: Context) -> None:
        try:
            ids = as_id_list(data.get(key))
        except tk.Invalid as error:
            errors[key].append(error.error)
            return
        taxonomy = get_taxonomy(scheme)
        unknown = [concept_id for concept_id in ids if concept_id not in taxonomy]
        if unknown:
            errors[key].append(tk._("Unknown theme: {ids}").format(ids=", ".join(unknown)))
            return
        if not ids:
            data[key] = tk.missing
            data[(*key[:-1], "themes_origin")] = tk.missing
            return
        data[key] = json.dumps(ids)
        data[(*key[:-1], "themes_origin")] = _origin(ids, origin, context)

    return validator


def _origin(ids: list[str], origin: str, context: Context) -> str:
    package = context.get("package")
    if package is not None:
        extras = package.extras
        if stored_themes(extras.get("themes")) == ids and extras.get("themes_origin") in (EDITOR, CLASSIFIER):
            return extras["themes_origin"]
    return origin


def themes_from_json(key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict, context: Context) -> None:
    data[key] = stored_themes(data.get(key))


def create_fields(scheme: str, origin: str = EDITOR) -> dict[str, list[Any]]:
    to_extras = tk.get_converter("convert_to_extras")
    ignore_missing = tk.get_validator("ignore_missing")
    return {
        "themes": [theme_ids(scheme, origin), ignore_missing, to_extras],
        "themes_origin": [ignore_missing, to_extras],
    }


def show_fields() -> dict[str, list[Any]]:
    from_extras = tk.get_converter("convert_from_extras")
    ignore_missing = tk.get_validator("ignore_missing")
    return {
        "themes": [from_extras, ignore_missing, themes_from_json],
        "themes_origin": [from_extras, ignore_missing],
    }
