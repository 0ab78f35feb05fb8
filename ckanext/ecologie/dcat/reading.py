"""What the DCAT-AP-FR profile reads from a record's graph where ckanext-dcat
loses it or stores a blank-node id: labels of nodes, spatial coverage in the
encodings French catalogues use, literal temporal intervals, provenance
statements, the licence next to an empty one, publisher and contact names."""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Iterator

from ckanext.dcat.profiles.base import (
    ADMS,
    DCAT,
    DCT,
    FOAF,
    GSP,
    LOCN,
    OWL,
    RDF,
    RDFS,
    SCHEMA,
    SKOS,
    TIME,
    VCARD,
)
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from ckanext.ecologie.harvest import geometry, licences
from ckanext.ecologie.harvest.records import is_uri

# GeoNetwork's DCAT output writes terms DCAT does not have: its lineage as
# dcat:dataQuality, its revision date as dct:updated, its WKT as ogc:asWKT
OGC_RDF = Namespace("http://www.opengis.net/rdf#")
DCAT_DATA_QUALITY = DCAT.dataQuality
DCT_UPDATED = DCT.updated
INSPIRE_CODELISTS = ("/LimitationsOnPublicAccess/", "/ConditionsApplyingToAccessAndUse/")

LANGUAGES = ("fr", "fre", "fra", None, "en", "eng")
NAME_PREDICATES = (
    FOAF.name,
    VCARD.fn,
    VCARD["organization-name"],
    VCARD["organisation-name"],
    SKOS.prefLabel,
    RDFS.label,
    DCT.title,
)
LABEL_PREDICATES = (
    SKOS.prefLabel,
    RDFS.label,
    DCT.title,
    FOAF.name,
    VCARD.fn,
    SKOS.notation,
    DCT.identifier,
    DCT.description,
    RDF.value,
)
IDENTIFIER_PREDICATES = (SKOS.notation, DCT.identifier, RDFS.label, SKOS.prefLabel, DCT.title)
STATEMENT_PREDICATES = (RDFS.label, DCT.description, DCT.title, SKOS.prefLabel, RDF.value)


def _literal_text(value: Literal) -> str | None:
    text = str(value).strip()
    return text or None


def _preferred(candidates: Iterable[tuple[str | None, str]]) -> str | None:
    """The French text among (language, text), else one without a language,
    else English, else the first."""
    found: dict[str | None, str] = {}
    first = None
    for language, text in candidates:
        found.setdefault(language.lower() if language else None, text)
        first = first or text
    return next((found[language] for language in LANGUAGES if language in found), first)


def label(graph: Graph, node: Node, predicates: tuple[URIRef, ...] = LABEL_PREDICATES) -> str | None:
    """The text a node is known by: of the first predicate that has one."""
    for predicate in predicates:
        texts = [
            (value.language, text)
            for value in graph.objects(node, predicate)
            if isinstance(value, Literal) and (text := _literal_text(value))
        ]
        if texts:
            return _preferred(texts)
    return None


def value_of(graph: Graph, node: Node, predicates: tuple[URIRef, ...] = LABEL_PREDICATES) -> str | None:
    """A literal's text, a URI (absolute only: a relative one names nothing
    outside the document), a blank node's label; never a blank-node id."""
    if isinstance(node, Literal):
        return _literal_text(node)
    if isinstance(node, URIRef):
        text = str(node).strip()
        return text if is_uri(text) else label(graph, node, predicates)
    return label(graph, node, predicates)


def values(
    graph: Graph, subject: Node, predicate: URIRef, predicates: tuple[URIRef, ...] = LABEL_PREDICATES
) -> list[str]:
    found = (value_of(graph, node, predicates) for node in graph.objects(subject, predicate))
    return list(dict.fromkeys(value for value in found if value))


def first_value(
    graph: Graph, subject: Node, predicate: URIRef, predicates: tuple[URIRef, ...] = LABEL_PREDICATES
) -> str | None:
    candidates = [
        (node.language if isinstance(node, Literal) else None, text)
        for node in graph.objects(subject, predicate)
        if (text := value_of(graph, node, predicates))
    ]
    return _preferred(candidates)


# Spatial coverage

GEOMETRY_PREDICATES = (LOCN.geometry, GSP.asWKT, GSP.asGeoJSON, OGC_RDF.asWKT, GSP.asGML)
BBOX_PREDICATES = (DCAT.bbox,)
CENTROID_PREDICATES = (DCAT.centroid,)


def _encoding_rank(value: Literal) -> int:
    """GeoJSON first, then WKT, then GML: of the same extent in several
    encodings, the first is kept, whatever the order of the document."""
    datatype = str(value.datatype or "").casefold()
    return 0 if "json" in datatype else 2 if "gml" in datatype else 1


def _geometries(graph: Graph, node: Node, predicates: tuple[URIRef, ...]) -> list[geometry.Geometry]:
    found = []
    for predicate in predicates:
        literals = [value for value in graph.objects(node, predicate) if isinstance(value, Literal)]
        for value in sorted(literals, key=_encoding_rank):
            found.append(geometry.from_literal(str(value), str(value.datatype or "")))
        for value in graph.objects(node, predicate):
            if not isinstance(value, Literal):  # a geometry node (geo:hasGeometry's shape): its serialisations
                found.extend(_geometries(graph, value, GEOMETRY_PREDICATES))
    return [item for item in found if item]


def spatial(graph: Graph, subject: Node) -> dict[str, geometry.Geometry | None]:
    """{"geometry", "bbox", "centroid"} of the record's dct:spatial nodes,
    typed dct:Location or not; a literal dct:spatial may hold WKT or GeoJSON."""
    kinds: dict[str, list[geometry.Geometry]] = {"geometry": [], "bbox": [], "centroid": []}
    for place in graph.objects(subject, DCT.spatial):
        if isinstance(place, Literal):
            found = geometry.from_literal(str(place), str(place.datatype or ""))
            kinds["geometry"].extend([found] if found else [])
            continue
        nodes = [place, *graph.objects(place, GSP.hasGeometry), *graph.objects(place, GSP.hasDefaultGeometry)]
        for node in nodes:
            kinds["geometry"].extend(_geometries(graph, node, GEOMETRY_PREDICATES))
            kinds["bbox"].extend(_geometries(graph, node, BBOX_PREDICATES))
            kinds["centroid"].extend(_geometries(graph, node, CENTROID_PREDICATES))
    return {kind: geometry.merge(found) for kind, found in kinds.items()}


def place_names(graph: Graph, subject: Node) -> list[str]:
    """Names of the dct:spatial places (a GeoNames URI's label, a literal
    that is not a geometry)."""
    names = []
    for place in graph.objects(subject, DCT.spatial):
        if isinstance(place, Literal):
            if not geometry.from_literal(str(place)):
                names.extend([text] if (text := _literal_text(place)) else [])
        else:
            names.extend([text] if (text := label(graph, place, (SKOS.prefLabel, RDFS.label, DCT.title))) else [])
    return list(dict.fromkeys(names))


# Temporal coverage

_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2})(T[\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?)?)?")


def date(text: str | None, end: bool = False) -> str | None:
    """An ISO 8601 date or date-time as written; a year or a month alone as
    its first day (start) or last day (end)."""
    found = _DATE.fullmatch((text or "").strip())
    if not found:
        return None
    year, month, day, time = found.groups()
    if day:
        return f"{year}-{month}-{day}{time or ''}"
    if month:
        last = calendar.monthrange(int(year), int(month))[1]
        return f"{year}-{month}-{last if end else 1:02d}"
    return f"{year}-12-31" if end else f"{year}-01-01"


def _instant(graph: Graph, node: Node) -> str | None:
    if isinstance(node, Literal):
        return _literal_text(node)
    for predicate in (TIME.inXSDDateTimeStamp, TIME.inXSDDateTime, TIME.inXSDDate, TIME.inXSDgYear):
        found = first_value(graph, node, predicate)
        if found:
            return found
    return None


def _interval(graph: Graph, node: Node) -> tuple[str | None, str | None]:
    if isinstance(node, Literal):
        text = str(node)
        if "/" in text:
            start, _, end = text.partition("/")
            return date(start), date(end, end=True)
        return date(text), date(text, end=True) if re.fullmatch(r"\s*\d{4}(-\d{2})?\s*", text) else None
    pairs = (
        (DCAT.startDate, DCAT.endDate),
        (SCHEMA.startDate, SCHEMA.endDate),
    )
    for start_predicate, end_predicate in pairs:
        start, end = first_value(graph, node, start_predicate), first_value(graph, node, end_predicate)
        if start or end:
            return date(start), date(end, end=True)
    begin = next(iter(graph.objects(node, TIME.hasBeginning)), None)
    finish = next(iter(graph.objects(node, TIME.hasEnd)), None)
    if begin is not None or finish is not None:
        return (
            date(_instant(graph, begin)) if begin is not None else None,
            date(_instant(graph, finish), end=True) if finish is not None else None,
        )
    text = label(graph, node, (RDFS.label, DCT.title, DCT.description))
    return _interval(graph, Literal(text)) if text else (None, None)


def temporal(graph: Graph, subject: Node) -> tuple[str | None, str | None]:
    """(start, end) of the first dct:temporal that gives one: a period with
    DCAT, schema.org or OWL-Time bounds, or a literal "start/end" interval."""
    for node in graph.objects(subject, DCT.temporal):
        start, end = _interval(graph, node)
        if start or end:
            return start, end
    return None, None


# Provenance, licence, access rights


def provenance(graph: Graph, subject: Node) -> str | None:
    """The statements' text (dct:ProvenanceStatement's rdfs:label or
    dct:description), else GeoNetwork's dcat:dataQuality lineage."""
    texts = values(graph, subject, DCT.provenance, STATEMENT_PREDICATES)
    texts = [text for text in texts if not is_uri(text)] or texts
    if not texts:
        texts = values(graph, subject, DCAT_DATA_QUALITY, STATEMENT_PREDICATES)
    return "\n\n".join(texts) or None


def _is_access_code(text: str) -> bool:
    return any(part in text for part in INSPIRE_CODELISTS)


def _licence_texts(graph: Graph, subject: Node, predicate: URIRef) -> Iterator[str]:
    for node in graph.objects(subject, predicate):
        if isinstance(node, URIRef) and not _is_access_code(str(node)) and is_uri(str(node).strip()):
            yield str(node).strip()
        text = node if isinstance(node, Literal) else label(graph, node, STATEMENT_PREDICATES)
        if text and str(text).strip():
            yield str(text).strip()


def licence(graph: Graph, subject: Node, distributions: list[Node]) -> str | None:
    """The record's licence as written, for the harvest's normalisation: the
    first dct:license (of the dataset, else of its distributions), else
    dct:rights, that names a known licence, else the first one written. An
    empty dct:license, or an INSPIRE access code put there, hides nothing."""
    stated: list[str] = []
    rights: list[str] = []
    for node in [subject, *distributions]:
        stated.extend(_licence_texts(graph, node, DCT.license))
    for node in [subject, *distributions]:
        rights.extend(_licence_texts(graph, node, DCT.rights))
    candidates = list(dict.fromkeys(stated + rights))
    best = licences.normalise(candidates)
    if best:
        return next((text for text in candidates if licences.normalise([text]) == best), None)
    return stated[0] if stated else None


def access_rights(graph: Graph, subject: Node) -> list[str]:
    """What the record says of public access: dct:accessRights (URI, label
    or statement), and INSPIRE access codes written as a licence or rights."""
    found = values(graph, subject, DCT.accessRights, STATEMENT_PREDICATES)
    for node in graph.objects(subject, DCT.accessRights):
        if not isinstance(node, Literal):
            text = label(graph, node, STATEMENT_PREDICATES)
            found.extend([text] if text else [])
    for predicate in (DCT.license, DCT.rights):
        for node in graph.objects(subject, predicate):
            if isinstance(node, URIRef) and "/LimitationsOnPublicAccess/" in str(node):
                found.append(str(node))
    return list(dict.fromkeys(found))


# Agents


def agent_name(graph: Graph, agent: Node) -> str | None:
    if isinstance(agent, Literal):
        text = _literal_text(agent)
        return None if text is None or is_uri(text) else text
    name = label(graph, agent, NAME_PREDICATES)
    if name:
        return name
    for organisation in graph.objects(agent, VCARD.org):
        name = label(graph, organisation, NAME_PREDICATES)
        if name:
            return name
    return None


def publisher(graph: Graph, subject: Node) -> tuple[str | None, str | None]:
    """(name, URI) of the first dct:publisher that has a name, else (None,
    URI) of the first one: a URI alone names no one."""
    agents = list(graph.objects(subject, DCT.publisher))
    for agent in agents:
        name = agent_name(graph, agent)
        if name:
            return name, _uri(agent)
    return None, _uri(agents[0]) if agents else None


def _uri(node: Node) -> str | None:
    text = str(node).strip()
    return text if isinstance(node, URIRef) and is_uri(text) else None


def contact_name(graph: Graph, subject: Node) -> str | None:
    for contact in graph.objects(subject, DCAT.contactPoint):
        name = agent_name(graph, contact) or label(graph, contact, (VCARD.hasFN,))
        if name:
            return name
    return None


# Lists and single values that ckanext-dcat reads with str(node)

DATASET_LISTS = {
    "language": DCT.language,
    "alternate_identifier": ADMS.identifier,
    "conforms_to": DCT.conformsTo,
    "documentation": FOAF.page,
    "related_resource": DCT.relation,
    "has_version": DCT.hasVersion,
    "is_version_of": DCT.isVersionOf,
    "source": DCT.source,
    "sample": ADMS.sample,
    "is_referenced_by": DCT.isReferencedBy,
}
DATASET_VALUES = {
    "identifier": DCT.identifier,
    "version_notes": ADMS.versionNotes,
    "frequency": DCT.accrualPeriodicity,
    "dcat_type": DCT.type,
    "temporal_resolution": DCAT.temporalResolution,
}
RESOURCE_VALUES = {
    "license": DCT.license,
    "rights": DCT.rights,
    "status": ADMS.status,
    "access_url": DCAT.accessURL,
    "download_url": DCAT.downloadURL,
}
RESOURCE_LISTS = {"language": DCT.language, "documentation": FOAF.page, "conforms_to": DCT.conformsTo}
VERSION_PREDICATES = (DCAT.version, OWL.versionInfo, ADMS.version)


def service_standards(graph: Graph, distribution: Node) -> list[str]:
    """The standards (OGC WMS, WFS...) of a distribution's access services."""
    return [
        standard
        for service in graph.objects(distribution, DCAT.accessService)
        for standard in values(graph, service, DCT.conformsTo)
    ]


def version(graph: Graph, subject: Node) -> str | None:
    return next(
        (found for predicate in VERSION_PREDICATES if (found := first_value(graph, subject, predicate))),
        None,
    )


def catalogue_pages(graph: Graph) -> list[str]:
    """The catalogues' own addresses and home pages: no record's page."""
    catalogues = list(graph.subjects(RDF.type, DCAT.Catalog))
    pages = [str(page).strip() for catalogue in catalogues for page in graph.objects(catalogue, FOAF.homepage)]
    return [str(catalogue) for catalogue in catalogues if isinstance(catalogue, URIRef)] + pages


def predicates_for(key: str) -> tuple[URIRef, ...]:
    return IDENTIFIER_PREDICATES if "identifier" in key else LABEL_PREDICATES
