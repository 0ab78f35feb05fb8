"""Addresses as the doctor prints them: never with their password."""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

_USER_INFO = re.compile(r"//[^/@\s]+@")


def shown(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    user = f"{parts.username}:***@" if parts.username else ":***@"
    return urlunsplit(parts._replace(netloc=user + host))


def without_passwords(text: str) -> str:
    """A message that may quote addresses (pysolr's quote CKAN's Solr URL
    with its credentials), with their user and password hidden."""
    return _USER_INFO.sub("//***@", text)


def scheme_of(url: str) -> str:
    return urlsplit(url).scheme if "://" in url else ""


def has_host(url: str) -> bool:
    return bool(urlsplit(url).netloc)
