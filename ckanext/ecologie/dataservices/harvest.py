"""DataService records of a parsed DCAT page, for the DCAT harvester
(`harvest/dcat.py`, which also reads CSW answers in DCAT).

ckanext-dcat's parser yields `dcat:Dataset` nodes only: the DataService
nodes are found here with rdflib, then read by the same ckanext-dcat
profiles as datasets (title, description, keywords, publisher, contact,
licence, access rights), so that the shared pipeline (enrichment,
organisation, ownership, deletions) treats them as it treats datasets.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from rdflib import Graph
from rdflib.namespace import DCAT, RDF
from rdflib.term import Node, URIRef

from ckanext.ecologie.dataservices import DATASERVICE
from ckanext.ecologie.harvest.enrich import SourceInfo
from ckanext.ecologie.harvest.rdf import profile_classes
from ckanext.ecologie.harvest.rdf_records import catalogue_roots, record_of
from ckanext.ecologie.harvest.records import Record, RecordError, is_uri


def record_nodes(graph: Graph) -> list[Node]:
    """The DataServices that are records of the catalogue: those it lists
    (`dcat:service`), and those typed `dcat:DataService` that stand alone.
    One that only says how a distribution is reached (the object of
    `dcat:accessService`, as GeoNetwork writes one per WMS or WFS layer, a
    blank node with an endpoint and a standard) is part of that
    distribution, already a resource of its dataset: not a record. One also
    typed `dcat:Dataset` is already a dataset record."""
    listed = set(graph.objects(None, DCAT.service))
    reached = set(graph.objects(None, DCAT.accessService))
    datasets = set(graph.subjects(RDF.type, DCAT.Dataset))
    typed = {node for node in graph.subjects(RDF.type, DCAT.DataService) if node not in reached}
    return sorted((listed | typed) - datasets, key=str)


def _addresses(graph: Graph, node: Node, predicate: URIRef) -> list[str]:
    """Web addresses, given as resources or as literals; sorted, so that a
    record's content (and hash) does not depend on rdflib's order."""
    values = {str(value).strip() for value in graph.objects(node, predicate)}
    return sorted(value for value in values if value.startswith(("http://", "https://")))


def _served(graph: Graph, node: Node, identifiers: dict[str, str]) -> list[str]:
    """Harvest identifiers of the served datasets read on this page (the
    identifier a dataset is stored under), else their URIs (the identifier
    of a dataset identified by URI, read on another page or from another
    source). A blank node or a relative reference names nothing outside
    this page: left out."""
    served = set()
    for value in graph.objects(node, DCAT.servesDataset):
        reference = str(value) if isinstance(value, URIRef) else ""
        if reference in identifiers:
            served.add(identifiers[reference])
        elif is_uri(reference):
            served.add(reference)
    return sorted(served)


def read_service(graph: Graph, node: Node, compatibility_mode: bool = False) -> dict[str, Any]:
    """A dataservice dict in ckanext-dcat's shape, with its own fields."""
    dataset: dict[str, Any] = {}
    for profile_class in profile_classes():
        profile_class(graph, compatibility_mode=compatibility_mode).parse_dataset(dataset, node)
    dataset["type"] = DATASERVICE
    endpoints = _addresses(graph, node, DCAT.endpointURL)
    if endpoints:  # without one, the import refuses the record, naming the field
        dataset["endpoint_url"] = endpoints[0]
    descriptions = _addresses(graph, node, DCAT.endpointDescription)
    if descriptions:
        dataset["endpoint_description"] = descriptions[0]
    return dataset


def service_records(parser: Any, source: SourceInfo, identifiers: dict[str, str]) -> Iterator[Record | RecordError]:
    """`identifiers`: dataset URI -> harvest identifier, of the page's
    dataset records. Identifier and links are chosen as for datasets
    (harvest/dcat.py)."""
    graph = parser.g
    roots = catalogue_roots(source)
    for node in record_nodes(graph):
        dataset = read_service(graph, node, bool(getattr(parser, "compatibility_mode", False)))
        record = record_of(dataset, source, roots)
        if isinstance(record, Record):
            served = _served(graph, node, identifiers)
            if served:
                dataset["served_datasets"] = served
        yield record
