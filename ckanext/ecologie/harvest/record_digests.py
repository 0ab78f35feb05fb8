"""A digest of what ckanext-dcat's profiles read of one dataset in an RDF
page, so that a changed page re-reads only its changed datasets.

A page that changed is parsed again, but most of its datasets are usually
as they were; running the profiles on those is half of reading the page.
A dataset's digest covers, blank node names aside:
- every triple of every node reachable from the dataset's node (its
  distributions, publisher, contact point, periods, services, recursively),
  with the values of one property in the order the profiles see them (they
  take the first title, the first publisher...); another dataset or a
  catalogue it links to counts with its own triples, not what they reach;
- the page-wide values the profiles read: the catalogues' addresses and
  home pages (dcat/reading.py `catalogue_pages`);
- what else shapes the record: the caller's `context` (the source, its
  configuration, the portal's settings and the code the profiles read).
The profiles read forward from the dataset, and only those values beside
(checked for ckanext-dcat's DCAT-AP profiles and ours, which also never
change the graph while reading): two datasets of equal digests give the
same record. The catalogue's own dates, its list of datasets, catalogue
records and paging are read by none, so they change no digest.

A dataset that reaches a cycle of blank nodes, or a chain of them too deep
to write out, has no digest (no canonical form here): it is always read.
"""

from __future__ import annotations

import functools
import hashlib
import json
import sys
from collections import defaultdict
from importlib import metadata
from pathlib import Path
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.namespace import DCAT
from rdflib.term import Node

from ckanext.ecologie.dcat.reading import catalogue_pages
from ckanext.ecologie.harvest.records import PIPELINE_VERSION

VERSION = "3"
OPTION = "ckanext.ecologie.harvest.record_digests"
# The portal's settings the profiles and the record pipeline read
READ_SETTINGS = (
    "ckan.site_url",
    "ckan.locale_default",
    "ckan.plugins",
    "ckan.resource_formats",
    "licenses_group_url",
    "scheming.dataset_schemas",
    "ckanext.dcat.clean_tags",
    "ckanext.dcat.normalize_ckan_format",
    "ckanext.dcat.compatibility_mode",
    "ckanext.dcat.expose_subcatalogs",
    "ckanext.dcat.resource.inherit.license",
)
PACKAGES = ("ckan", "ckanext-dcat", "rdflib", "lxml", "geomet")
# Our code and data that read a record (the profiles, the record pipeline,
# the licences' aliases): a new version of any file reads every record again
READING_CODE = ("dcat", "harvest", "text.py")


def enabled() -> bool:
    """Whether records are taken by digest: the option is on, and
    ckanext-dcat does not read sub-catalogues (through links back to the
    dataset)."""
    return tk.asbool(tk.config.get(OPTION)) and not tk.asbool(tk.config.get("ckanext.dcat.expose_subcatalogs", False))


def reading_context(hash_context: dict[str, Any], source_url: str) -> str:
    """What, besides its triples, shapes a record read from an RDF page: the
    source and its configuration, the portal's settings the profiles read,
    the licence register, our reading code and the versions it runs on. A
    page's digest holds it too (pages.py), so that after any of it changes
    (a deploy, a setting) an unchanged page is read again."""
    settings = {key: tk.config.get(key) for key in READ_SETTINGS}
    licences = [licence.license_dictize() for licence in model.Package.get_license_register().values()]
    return json.dumps(
        [PIPELINE_VERSION, hash_context, source_url, settings, licences, _code_and_versions()],
        sort_keys=True,
        default=str,
    )


@functools.cache
def _code_and_versions() -> list[str]:
    package = Path(__file__).resolve().parent.parent
    paths = sorted(
        path
        for name in READING_CODE
        for path in ([package / name] if (package / name).is_file() else (package / name).rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    )
    digest = hashlib.sha256()
    for path in paths:
        digest.update(str(path.relative_to(package)).encode("utf-8") + b"\0" + path.read_bytes())
    return [digest.hexdigest(), sys.version, *(f"{name} {_version(name)}" for name in PACKAGES)]


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return ""


class _NoCanonicalForm(Exception):
    pass


def _sha256(value: Any) -> str:
    # JSON: every term written whole and escaped, so that no two graphs write
    # alike; a lone surrogate (an escape in the page) is written as it is
    return hashlib.sha256(json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass")).hexdigest()


class _Digester:
    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.edges: dict[Node, dict[Node, list[Node]]] = defaultdict(lambda: defaultdict(list))
        for subject, predicate, obj in graph:
            self.edges[subject][predicate].append(obj)
        self.node_digests: dict[Node, str] = {}
        self.without: set[Node] = set()  # nodes with no canonical form
        self._visiting: set[Node] = set()

    def node(self, node: Node) -> str:
        """The node's own triples, its blank nodes' written out in full."""
        known = self.node_digests.get(node)
        if known is not None:
            return known
        if node in self.without or node in self._visiting:
            raise _NoCanonicalForm
        self._visiting.add(node)
        try:
            name = self._name(node)
            properties = [
                [str(predicate), [self._term(obj) for obj in self._in_order(node, predicate, objects)]]
                for predicate, objects in self.edges.get(node, {}).items()
            ]
        except (_NoCanonicalForm, RecursionError):  # remembered: never tried again
            self.without.add(node)
            raise _NoCanonicalForm from None
        finally:
            self._visiting.discard(node)
        properties.sort(key=lambda item: item[0])
        digest = _sha256([name, properties])
        self.node_digests[node] = digest
        return digest

    def _in_order(self, node: Node, predicate: Node, objects: list[Node]) -> list[Node]:
        """The values as `graph.objects` gives them, which the profiles read."""
        return objects if len(objects) == 1 else list(self.graph.objects(node, predicate))

    @staticmethod
    def _name(node: Node) -> str:
        if isinstance(node, BNode):
            return "_"
        if isinstance(node, URIRef):
            return str(node)
        raise _NoCanonicalForm  # N3's formulae and variables

    def _term(self, term: Node) -> list[str]:
        if isinstance(term, BNode):
            return ["b", self.node(term)]
        if isinstance(term, Literal):
            return ["l", str(term), str(term.datatype or ""), term.language or ""]
        if isinstance(term, URIRef):
            return ["u", str(term)]
        raise _NoCanonicalForm

    def reach(self, start: Node, ends: set[Node]) -> set[Node]:
        """The nodes with triples of their own reachable from `start`, not
        going beyond the `ends` it reaches (other datasets, catalogues)."""
        seen = {start}
        stack = [start]
        while stack:
            for objects in self.edges.get(stack.pop(), {}).values():
                for obj in objects:
                    if obj not in seen and obj in self.edges:
                        seen.add(obj)
                        if obj not in ends:
                            stack.append(obj)
        return seen


def digests(graph: Graph, datasets: list[Node], context: str) -> dict[Node, str]:
    """The digest of each dataset node that has one."""
    digester = _Digester(graph)
    ends = set(datasets) | set(graph.subjects(RDF.type, DCAT.Catalog))
    page_wide = sorted(catalogue_pages(graph))
    found = {}
    for dataset in datasets:
        try:
            own = sorted(digester.node(node) for node in digester.reach(dataset, ends))
        except _NoCanonicalForm:
            continue
        found[dataset] = _sha256([VERSION, context, page_wide, own])
    return found


# Taken when the process starts, from the code it runs: a consumer still
# running the old code after a deploy does not stamp its pages and records
# with the new files' fingerprint.
_code_and_versions()
