"""The navl schema of a harvest source's JSON configuration: the keys every
harvester of ours accepts, with the portal-wide defaults of
config_declaration.yaml, and the validators a harvester's own keys use (each
harvester adds its fragment through `config_schema`).

CKAN's validators carry the structure (a key left out, a default, a text
given for a list); ours carry the checks whose message must name the key and
what it accepts, as a source's admin reads it under the source form."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Context, FlattenDataDict, FlattenErrorDict, FlattenKey, Schema, Validator

from ckanext.ecologie.organizations import types as organization_types

UNKNOWN_KEYS = "__extras"  # where navl puts the keys no schema names


def _v(name: str) -> Any:
    return tk.get_validator(name)


def _stopping(check: Callable[[Any], Any]) -> Validator:
    """`check` as a validator that ends the key's chain when it fails: navl
    runs the next validators after an Invalid one, on the value that failed."""

    def validator(key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict, context: Context) -> None:
        try:
            data[key] = check(data[key])
        except tk.Invalid as error:
            errors[key].append(error.error)
            raise tk.StopOnError from None

    return validator


def number_between(name: str, minimum: float, maximum: float | None = None) -> Validator:
    """A JSON number (a boolean is none) from `minimum` to `maximum`."""

    def check(value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise tk.Invalid(tk._("{name} must be a number").format(name=name))
        if maximum is None and value < minimum:
            raise tk.Invalid(tk._("{name} must be at least {minimum}").format(name=name, minimum=minimum))
        if maximum is not None and not minimum <= value <= maximum:
            raise tk.Invalid(
                tk._("{name} must be between {minimum} and {maximum}").format(
                    name=name, minimum=minimum, maximum=maximum
                )
            )
        return value

    return _stopping(check)


def whole_number_up_to(name: str, maximum: int) -> Validator:
    """A JSON integer from 1 to `maximum` (CKAN's int_validator would take
    "50", 50.0 and true)."""

    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= maximum:
            raise tk.Invalid(
                tk._("{name} must be a whole number from 1 to {maximum}").format(name=name, maximum=maximum)
            )
        return value

    return _stopping(check)


def choice(name: str, choices: tuple[str, ...]) -> Validator:
    """One of `choices` (CKAN's one_of takes "" and names neither the key
    nor the choices in its message)."""

    def check(value: Any) -> str:
        if value not in choices:
            raise tk.Invalid(tk._("{name} must be one of: {choices}").format(name=name, choices=", ".join(choices)))
        return value

    return _stopping(check)


def _true_or_false(value: Any) -> bool:
    """A JSON boolean (CKAN's boolean_validator reads any other value as
    false: a typo would turn the option off without a word)."""
    if not isinstance(value, bool):
        raise tk.Invalid(tk._("publishers_to_organizations must be true or false"))
    return value


def texts(name: str) -> Validator:
    """A non-empty list of non-empty texts, stripped; after CKAN's
    convert_to_list_if_string, which makes a text a list of one."""

    def check(value: Any) -> list[str]:
        if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
            raise tk.Invalid(tk._("{name} must be a text or a list of texts").format(name=name))
        return [v.strip() for v in value]

    return _stopping(check)


def optional(*validators: Validator) -> list[Validator]:
    """The validators of a key that may be left out (or null)."""
    return [_v("ignore_missing"), *validators]


def text_list(name: str) -> list[Validator]:
    """The validators of an optional key taking a text or a list of texts."""
    return optional(_v("convert_to_list_if_string"), texts(name))


def _unknown_type(value: Any) -> str:
    return tk._("Unknown organisation type: {value}. Choose one of: {types}").format(
        value=value, types=", ".join(organization_types.TYPES)
    )


def _organization_type(value: Any) -> str:
    if value not in organization_types.TYPES:
        raise tk.Invalid(_unknown_type(value))
    return value


def publisher_mapping(value: Any) -> dict[str, dict[str, str]]:
    """{"publisher name or URI": "org-name" | {"organization": ..., "type": ...}}
    -> {"publisher": {"organization": ..., "type": ...}}"""
    if not isinstance(value, dict):
        raise tk.Invalid(tk._("publisher_mapping must be an object of publisher: organisation"))
    mapping: dict[str, dict[str, str]] = {}
    for publisher, target in value.items():
        entry = {"organization": target} if isinstance(target, str) else target
        if not isinstance(entry, dict) or not isinstance(entry.get("organization"), str):
            raise tk.Invalid(
                tk._("publisher_mapping: {publisher} needs an organisation name").format(publisher=publisher)
            )
        if entry.get("type") and entry["type"] not in organization_types.TYPES:
            raise tk.Invalid(_unknown_type(entry["type"]))
        mapping[str(publisher)] = {key: str(entry[key]) for key in ("organization", "type") if entry.get(key)}
    return mapping


def _refuse_unknown_keys(key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict, context: Context) -> None:
    unknown = data.get(key) or {}
    if unknown:
        allowed = sorted(name for name in context.get("schema_keys", []) if not name.startswith("__"))
        errors[key].append(
            tk._("Unknown configuration keys: {keys}. Allowed: {allowed}").format(
                keys=", ".join(sorted(unknown)), allowed=", ".join(allowed)
            )
        )


def _configured(option: str) -> Validator:
    """The portal's setting of the same name where the key is not given."""
    return _v("configured_default")(f"ckanext.ecologie.harvest.{option}", None)


def source_config(harvester_keys: Schema | None = None) -> Schema:
    """Unknown keys refused, the keys every harvester accepts, then the
    harvester's own. Built at each validation: the defaults follow the
    running config."""
    return {
        UNKNOWN_KEYS: [_refuse_unknown_keys],
        "timeout": [_configured("timeout"), number_between("timeout", 0.1, 600)],
        "retries": [_configured("retries"), number_between("retries", 0, 10)],
        "backoff": [_configured("backoff"), number_between("backoff", 0, 300)],
        "max_size_mb": [_configured("max_size_mb"), number_between("max_size_mb", 0.001)],
        "max_deletion_share": [
            _configured("max_deletion_share"),
            number_between("max_deletion_share", 0, 1),
        ],
        "organization_type": optional(_stopping(_organization_type)),
        "publishers_to_organizations": [_v("default")(True), _stopping(_true_or_false)],
        "publisher_mapping": [_v("default")({}), _stopping(publisher_mapping)],
        **(harvester_keys or {}),
    }
