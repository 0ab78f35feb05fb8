"""Template helpers of the result cards."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit


def url_host(url: Any) -> str:
    """The host of an address ("api.example.org"), or "" for none."""
    if not isinstance(url, str) or not url.strip():
        return ""
    try:
        return urlsplit(url.strip()).hostname or ""
    except ValueError:
        return ""


def get_helpers() -> dict[str, Any]:
    return {"ecologie_url_host": url_host}
