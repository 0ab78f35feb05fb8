"""The dataservice package schema: the dataset schema (themes, access
rights, licence, organisation, contact, keywords) with the service's own
fields, stored as extras: its endpoint, the documentation of the endpoint
and the datasets it serves (their harvest identifiers or URIs)."""

from __future__ import annotations

import json
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Context, Schema

from ckanext.ecologie.validation import max_length

MAX_URL_LENGTH = 2000
MAX_SERVED = 5000
MAX_IDENTIFIER_LENGTH = 1000


def served_datasets(value: Any, context: Context) -> Any:
    """A list of identifiers (a JSON list or a comma-separated text, as from
    a form), kept once each, in their order, as a JSON list."""
    if value in (None, "", tk.missing):
        return tk.missing
    if isinstance(value, str):
        text = value.strip()
        try:
            items = json.loads(text) if text.startswith("[") else text.split(",")
        except ValueError:
            raise tk.Invalid(tk._("Served datasets must be a list of identifiers")) from None
    elif isinstance(value, list):
        items = value
    else:
        raise tk.Invalid(tk._("Served datasets must be a list of identifiers"))
    cleaned: list[str] = []
    for item in items:
        if not isinstance(item, str) or len(item.strip()) > MAX_IDENTIFIER_LENGTH:
            raise tk.Invalid(tk._("Served datasets must be a list of identifiers"))
        if item.strip() and item.strip() not in cleaned:
            cleaned.append(item.strip())
    if len(cleaned) > MAX_SERVED:
        raise tk.Invalid(tk._("At most {count} served datasets").format(count=MAX_SERVED))
    return json.dumps(cleaned, ensure_ascii=False) if cleaned else tk.missing


def served_from_json(value: Any, context: Context) -> Any:
    try:
        loaded = json.loads(value) if isinstance(value, str) else value
    except ValueError:
        return []
    return loaded if isinstance(loaded, list) else []


def create_schema(base: Schema) -> Schema:
    """For package_create and package_update: `base` is the schema CKAN
    would use for a dataset (ours, or the harvest import's)."""
    ignore_missing = tk.get_validator("ignore_missing")
    not_empty = tk.get_validator("not_empty")
    unicode_safe = tk.get_validator("unicode_safe")
    url_validator = tk.get_validator("url_validator")
    to_extras = tk.get_converter("convert_to_extras")
    schema = dict(base)
    schema["endpoint_url"] = [not_empty, unicode_safe, max_length(MAX_URL_LENGTH), url_validator, to_extras]
    schema["endpoint_description"] = [
        ignore_missing,
        unicode_safe,
        max_length(MAX_URL_LENGTH),
        url_validator,
        to_extras,
    ]
    schema["served_datasets"] = [ignore_missing, served_datasets, ignore_missing, to_extras]
    return schema


def show_schema(base: Schema) -> Schema:
    from_extras = tk.get_converter("convert_from_extras")
    ignore_missing = tk.get_validator("ignore_missing")
    schema = dict(base)
    schema["endpoint_url"] = [from_extras, ignore_missing]
    schema["endpoint_description"] = [from_extras, ignore_missing]
    schema["served_datasets"] = [from_extras, ignore_missing, served_from_json]
    return schema


def for_action(schema: Schema, action: str) -> Schema:
    """The schema of a dataservice, built on the one CKAN (or a caller's
    context, as the harvest import's) chose for the action."""
    return show_schema(schema) if action == "package_show" else create_schema(schema)
