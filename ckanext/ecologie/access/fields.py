"""Dataset fields of access rights, stored as package extras.

An update that does not mention `access_rights` keeps the stored value: a
client that forgets the field must never open restricted data by accident.
A restricted dataset carries no licence.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlparse

import ckan.plugins.toolkit as tk
from ckan.types import Context, FlattenDataDict, FlattenErrorDict, FlattenKey

from ckanext.ecologie.access.rights import ACCESS_RIGHTS, CATEGORIES, OPEN, RESTRICTED
from ckanext.ecologie.access.schema import MAX_REASON_LENGTH
from ckanext.ecologie.validation import max_length

MAX_AUDIENCES = 20
MAX_AUDIENCE_LENGTH = 100


def access_rights_or_stored(key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict, context: Context) -> None:
    value = data.get(key)
    if value in (None, "", tk.missing):
        package = context.get("package")
        stored = package.extras.get("access_rights") if package is not None else None
        data[key] = stored if stored in ACCESS_RIGHTS else OPEN
    elif value not in ACCESS_RIGHTS:
        errors[key].append(tk._("Access rights must be one of: {values}").format(values=", ".join(ACCESS_RIGHTS)))


def no_licence_when_restricted(
    key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict, context: Context
) -> None:
    if data.get(("access_rights",)) == RESTRICTED:
        data[key] = ""  # no licence applies to non-public data


def audiences(value: Any, context: Context) -> Any:
    if value in (None, "", tk.missing):
        return tk.missing
    if isinstance(value, str):
        text = value.strip()
        items = json.loads(text) if text.startswith("[") else text.split(",")
    elif isinstance(value, list):
        items = value
    else:
        raise tk.Invalid(tk._("Audiences must be a list of short texts"))
    cleaned: list[str] = []
    for item in items:
        if not isinstance(item, str) or len(item.strip()) > MAX_AUDIENCE_LENGTH:
            raise tk.Invalid(tk._("Audiences must be a list of short texts"))
        if item.strip() and item.strip() not in cleaned:
            cleaned.append(item.strip())
    if len(cleaned) > MAX_AUDIENCES:
        raise tk.Invalid(tk._("At most {count} audiences").format(count=MAX_AUDIENCES))
    return json.dumps(cleaned, ensure_ascii=False) if cleaned else tk.missing


def web_url(value: Any, context: Context) -> Any:
    if value in (None, "", tk.missing):
        return tk.missing
    parsed = urlparse(str(value).strip())
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise tk.Invalid(tk._("Give an http or https address"))
    return str(value).strip()


def audiences_from_json(value: Any, context: Context) -> Any:
    try:
        loaded = json.loads(value) if isinstance(value, str) else value
    except ValueError:
        return []
    return loaded if isinstance(loaded, list) else []


def create_fields() -> dict[str, list[Any]]:
    ignore_missing = tk.get_validator("ignore_missing")
    one_of = tk.get_validator("one_of")
    unicode_safe = tk.get_validator("unicode_safe")
    to_extras = tk.get_converter("convert_to_extras")
    return {
        "access_rights": [access_rights_or_stored, to_extras],
        "access_reason_category": [ignore_missing, one_of(list(CATEGORIES)), to_extras],
        "access_reason": [ignore_missing, unicode_safe, max_length(MAX_REASON_LENGTH), to_extras],
        "access_audiences": [ignore_missing, audiences, ignore_missing, to_extras],
        "authorization_request_url": [ignore_missing, web_url, ignore_missing, to_extras],
    }


def licence_validators(existing: list[Any]) -> list[Any]:
    return [no_licence_when_restricted, *existing]


def show_fields() -> dict[str, list[Any]]:
    ignore_missing = tk.get_validator("ignore_missing")
    from_extras = tk.get_converter("convert_from_extras")
    return {
        "access_rights": [from_extras, ignore_missing],
        "access_reason_category": [from_extras, ignore_missing],
        "access_reason": [from_extras, ignore_missing],
        "access_audiences": [from_extras, ignore_missing, audiences_from_json],
        "authorization_request_url": [from_extras, ignore_missing],
    }
