"""What the page of one resource (/dataset/<id>/resource/<rid>) shows of
it: its "Informations" list, in French, of the resource's own fields (the
source's dates, format, media type, size, language, licence, rights,
standards, access page, documentation) and whether it is a service.

The resource is the one of `pkg` as the visitor may see it
(access/strip.py): a field it lacks is not shown. Only fields meant for a
reader are read: no id, no URI, no hash, no harvest field."""

from __future__ import annotations

import contextlib
import json
import re
from typing import Any

import ckan.plugins.toolkit as tk
from babel import Locale, UnknownLocaleError
from ckan import model

from ckanext.ecologie.harvest import licences
from ckanext.ecologie.ui import dataset_page

# Formats a reader uses as a service (a map server, an API) rather than downloads.
SERVICE_FORMATS = frozenset({"WMS", "WMTS", "WFS", "WCS", "API", "CSW", "SOS", "ESRI REST"})
# ISO 639-2 codes (the EU language vocabulary's) of the languages French catalogues use.
_ISO_639_2 = {
    "fra": "fr",
    "fre": "fr",
    "eng": "en",
    "deu": "de",
    "ger": "de",
    "spa": "es",
    "ita": "it",
    "nld": "nl",
    "dut": "nl",
    "por": "pt",
    "bre": "br",
    "cos": "co",
    "oci": "oc",
    "eus": "eu",
    "baq": "eu",
    "cat": "ca",
}


def field(res: dict[str, Any], key: str) -> Any:
    """A resource field, under its key or the label ckanext-dcat renames
    it to in the dicts of a page."""
    for name in dataset_page._names(key):
        value = res.get(name)
        if value not in (None, "", []):
            return value
    return None


def _list(value: Any) -> list[str]:
    """A field that holds one value or several (a list, or a JSON list as
    ckanext-dcat stores them)."""
    if isinstance(value, str) and value.startswith("["):
        with contextlib.suppress(ValueError):
            value = json.loads(value)
    values = value if isinstance(value, list) else [value]
    return [item.strip() for item in values if isinstance(item, str) and item.strip()]


def _link(value: str) -> str | None:
    return value if value.startswith(("http://", "https://")) else None


def is_service(res: dict[str, Any]) -> bool:
    return (res.get("format") or "").upper() in SERVICE_FORMATS


def language_label(value: str) -> str:
    """A language's name in the page's language, from its code or its URI
    in the EU vocabulary ("fr", "FRA", ".../language/FRA"); the value
    itself when it names none."""
    code = re.split(r"[/#]", value.strip().rstrip("/"))[-1].lower()
    code = _ISO_639_2.get(code, code)
    try:
        names = Locale.parse(str(tk.h.lang() or "fr")).languages
    except (UnknownLocaleError, ValueError):
        return value
    name = names.get(code)
    return name[:1].upper() + name[1:] if name else value


def _licence(value: str) -> tuple[str, str | None]:
    """A licence the resource names: its title and page in the site's
    register when it is one, else the text (a link when it is an address)."""
    licence_id = licences.match(value)
    register = model.Package.get_license_register()
    if licence_id and licence_id in register:
        licence = register[licence_id]
        return licence.title, licence.url or None
    return value, _link(value)


def information(res: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows of the resource's "Informations" list: label, text, and a
    link when the value has one; several links as `links`. Empty rows are
    left out."""
    _ = tk._
    rows: list[dict[str, Any]] = []

    def add(label: str, text: Any, url: str | None = None, links: list[dict[str, str]] | None = None) -> None:
        if text or links:
            rows.append({"label": label, "text": text, "url": url, "links": links or []})

    fmt = (res.get("format") or "").strip()
    add(_("Format"), fmt.upper() if fmt else None)
    mimetype = field(res, "mimetype")
    if isinstance(mimetype, str):
        mimetype = re.sub(r"^https?://www\.iana\.org/assignments/media-types/", "", mimetype)
        if mimetype.lower() != fmt.lower():
            add(_("Media type"), mimetype)
    add(_("Size"), dataset_page.resource_size(res))
    add(_("Published on"), dataset_page.date_label(field(res, "issued")))
    add(_("Updated on"), dataset_page.date_label(field(res, "modified") or res.get("last_modified")))
    languages = [language_label(value) for value in _list(field(res, "language"))]
    add(_("Language"), ", ".join(dict.fromkeys(languages)))
    licence = field(res, "license")
    if isinstance(licence, str) and licence.strip():
        title, url = _licence(licence.strip())
        add(_("Licence"), title, url)
    rights = field(res, "rights")
    if isinstance(rights, str):
        add(_("Access and use conditions"), rights.strip())
    standards = [{"text": value, "url": _link(value) or ""} for value in _list(field(res, "conforms_to"))]
    add(_("Conforms to"), None, links=standards)
    url = res.get("url") or ""
    access = field(res, "access_url")
    if isinstance(access, str) and _link(access) and access != url:
        add(_("Access page"), access, access)
    documentation = [{"text": value, "url": value} for value in _list(field(res, "documentation")) if _link(value)]
    add(_("Documentation"), None, links=documentation)
    return rows


def get_helpers() -> dict[str, Any]:
    return {
        "ecologie_resource_information": information,
        "ecologie_resource_is_service": is_service,
    }
