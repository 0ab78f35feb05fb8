"""The taxonomies and mappings shipped in themes/data/."""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, replace
from typing import Any

import yaml

from ckanext.ecologie.themes.taxonomy import BOUQUET, DATASET, Taxonomy

DATA = os.path.join(os.path.dirname(__file__), "data")
SCHEME_FILES = {
    DATASET: ("themes-ecospheres.ttl", "themes-ecospheres-en.ttl"),
    BOUQUET: ("themes-bouquets.ttl",),
}


def _read(name: str) -> str:
    with open(os.path.join(DATA, name), encoding="utf-8") as stream:
        return stream.read()


def _yaml(name: str) -> dict[str, Any]:
    return yaml.safe_load(_read(name))


def default_texts(scheme: str) -> list[str]:
    return [_read(name) for name in SCHEME_FILES[scheme]]


def english_labels() -> str:
    """Our English labels, merged into any Ecosphères thesaurus loaded."""
    return _read(SCHEME_FILES[DATASET][1])


@functools.cache
def bouquet_mapping() -> dict[str, tuple[str, ...]]:
    """Ecosphères concept id -> bouquet theme ids."""
    return {key: tuple(values) for key, values in _yaml("ecospheres-to-bouquets.yaml")["mapping"].items()}


def with_bouquet_mapping(taxonomy: Taxonomy) -> Taxonomy:
    mapping = bouquet_mapping()
    concepts = [replace(concept, bouquet_themes=mapping.get(concept.id, ())) for concept in taxonomy]
    return Taxonomy.build(taxonomy.scheme, taxonomy.uri, taxonomy.titles, concepts)


@dataclass(frozen=True)
class InspireEntry:
    """An INSPIRE theme or ISO topic category: `ecospheres`, the concepts it
    means on its own; `candidates`, (concept id, cue) pairs, a concept it may
    mean when the record's text matches the cue (see inspire-themes.yaml)."""

    code: str
    uri: str
    labels: dict[str, str]
    ecospheres: tuple[str, ...]
    candidates: tuple[tuple[str, str], ...] = ()


@functools.cache
def inspire_entries() -> tuple[InspireEntry, ...]:
    """The 34 INSPIRE themes and the ISO 19115 topic categories."""
    data = _yaml("inspire-themes.yaml")
    cues = data["cues"]
    entries = []
    for section in ("inspire_themes", "topic_categories"):
        for code, item in data[section].items():
            candidates = tuple((concept_id, cues[concept_id]) for concept_id in item.get("candidates") or ())
            entries.append(
                InspireEntry(code, item["uri"], dict(item["labels"]), tuple(item["ecospheres"] or ()), candidates)
            )
    return tuple(entries)


@dataclass(frozen=True)
class VocabularyEntry:
    """Our additions to a concept's vocabulary (classifier-vocabulary.yaml)."""

    keywords: tuple[str, ...] = ()
    title_patterns: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()


@functools.cache
def classifier_vocabulary() -> dict[str, VocabularyEntry]:
    concepts = _yaml("classifier-vocabulary.yaml")["concepts"]
    return {
        concept_id: VocabularyEntry(
            tuple(item.get("keywords") or ()), tuple(item.get("title_patterns") or ()), tuple(item.get("ignore") or ())
        )
        for concept_id, item in concepts.items()
    }
