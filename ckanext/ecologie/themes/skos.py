"""Read a SKOS concept scheme from Turtle into a Taxonomy.

Published thesauri are not always valid Turtle: the Ecosphères file has a
multi-line "..." literal and regular expressions with `\\.` escapes. We repair
those two faults before parsing instead of refusing the file.
"""

from __future__ import annotations

from collections.abc import Iterable

import rdflib
from rdflib.namespace import DCTERMS, RDF, SKOS

from ckanext.ecologie.themes.taxonomy import Concept, Taxonomy

ESPSYNTAX_REGEXP = rdflib.URIRef("http://registre.data.developpement-durable.gouv.fr/ecospheres/syntax#regexp")
TURTLE_ESCAPES = set("tbnrf\"'\\uU")


class ThesaurusError(ValueError):
    """The file is not a usable SKOS concept scheme."""


def repair_turtle(text: str) -> str:
    """Escape raw newlines inside short string literals and backslashes that
    start no Turtle escape, leaving IRIs, comments and long strings alone."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char == "#":  # comment up to the end of the line
            end = text.find("\n", i)
            end = n if end < 0 else end
            out.append(text[i:end])
            i = end
        elif char == "<":  # IRI
            end = text.find(">", i)
            end = n - 1 if end < 0 else end
            out.append(text[i : end + 1])
            i = end + 1
        elif char in "\"'":
            if text.startswith(char * 3, i):  # long string: copied as it is
                end = text.find(char * 3, i + 3)
                end = n - 3 if end < 0 else end
                out.append(text[i : end + 3])
                i = end + 3
            else:
                i = _copy_short_string(text, i, out)
        else:
            out.append(char)
            i += 1
    return "".join(out)


def _copy_short_string(text: str, start: int, out: list[str]) -> int:
    quote = text[start]
    out.append(quote)
    i = start + 1
    while i < len(text) and text[i] != quote:
        char = text[i]
        if char == "\\":
            following = text[i + 1 : i + 2]
            if following and following in TURTLE_ESCAPES:
                out.append(text[i : i + 2])
                i += 2
                continue
            out.append("\\\\")
        elif char == "\n":
            out.append("\\n")
        elif char != "\r":
            out.append(char)
        i += 1
    out.append(quote)
    return i + 1


def parse_graph(text: str) -> rdflib.Graph:
    graph = rdflib.Graph()
    try:
        graph.parse(data=repair_turtle(text), format="turtle")
    except Exception as error:  # rdflib raises several unrelated types
        raise ThesaurusError(f"not readable as Turtle: {error}") from error
    return graph


def _labels(graph: rdflib.Graph, subject: rdflib.term.Node, predicate: rdflib.URIRef) -> dict[str, str]:
    labels: dict[str, str] = {}
    for value in graph.objects(subject, predicate):
        if isinstance(value, rdflib.Literal):
            labels.setdefault(value.language or "fr", str(value).strip())
    return labels


def _strings(graph: rdflib.Graph, subject: rdflib.term.Node, predicate: rdflib.URIRef) -> tuple[str, ...]:
    return tuple(sorted({str(value).strip() for value in graph.objects(subject, predicate)}))


def concept_id(uri: str) -> str:
    return uri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def read_scheme(scheme: str, texts: Iterable[str]) -> Taxonomy:
    """Build the taxonomy of the single skos:ConceptScheme described by the
    given Turtle documents (e.g. a thesaurus and a file of extra labels)."""
    graph = rdflib.Graph()
    for text in texts:
        graph += parse_graph(text)
    schemes = [s for s in graph.subjects(RDF.type, SKOS.ConceptScheme) if graph.value(s, SKOS.hasTopConcept)]
    if len(schemes) != 1:
        raise ThesaurusError(f"expected one skos:ConceptScheme with top concepts, found {len(schemes)}")
    scheme_uri = schemes[0]
    concepts = []
    for subject in set(graph.subjects(SKOS.inScheme, scheme_uri)):
        labels = _labels(graph, subject, SKOS.prefLabel)
        if not labels:
            raise ThesaurusError(f"concept {subject} has no skos:prefLabel")
        broader = graph.value(subject, SKOS.broader)
        notation = graph.value(subject, SKOS.notation)
        concepts.append(
            Concept(
                id=concept_id(str(subject)),
                uri=str(subject),
                labels=labels,
                parent=concept_id(str(broader)) if broader is not None else None,
                position=int(notation) if notation is not None and str(notation).isdigit() else 0,
                alt_labels=_strings(graph, subject, SKOS.altLabel),
                patterns=_strings(graph, subject, ESPSYNTAX_REGEXP),
                matches=_strings(graph, subject, SKOS.exactMatch),
            )
        )
    if not concepts:
        raise ThesaurusError("the concept scheme has no concept")
    ids = {concept.id for concept in concepts}
    if len(ids) != len(concepts):
        raise ThesaurusError("two concepts share the same identifier (last URI segment)")
    orphans = sorted(concept.id for concept in concepts if concept.parent and concept.parent not in ids)
    if orphans:
        raise ThesaurusError(f"concepts with an unknown broader concept: {', '.join(orphans)}")
    titles = _labels(graph, scheme_uri, DCTERMS.title)
    return Taxonomy.build(scheme, str(scheme_uri), titles, _ordered(concepts))


def _ordered(concepts: list[Concept]) -> list[Concept]:
    """Concepts without a skos:notation are ordered by their French label."""
    if any(concept.position for concept in concepts):
        return concepts
    by_label = sorted(concepts, key=lambda concept: concept.label().casefold())
    return [_with_position(concept, index) for index, concept in enumerate(by_label, start=1)]


def _with_position(concept: Concept, position: int) -> Concept:
    data = concept.as_dict()
    data["position"] = position
    return Concept.from_dict(data)
