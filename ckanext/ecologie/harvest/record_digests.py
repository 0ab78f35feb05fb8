"""A digest of what ckanext-dcat's profiles read of one dataset in an RDF
page, so that a changed page re-reads only its changed datasets.

A page that changed is parsed again, but most of its datasets are usually
as they were; running the profiles on those is half of reading the page.
A dataset's digest covers, with no regard to blank node names:
- every triple reachable from the dataset's node (its distributions,
  publisher, contact point, periods and their own nodes, recursively);
- every triple outside all the page's datasets' reach (the catalogue, its
  home page, catalogue records, paging), which the profiles may read from
  any dataset;
- the catalogues' own triples, wherever they are;
- what else shapes the record (the source, its configuration, the pipeline
  version: the caller's `context`).
Profiles read forward from the dataset and the catalogues (checked for
ckanext-dcat's DCAT-AP profiles and ours, which also never change the graph
while reading): two datasets of equal digests give the same record.

A dataset that reaches a cycle of blank nodes has no digest (a cycle has
no canonical form here): it is always read.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable

from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.namespace import DCAT
from rdflib.term import Node

VERSION = "1"


class _Cycle(Exception):
    pass


class _Digester:
    def __init__(self, graph: Graph) -> None:
        self.edges: dict[Node, list[tuple[Node, Node]]] = defaultdict(list)
        for subject, predicate, obj in graph:
            self.edges[subject].append((predicate, obj))
        self.node_digests: dict[Node, str] = {}
        self.cyclic: set[Node] = set()
        self._visiting: set[Node] = set()

    def node(self, node: Node) -> str:
        """The node's own triples, its blank nodes' written out in full."""
        known = self.node_digests.get(node)
        if known is not None:
            return known
        if node in self.cyclic or node in self._visiting:
            raise _Cycle
        self._visiting.add(node)
        try:
            lines = sorted(f"{predicate.n3()} {self._term(obj)}" for predicate, obj in self.edges.get(node, ()))
        except (_Cycle, RecursionError):  # a very long chain of blank nodes (an RDF list) counts as one
            self.cyclic.add(node)
            raise _Cycle from None
        finally:
            self._visiting.discard(node)
        name = "_" if isinstance(node, BNode) else node.n3()
        digest = hashlib.sha256("\n".join([name, *lines]).encode("utf-8")).hexdigest()
        self.node_digests[node] = digest
        return digest

    def _term(self, term: Node) -> str:
        if isinstance(term, BNode):
            return "[" + self.node(term) + "]"
        if isinstance(term, (URIRef, Literal)):
            return term.n3()
        return repr(term)

    def reach(self, start: Node) -> set[Node]:
        """The nodes with triples of their own reachable from `start`."""
        seen = {start}
        stack = [start]
        while stack:
            for _, obj in self.edges.get(stack.pop(), ()):
                if obj not in seen and obj in self.edges:
                    seen.add(obj)
                    stack.append(obj)
        return seen


def digests(graph: Graph, datasets: Iterable[Node], context: str) -> dict[Node, str]:
    """The digest of each dataset node that has one."""
    digester = _Digester(graph)
    reaches = {dataset: digester.reach(dataset) for dataset in datasets}
    reached = set().union(*reaches.values()) if reaches else set()
    catalogues = set(graph.subjects(RDF.type, DCAT.Catalog))
    try:
        shared = sorted(digester.node(node) for node in digester.edges if node not in reached or node in catalogues)
    except _Cycle:
        return {}  # what every dataset's digest holds has no canonical form
    page = hashlib.sha256("\n".join([VERSION, context, *shared]).encode("utf-8")).hexdigest()
    found = {}
    for dataset, nodes in reaches.items():
        try:
            own = sorted(digester.node(node) for node in nodes)
        except _Cycle:
            continue
        found[dataset] = hashlib.sha256("\n".join([page, digester.node(dataset), *own]).encode("utf-8")).hexdigest()
    return found
