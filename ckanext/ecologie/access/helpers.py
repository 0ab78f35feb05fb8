"""Template helpers of restricted data."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.ecologie.access import rights


def access_right_choices() -> list[dict[str, str]]:
    return [{"value": value, "text": text} for value, text in rights.access_right_labels().items()]


def access_category_choices() -> list[dict[str, str]]:
    return [{"value": value, "text": f"{value}) {text}"} for value, text in rights.category_labels().items()]


def access_request_status(status: str) -> str:
    return {
        "pending": tk._("Waiting for a decision"),
        "approved": tk._("Approved"),
        "denied": tk._("Refused"),
    }.get(status, status)


def get_helpers() -> dict[str, Any]:
    return {
        "ecologie_access_right_choices": access_right_choices,
        "ecologie_access_category_choices": access_category_choices,
        "ecologie_access_category_label": rights.category_label,
        "ecologie_access_request_status": access_request_status,
        "ecologie_access_right_label": lambda value: rights.access_right_labels().get(value or "open", value),
    }
