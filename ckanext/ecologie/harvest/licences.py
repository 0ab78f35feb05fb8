"""Licence normalisation: the ids, URIs and labels French catalogues use for
a licence, onto an id of the site's licence register (CKAN's
`licenses_group_url`; ours by default, data/licences.json, with
data.gouv.fr's ids: `lov2` and `fr-lo` for the Licence Ouverte 2.0 and 1.0).

The register is the one list of known licences. An entry is known by its
id, title and url, and by two keys CKAN keeps but does not read: `aliases`
(other ids, URLs and titles, matched whole) and `patterns` (regular
expressions searched in the text, lower case and without accents). In free
text the first licence named wins, in its most specific form: "Licence
Ouverte 1.0" is `fr-lo`, "Licence Ouverte (compatible ODC-BY)" is `lov2`. A
version-less Licence Ouverte is the current one, 2.0."""

from __future__ import annotations

import html
import logging
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import ckan.model as model

from ckanext.ecologie.text import fold

log = logging.getLogger(__name__)

REGISTER_FILE = os.path.join(os.path.dirname(__file__), "data", "licences.json")
# CKAN opens a file:// URL by dropping the scheme: a plain absolute path.
REGISTER_URL = "file://" + REGISTER_FILE
NOT_SPECIFIED = "notspecified"

_URL = re.compile(r"[a-z][a-z0-9+.-]*://[^\s<>\"']+")
_URL_END = ".,;:)]}"
_TAG = re.compile(r"<[^>]*>")


@dataclass(frozen=True)
class _Index:
    exact: dict[str, str]
    patterns: list[tuple[re.Pattern[str], str]]
    generic: frozenset[str]  # "other (open)", "not specified"...


_cache: tuple[Any, _Index] | None = None


def _fold(text: str) -> str:
    return " ".join(fold(text).split())


def _url_key(url: str) -> str:
    """One key for the spellings of an address: scheme, `www.`, fragment
    and trailing slash left out."""
    url = _fold(url).split("#", 1)[0]
    url = url.split("://", 1)[-1]
    return url.removeprefix("www.").rstrip("/")


def _key(value: str) -> str:
    folded = _fold(value)
    return _url_key(folded) if _URL.fullmatch(folded) else folded


def _plain(value: str) -> str:
    """The text of a value that ArcGIS Hub and others write in HTML."""
    if "<" in value:
        value = _TAG.sub(" ", value)
    return html.unescape(value)


def _build(register: Any) -> _Index:
    exact: dict[str, str] = {}
    patterns: list[tuple[re.Pattern[str], str]] = []
    generic: set[str] = set()
    for licence in register.values():
        if getattr(licence, "is_generic", False):
            generic.add(licence.id)
        keys = [licence.id, getattr(licence, "title", ""), getattr(licence, "url", "")]
        for key in [*keys, *(getattr(licence, "aliases", None) or [])]:
            if key:
                exact.setdefault(_key(str(key)), licence.id)
        for pattern in getattr(licence, "patterns", None) or []:
            try:
                patterns.append((re.compile(pattern), licence.id))
            except re.error as error:
                log.warning("licence %s: pattern %r left out: %s", licence.id, pattern, error)
    return _Index(exact, patterns, frozenset(generic))


def _index() -> _Index:
    """The site's register, indexed once (CKAN keeps one per process)."""
    global _cache
    register = model.Package.get_license_register()
    if _cache is None or _cache[0] is not register:
        _cache = (register, _build(register))
    return _cache[1]


def match(value: str) -> str | None:
    """The register id of the licence `value` names, else None."""
    text = _plain(value)
    index = _index()
    found = index.exact.get(_key(text))
    if found or not text.strip():
        return found
    folded = _fold(text)
    # (start, -length, id): the first licence named, its longest mention
    candidates: list[tuple[int, int, str]] = []
    for url in _URL.finditer(folded):
        address = url.group().rstrip(_URL_END)
        licence_id = index.exact.get(_url_key(address))
        if licence_id:
            candidates.append((url.start(), -len(address), licence_id))
    for pattern, licence_id in index.patterns:
        found_match = pattern.search(folded)
        if found_match:
            candidates.append((found_match.start(), -len(found_match.group()), licence_id))
    return min(candidates)[2] if candidates else None


def normalise(values: Iterable[str | None]) -> str | None:
    """The licence id of the first value that names a known licence; a
    generic one ("not specified", "other") only when no value names a
    licence itself (ckanext-dcat reads an empty `dct:license` as the
    register's entry without a url)."""
    found = [licence_id for licence_id in (match(str(value)) for value in values if value) if licence_id]
    generic = _index().generic
    # a licence named, else an "other" one stated, else "not specified"
    named = [licence_id for licence_id in found if licence_id not in generic]
    stated = [licence_id for licence_id in found if licence_id != NOT_SPECIFIED]
    return (named or stated or found or [None])[0]
