"""A theme taxonomy in memory: concepts, their hierarchy and their labels.

Two schemes use it: `dataset` (the Ecosphères thesaurus) and `bouquet`
(France Nation Verte). A taxonomy is immutable once built; reloading one
builds a new object.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

DATASET = "dataset"
BOUQUET = "bouquet"
SCHEMES = (DATASET, BOUQUET)
DEFAULT_LANGUAGE = "fr"


@dataclass(frozen=True)
class Concept:
    id: str
    uri: str
    labels: dict[str, str]
    parent: str | None = None
    position: int = 0
    alt_labels: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()  # regular expressions matched on titles
    matches: tuple[str, ...] = ()  # skos:exactMatch URIs (EuroVoc)
    bouquet_themes: tuple[str, ...] = ()  # dataset concepts only

    def label(self, language: str = DEFAULT_LANGUAGE) -> str:
        return self.labels.get(language) or self.labels.get(DEFAULT_LANGUAGE) or self.id

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "uri": self.uri,
            "labels": dict(self.labels),
            "parent": self.parent,
            "position": self.position,
            "alt_labels": list(self.alt_labels),
            "patterns": list(self.patterns),
            "matches": list(self.matches),
            "bouquet_themes": list(self.bouquet_themes),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Concept:
        return cls(
            id=data["id"],
            uri=data["uri"],
            labels=dict(data["labels"]),
            parent=data.get("parent"),
            position=data.get("position", 0),
            alt_labels=tuple(data.get("alt_labels", ())),
            patterns=tuple(data.get("patterns", ())),
            matches=tuple(data.get("matches", ())),
            bouquet_themes=tuple(data.get("bouquet_themes", ())),
        )


@dataclass
class Taxonomy:
    scheme: str
    uri: str
    titles: dict[str, str]
    concepts: dict[str, Concept] = field(default_factory=dict)

    @classmethod
    def build(cls, scheme: str, uri: str, titles: dict[str, str], concepts: Iterable[Concept]) -> Taxonomy:
        ordered = sorted(concepts, key=lambda concept: (concept.position, concept.id))
        return cls(scheme, uri, dict(titles), {concept.id: concept for concept in ordered})

    def __contains__(self, concept_id: object) -> bool:
        return concept_id in self.concepts

    def __iter__(self) -> Iterator[Concept]:
        return iter(self.concepts.values())

    def get(self, concept_id: str) -> Concept | None:
        return self.concepts.get(concept_id)

    def top_concepts(self) -> list[Concept]:
        return [concept for concept in self if concept.parent is None]

    def children(self, concept_id: str) -> list[Concept]:
        return [concept for concept in self if concept.parent == concept_id]

    def top_of(self, concept_id: str) -> Concept | None:
        concept = self.concepts.get(concept_id)
        while concept is not None and concept.parent is not None:
            concept = self.concepts.get(concept.parent)
        return concept

    def bouquet_themes_of(self, concept_id: str) -> tuple[str, ...]:
        """Bouquet themes of a dataset concept; a concept without its own
        mapping inherits its broader concept's."""
        concept = self.concepts.get(concept_id)
        while concept is not None:
            if concept.bouquet_themes:
                return concept.bouquet_themes
            concept = self.concepts.get(concept.parent) if concept.parent else None
        return ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "scheme": self.scheme,
            "uri": self.uri,
            "titles": dict(self.titles),
            "concepts": [concept.as_dict() for concept in self],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Taxonomy:
        concepts = (Concept.from_dict(item) for item in data["concepts"])
        return cls.build(data["scheme"], data["uri"], data.get("titles", {}), concepts)
