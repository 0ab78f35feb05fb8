"""RDF pages read safely: XML checked by the hardened parser first, JSON-LD
with the remote contexts we ship put in place (jsonld_contexts) and refused
when it would fetch any other, then ckanext-dcat's parser with the DCAT-AP-FR
and DCAT-US profiles."""

from __future__ import annotations

import json
import logging
from functools import cache
from importlib.metadata import entry_points
from typing import Any

import ckan.plugins.toolkit as tk
import rdflib
from ckanext.dcat.processors import RDFParser
from lxml import etree
from rdflib import RDF
from rdflib.namespace import DCAT
from rdflib.term import Node

from ckanext.ecologie.harvest import jsonld_contexts, safexml

log = logging.getLogger(__name__)

PROFILES = ["euro_dcat_ap_3", "dcat_ap_fr", "dcat_us_1_1"]

# media type (or per-source `rdf_format`) -> rdflib format
FORMATS = {
    "application/rdf+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "xml": "xml",
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "turtle": "turtle",
    "ttl": "turtle",
    "text/n3": "n3",
    "n3": "n3",
    "application/n-triples": "nt",
    "nt": "nt",
    "application/ld+json": "json-ld",
    "application/json": "json-ld",
    "json-ld": "json-ld",
    "jsonld": "json-ld",
}
MEDIA_TYPES = tuple(key for key in FORMATS if "/" in key)

# Formats without named graphs: read into a plain graph on rdflib's
# SimpleMemory store, which fills and answers about 15% faster than the
# context-aware graph ckanext-dcat makes (kept for JSON-LD's named graphs
# and N3's formulae). The records read are the same (tests/harvest/test_units.py).
TRIPLE_FORMATS = frozenset({"xml", "turtle", "nt"})


class RDFPageError(ValueError):
    pass


def _remote_context(node: Any) -> bool:
    """JSON-LD contexts given by URL would be fetched by rdflib."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("@context", "@import") and _is_reference(value):
                return True
            if _remote_context(value):
                return True
    elif isinstance(node, list):
        return any(_remote_context(item) for item in node)
    return False


def _is_reference(value: Any) -> bool:
    if isinstance(value, str):
        return True
    return isinstance(value, list) and any(isinstance(item, str) for item in value)


def _without_empty_values(node: Any) -> Any:
    """JSON-LD without its empty strings: an empty literal says nothing, and
    an empty address (DCAT-US feeds write `"downloadURL": ""`) would be read
    as the address of the page itself."""
    if isinstance(node, list):
        return [_without_empty_values(item) for item in node if item != ""]
    if isinstance(node, dict):
        return {key: _without_empty_values(value) for key, value in node.items() if key.startswith("@") or value != ""}
    return node


def parse(body: bytes, rdf_format: str, max_bytes: int, base: str | None = None) -> RDFParser:
    """`base`: the page's address, against which relative addresses in it
    resolve (without one, rdflib resolves a JSON-LD page's against the
    working directory of the process, as file:// addresses)."""
    parser = RDFParser(profiles=PROFILES)
    if rdf_format in TRIPLE_FORMATS:
        parser.g = rdflib.Graph(store="SimpleMemory")
    if rdf_format == "xml":
        try:
            tree = safexml.parse(body, max_bytes)
        except safexml.UnsafeXML as error:
            raise RDFPageError(str(error)) from None
        if (tree.docinfo.encoding or "UTF-8").upper() not in ("UTF-8", "UTF8"):
            # ckanext-dcat hands rdflib text: re-encode from the declared encoding
            body = etree.tostring(tree, encoding="utf-8", xml_declaration=True)
    elif rdf_format == "json-ld":
        try:
            document = json.loads(body)
        except ValueError as error:
            raise RDFPageError(tk._("Malformed JSON-LD: {error}").format(error=error)) from None
        readable = _without_empty_values(jsonld_contexts.substitute(document))
        if _remote_context(readable):
            raise RDFPageError(tk._("The JSON-LD refers to a remote context, which is not fetched"))
        if readable != document:
            body = json.dumps(readable, ensure_ascii=False).encode("utf-8")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise RDFPageError(tk._("The page is not UTF-8: {error}").format(error=error)) from None
    try:
        # the graph's own parse, as RDFParser.parse does, with the base it cannot pass
        parser.g.parse(data=text, format=rdf_format, publicID=base)
    except Exception as error:  # rdflib's parsers raise many kinds of errors
        # their messages quote the page, which the job report would show to
        # anyone: the log keeps them
        log.info("unreadable %s page: %s", rdf_format, error)
        raise RDFPageError(
            tk._("Malformed RDF ({format}): {kind}").format(format=rdf_format, kind=type(error).__name__)
        ) from None
    return parser


def dataset_nodes(parser: RDFParser) -> list[Node]:
    """The page's datasets, in the order ckanext-dcat's parser reads them."""
    return list(parser.g.subjects(RDF.type, DCAT.Dataset))


@cache
def profile_classes() -> tuple[Any, ...]:
    """The profiles our RDF pages are parsed with, loaded as ckanext-dcat
    loads them: by their entry points."""
    return tuple(ep.load() for name in PROFILES for ep in entry_points(group="ckan.rdf.profiles", name=name))


def read_dataset(parser: RDFParser, node: Node) -> dict[str, Any]:
    """The dataset dict of one node, as `parser.datasets()` makes each:
    every profile, in order, reads into one dict."""
    dataset: dict[str, Any] = {}
    for profile_class in profile_classes():
        profile = profile_class(
            parser.g, dataset_type=parser.dataset_type, compatibility_mode=parser.compatibility_mode
        )
        profile.parse_dataset(dataset, node)
    return dataset
