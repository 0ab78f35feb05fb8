"""The fields our capabilities add to CKAN's dataset schema."""

from __future__ import annotations

from ckan.types import Schema

from ckanext.ecologie.access import fields as access_fields
from ckanext.ecologie.themes import validators as theme_fields
from ckanext.ecologie.themes.taxonomy import DATASET


def extend_create(schema: Schema) -> Schema:
    schema.update(theme_fields.create_fields(DATASET))
    schema.update(access_fields.create_fields())
    schema["license_id"] = access_fields.licence_validators(schema.get("license_id", []))
    return schema


def extend_show(schema: Schema) -> Schema:
    schema.update(theme_fields.show_fields())
    schema.update(access_fields.show_fields())
    return schema
