"""A digest of what ckanext-dcat's profiles read of one dataset in an RDF
page, so that a changed page re-reads only its changed datasets.

A page that changed is parsed again, but most of its datasets are usually
as they were; running the profiles on those is half of reading the page.
A dataset's digest covers, blank node names aside:
- every triple of every node reachable from the dataset's node (its
  distributions, publisher, contact point, periods, recursively), with the
  values of one property in the order the profiles see them (they take the
  first title, the first publisher...);
- the triples of the nodes that point at this dataset and at no other one
  (its catalogue record);
- the triples of the catalogues, and of every other node no dataset reaches
  (paging), which the profiles may read from any dataset;
- what else shapes the record: the caller's `context` (the source, its
  configuration, the portal's settings the profiles read, the versions).
The profiles read forward from the dataset and the catalogues, and never
change the graph while reading (checked for ckanext-dcat's DCAT-AP profiles
and ours): two datasets of equal digests give the same record. Whether a
blank node is shared or written twice is not told apart: the profiles read
values, not blank node identities.

A dataset that reaches a cycle of blank nodes, or a chain of them too deep
to write out, has no digest (no canonical form here): it is always read.
Such a node outside every dataset's reach leaves the page without digests.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from importlib import metadata
from typing import Any

import ckan.plugins.toolkit as tk
from rdflib import RDF, BNode, Graph, Literal
from rdflib.namespace import DCAT
from rdflib.term import Node

from ckanext.ecologie.harvest.records import PIPELINE_VERSION

VERSION = "2"
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
)
PACKAGES = ("ckan", "ckanext-dcat", "ckanext-ecologie", "rdflib")


def reading_context(hash_context: dict[str, Any], source_url: str) -> str | None:
    """What, besides its triples, shapes a record read from an RDF page;
    None when records are not to be taken by digest: the option is off, or
    ckanext-dcat reads sub-catalogues (through links back to the dataset)."""
    if not tk.config.get(OPTION) or tk.asbool(tk.config.get("ckanext.dcat.expose_subcatalogs", False)):
        return None
    settings = {key: tk.config.get(key) for key in READ_SETTINGS}
    versions = {name: _version(name) for name in PACKAGES}
    return json.dumps([PIPELINE_VERSION, hash_context, source_url, settings, versions], sort_keys=True, default=str)


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return ""


class _NoCanonicalForm(Exception):
    pass


def _sha256(value: Any) -> str:
    # JSON: every term written whole and escaped, so that no two graphs write alike
    return hashlib.sha256(json.dumps(value, ensure_ascii=False).encode("utf-8")).hexdigest()


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
            properties = [
                [str(predicate), [self._term(obj) for obj in self._in_order(node, predicate, objects)]]
                for predicate, objects in self.edges.get(node, {}).items()
            ]
        except (_NoCanonicalForm, RecursionError):
            self.without.add(node)
            raise _NoCanonicalForm from None
        finally:
            self._visiting.discard(node)
        properties.sort(key=lambda item: item[0])
        digest = _sha256(["_" if isinstance(node, BNode) else str(node), properties])
        self.node_digests[node] = digest
        return digest

    def _in_order(self, node: Node, predicate: Node, objects: list[Node]) -> list[Node]:
        """The values as `graph.objects` gives them, which the profiles read."""
        return objects if len(objects) == 1 else list(self.graph.objects(node, predicate))

    def _term(self, term: Node) -> list[str]:
        if isinstance(term, BNode):
            return ["b", self.node(term)]
        if isinstance(term, Literal):
            return ["l", str(term), str(term.datatype or ""), term.language or ""]
        return ["u", str(term)]

    def reach(self, start: Node) -> set[Node]:
        """The nodes with triples of their own reachable from `start`."""
        seen = {start}
        stack = [start]
        while stack:
            for objects in self.edges.get(stack.pop(), {}).values():
                for obj in objects:
                    if obj not in seen and obj in self.edges:
                        seen.add(obj)
                        stack.append(obj)
        return seen

    def pointing_at(self, node: Node, datasets: set[Node]) -> set[Node]:
        return {obj for objects in self.edges[node].values() for obj in objects if obj in datasets}


def digests(graph: Graph, datasets: list[Node], context: str) -> dict[Node, str]:
    """The digest of each dataset node that has one."""
    digester = _Digester(graph)
    reaches = {dataset: digester.reach(dataset) for dataset in datasets}
    reached = set().union(*reaches.values())
    catalogues = set(graph.subjects(RDF.type, DCAT.Catalog))
    dataset_set = set(datasets)
    shared = []
    for node in digester.edges:
        if node in reached and node not in catalogues:
            continue
        pointed_at = digester.pointing_at(node, dataset_set)
        if len(pointed_at) == 1 and node not in catalogues:
            reaches[pointed_at.pop()].add(node)  # a catalogue record, an API serving this dataset only
        else:
            shared.append(node)
    try:
        page = sorted(digester.node(node) for node in shared)
    except _NoCanonicalForm:
        return {}  # what every dataset's digest holds has no canonical form
    found = {}
    for dataset, nodes in reaches.items():
        try:
            own = sorted(digester.node(node) for node in nodes)
        except _NoCanonicalForm:
            continue
        found[dataset] = _sha256([VERSION, context, page, own])
    return found
