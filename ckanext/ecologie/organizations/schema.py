"""Navl schemas of organisations: the type, kept as an extra, shown as a
top-level field (the `ecologie_organizations` plugin hands them to CKAN
through IGroupForm)."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Schema

from ckanext.ecologie.organizations import types


def known_type(value: Any) -> Any:
    """A type of `types.TYPES`; the message names the choices."""
    if value not in types.TYPES:
        message = tk._("Unknown organisation type: {value}. Choose one of: {types}")
        raise tk.Invalid(message.format(value=value, types=", ".join(types.TYPES)))
    return value


def for_saving(schema: Schema) -> Schema:
    """Core's create or update schema, with the type stored as an extra.
    An empty type stores none ("not specified"): the form's first choice."""
    schema[types.EXTRA_KEY] = [
        tk.get_validator("ignore_empty"),
        tk.get_validator("unicode_safe"),
        known_type,
        tk.get_converter("convert_to_extras"),
    ]
    return schema


def for_showing(schema: Schema) -> Schema:
    """Core's show schema, with the type out of the extras, as a top-level
    field."""
    # Core's group show schema passes each extra through whole (`__extras`),
    # where convert_from_extras cannot see its key: name key and value, still
    # unchecked, as the dataset show schema does.
    schema["extras"] = {"key": [], "value": [], "__extras": [tk.get_validator("keep_extras")]}
    schema[types.EXTRA_KEY] = [tk.get_converter("convert_from_extras"), tk.get_validator("ignore_missing")]
    return schema
