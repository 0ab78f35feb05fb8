"""The bouquet package schema: CKAN's dataset schema with exactly one bouquet
theme (plus its sub-themes), a spatial coverage, an optional owner
organisation and the bouquet it was cloned from."""

from __future__ import annotations

from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.types import Context, FlattenDataDict, FlattenErrorDict, FlattenKey, Schema

from ckanext.ecologie.bouquets import BOUQUET
from ckanext.ecologie.themes import validators as theme_fields
from ckanext.ecologie.themes.store import get_taxonomy
from ckanext.ecologie.themes.taxonomy import BOUQUET as BOUQUET_SCHEME
from ckanext.ecologie.validation import max_length

MAX_COVERAGE = 200


def one_theme_and_its_subthemes(
    key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict, context: Context
) -> None:
    try:
        ids = theme_fields.as_id_list(data.get(key))
    except tk.Invalid as error:
        errors[key].append(error.error)
        raise tk.StopOnError from error
    taxonomy = get_taxonomy(BOUQUET_SCHEME)
    unknown = [concept_id for concept_id in ids if concept_id not in taxonomy]
    if unknown:
        errors[key].append(tk._("Unknown theme: {ids}").format(ids=", ".join(unknown)))
        raise tk.StopOnError
    tops = [concept_id for concept_id in ids if taxonomy.concepts[concept_id].parent is None]
    if len(tops) != 1:
        errors[key].append(tk._("Choose exactly one theme, and sub-themes of that theme only"))
        raise tk.StopOnError
    strays = [concept_id for concept_id in ids if taxonomy.concepts[concept_id].parent not in (None, tops[0])]
    if strays:
        errors[key].append(
            tk._("Sub-themes {ids} are not under the theme {theme}").format(ids=", ".join(strays), theme=tops[0])
        )
        raise tk.StopOnError


def optional_owner(key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict, context: Context) -> Any:
    """A bouquet may belong to nobody but its creator; an organisation, when
    given, is checked as for datasets."""
    if data.get(key) in (None, "", tk.missing):
        data[key] = None
        raise tk.StopOnError
    return tk.get_validator("owner_org_validator")(key, data, errors, context)


def existing_bouquet(value: Any, context: Context) -> Any:
    if value in (None, "", tk.missing):
        return tk.missing
    source = model.Package.get(value)
    if source is None or source.type != BOUQUET:
        raise tk.Invalid(tk._("Bouquet not found"))
    return source.id


def create_schema(base: Schema) -> Schema:
    ignore_missing = tk.get_validator("ignore_missing")
    not_empty = tk.get_validator("not_empty")
    unicode_safe = tk.get_validator("unicode_safe")
    to_extras = tk.get_converter("convert_to_extras")
    schema = dict(base)
    schema.update(theme_fields.create_fields(BOUQUET_SCHEME))
    schema["themes"] = [not_empty, one_theme_and_its_subthemes, *schema["themes"]]
    schema["title"] = [not_empty, unicode_safe]
    schema["owner_org"] = [optional_owner, unicode_safe]
    # a draft of a creator without organisation is private to them (labels.py)
    schema["private"] = [ignore_missing, tk.get_validator("boolean_validator")]
    schema["spatial_coverage"] = [ignore_missing, unicode_safe, max_length(MAX_COVERAGE), to_extras]
    schema["cloned_from"] = [ignore_missing, existing_bouquet, to_extras]
    return schema


def show_schema(base: Schema) -> Schema:
    from_extras = tk.get_converter("convert_from_extras")
    ignore_missing = tk.get_validator("ignore_missing")
    schema = dict(base)
    schema.update(theme_fields.show_fields())
    schema["spatial_coverage"] = [from_extras, ignore_missing]
    schema["cloned_from"] = [from_extras, ignore_missing]
    return schema
