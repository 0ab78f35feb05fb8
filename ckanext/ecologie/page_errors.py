"""A refused action told to the visitor of a plain form page, as one flash
message."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk


def _texts(value: Any) -> list[str]:
    """An error value is a message, a list of them, or (for the items of a
    list field) a dict or list of nested errors."""
    if isinstance(value, dict):
        return [text for part in value.values() for text in _texts(part)]
    if isinstance(value, list | tuple):
        return [text for part in value for text in _texts(part)]
    return [str(value)] if value else []


def flash_refusal(error: tk.ValidationError) -> None:
    tk.h.flash_error(" ".join(_texts(error.error_dict)))
