"""Reading ISO 19139 elements where OWSLib does not: a property's value
whatever element carries it (gco:CharacterString, gmx:Anchor with its
xlink:href, gmx:MimeFileType with its media type, gmd:URL, a code list)."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

NS = {
    "gmd": "http://www.isotc211.org/2005/gmd",
    "gco": "http://www.isotc211.org/2005/gco",
    "gmx": "http://www.isotc211.org/2005/gmx",
    "srv": "http://www.isotc211.org/2005/srv",
    "xlink": "http://www.w3.org/1999/xlink",
}
HREF = f"{{{NS['xlink']}}}href"
MIME_FILE_TYPE = f"{{{NS['gmx']}}}MimeFileType"


@dataclass(frozen=True)
class Value:
    text: str | None = None
    href: str | None = None  # gmx:Anchor's xlink:href
    media_type: str | None = None  # gmx:MimeFileType's type


def _clean(value: str | None) -> str | None:
    return " ".join(value.split()) if value and value.strip() else None


def _first_element(element: etree._Element) -> etree._Element | None:
    # iterchildren(tag=Element) skips the comments some catalogues leave inside
    return next(element.iterchildren(tag=etree.Element), None)


def value_of(prop: etree._Element | None) -> Value:
    """The value of a property element (gmd:name, gmd:code...)."""
    if prop is None:
        return Value()
    carrier = _first_element(prop)
    if carrier is None:
        return Value(_clean(prop.text), _clean(prop.get(HREF)))
    code = carrier.get("codeListValue")
    return Value(
        _clean(code) or _clean("".join(carrier.itertext())),
        _clean(carrier.get(HREF)),
        _clean(carrier.get("type")) if carrier.tag == MIME_FILE_TYPE else None,
    )


def find(element: etree._Element, path: str) -> Value:
    return value_of(element.find(path, NS))


def find_all(element: etree._Element, path: str) -> list[Value]:
    return [value for value in map(value_of, element.iterfind(path, NS)) if value.text or value.href]
