"""navl schemas of the access actions (grants, requests, audit); the
dataset's own access fields are in fields.py."""

from __future__ import annotations

import datetime
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Context, FlattenDataDict, FlattenErrorDict, FlattenKey, Schema

from ckanext.ecologie.validation import max_length

# A reason (why data is restricted, why an agent asks for it): a paragraph.
MAX_REASON_LENGTH = 2000
DECISIONS = ("approve", "deny")


def _future_datetime(value: Any, context: Context) -> Any:
    if value in (None, "", tk.missing):
        return None
    try:
        parsed = value if isinstance(value, datetime.datetime) else datetime.datetime.fromisoformat(str(value))
    except ValueError as error:
        raise tk.Invalid(tk._("Give a date as YYYY-MM-DD or YYYY-MM-DDTHH:MM")) from error
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    if parsed <= datetime.datetime.utcnow():
        raise tk.Invalid(tk._("The end date must be in the future"))
    return parsed


def _text_only(key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict, context: Context) -> None:
    """Stops the chain on anything but text: the validators after it expect text."""
    if not isinstance(data[key], str):
        errors[key].append(tk._("Missing value"))
        raise tk.StopOnError


def _v(name: str) -> Any:
    return tk.get_validator(name)


def grant_create() -> Schema:
    return {
        "user": [_v("not_empty"), _v("unicode_safe")],
        "package_id": [_v("ignore_missing"), _v("unicode_safe")],
        "organization_id": [_v("ignore_missing"), _v("unicode_safe")],
        "expires": [_v("ignore_missing"), _future_datetime],
    }


def request_create() -> Schema:
    return {
        "package_id": [_v("not_empty"), _v("unicode_safe")],
        # checked again once stripped: spaces alone are no reason
        "reason": [_v("not_empty"), _text_only, _v("strip_value"), _v("not_empty"), max_length(MAX_REASON_LENGTH)],
    }


def request_decide() -> Schema:
    return {
        "id": [_v("not_empty"), _v("unicode_safe")],
        "decision": [_v("not_empty"), _v("one_of")(list(DECISIONS))],
        "reason": [_v("ignore_missing"), _v("unicode_safe")],
        "expires": [_v("ignore_missing"), _future_datetime],
    }


def audit_list() -> Schema:
    return {
        "limit": [_v("default")(100), _v("natural_number_validator")],
        "offset": [_v("default")(0), _v("natural_number_validator")],
        "package_id": [_v("ignore_missing"), _v("unicode_safe")],
        "organization_id": [_v("ignore_missing"), _v("unicode_safe")],
        "user": [_v("ignore_missing"), _v("unicode_safe")],
    }


def paging() -> Schema:
    """`offset` and `limit` of listings paged after filtering."""
    return {
        "offset": [_v("ignore_missing"), _v("natural_number_validator")],
        "limit": [_v("ignore_missing"), _v("natural_number_validator")],
    }
