"""Hardened XML parsing: no network, no DTD loading, no external entities,
no entity expansion, a size cap. Every XML body a harvester reads passes
here before anything else (OWSLib, rdflib) sees it."""

from __future__ import annotations

import ckan.plugins.toolkit as tk
from lxml import etree


class UnsafeXML(ValueError):
    """Malformed, oversized or hostile XML; the message says which."""


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_pis=True,
    )


def _check_dtd(tree: etree._ElementTree) -> None:
    """Internal entities used as plain abbreviations (as in many RDF/XML
    files) are fine; an entity that refers to a file, a URL or another
    entity (the "billion laughs" pattern) is refused."""
    dtd = tree.docinfo.internalDTD
    if dtd is None:
        return
    for entity in dtd.iterentities():
        if entity.system_url or (entity.orig is None and entity.content is None):
            raise UnsafeXML(tk._("The XML declares an external entity ({name}): refused").format(name=entity.name))
        if "&" in (entity.content or "") or "%" in (entity.orig or ""):
            raise UnsafeXML(tk._("The XML declares nested entities ({name}): refused").format(name=entity.name))
    if tree.docinfo.system_url or tree.docinfo.public_id:
        raise UnsafeXML(tk._("The XML refers to an external DTD: refused"))


def parse(data: bytes, max_bytes: int) -> etree._ElementTree:
    """The document tree, or UnsafeXML."""
    if len(data) > max_bytes:
        raise UnsafeXML(tk._("The XML is larger than {bytes} bytes").format(bytes=max_bytes))
    if not data.strip():
        raise UnsafeXML(tk._("The XML document is empty"))
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as error:
        raise UnsafeXML(tk._("Malformed XML: {error}").format(error=error)) from None
    tree = root.getroottree()
    _check_dtd(tree)
    if _has_entity_references(root):
        raise UnsafeXML(tk._("The XML uses entities that were not expanded: refused"))
    return tree


def _has_entity_references(root: etree._Element) -> bool:
    return any(isinstance(node, etree._Entity) for node in root.iter(etree.Entity))
