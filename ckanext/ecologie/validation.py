"""Validators shared by several capabilities, and the one way our actions
validate their parameters."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Context, DataDict, Schema


def max_length(limit: int):  # noqa: ANN201 - a navl validator
    def validator(value: Any, context: Context) -> Any:
        if isinstance(value, str) and len(value) > limit:
            raise tk.Invalid(tk._("At most {count} characters").format(count=limit))
        return value

    return validator


def email_or_none(value: Any, context: Context) -> Any:
    """CKAN's `email_validator` (its pattern also keeps newlines out of a
    Reply-To), told as a field that may stay empty."""
    try:
        return tk.get_validator("email_validator")(value, context)
    except tk.Invalid:
        raise tk.Invalid(tk._("Give a valid e-mail address, or none")) from None


def validated(data_dict: DataDict, schema: Schema, context: Context) -> dict[str, Any]:
    """The parameters cleaned by `schema`, or a ValidationError naming each
    bad field."""
    data, errors = tk.navl_validate(data_dict, schema, context)
    if errors:
        raise tk.ValidationError(errors)
    return data
