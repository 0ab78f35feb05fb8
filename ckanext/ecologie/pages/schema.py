"""What the feedback form accepts."""

from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan.types import Schema

from ckanext.ecologie.validation import email_or_none, max_length

MAX_SUBJECT = 200
MAX_MESSAGE = 5000


def feedback_schema() -> Schema:
    default, ignore = tk.get_validator("default"), tk.get_validator("ignore")
    unicode_safe, strip_value = tk.get_validator("unicode_safe"), tk.get_validator("strip_value")
    text = [default(""), unicode_safe, strip_value]
    return {
        "name": text,
        "email": [*text, email_or_none],
        "subject": [*text, max_length(MAX_SUBJECT)],
        "message": [*text, tk.get_validator("not_empty"), max_length(MAX_MESSAGE)],
        # the honeypot and the timing token are checked before (feedback.py)
        "__extras": [ignore],
    }
