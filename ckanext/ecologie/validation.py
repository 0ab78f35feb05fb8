"""Validators shared by several capabilities."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Context


def max_length(limit: int):  # noqa: ANN201 - a navl validator
    def validator(value: Any, context: Context) -> Any:
        if isinstance(value, str) and len(value) > limit:
            raise tk.Invalid(tk._("At most {count} characters").format(count=limit))
        return value

    return validator
