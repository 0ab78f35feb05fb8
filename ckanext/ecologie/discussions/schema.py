"""What the discussion actions accept. Messages are markdown, kept as
written (trimmed) and shown sanitised."""

from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan.types import Schema, Validator

from ckanext.ecologie.validation import max_length

MAX_TITLE = 200
MAX_BODY = 20000


def _text(limit: int) -> list[Validator]:
    """Required text, trimmed: blank is missing."""
    return [
        tk.get_validator("default")(""),
        tk.get_validator("unicode_safe"),
        tk.get_validator("strip_value"),
        tk.get_validator("not_empty"),
        max_length(limit),
    ]


def _flag(default: bool) -> list[Validator]:
    return [tk.get_validator("default")(default), tk.get_validator("boolean_validator")]


def thread_schema() -> Schema:
    """A new thread: its title and first message."""
    return {"title": _text(MAX_TITLE), "body": _text(MAX_BODY)}


def message_schema() -> Schema:
    """A reply, or a message changed by its author."""
    return {"body": _text(MAX_BODY)}


def closing_schema() -> Schema:
    """`closed: false` reopens."""
    return {"closed": _flag(True)}


def hiding_schema() -> Schema:
    """`hidden: false` shows again."""
    return {"hidden": _flag(True)}
