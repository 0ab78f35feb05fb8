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
    code: str
    uri: str
    labels: dict[str, str]
    ecospheres: tuple[str, ...]


@functools.cache
def inspire_entries() -> tuple[InspireEntry, ...]:
    """The 34 INSPIRE themes and the ISO 19115 topic categories."""
    data = _yaml("inspire-themes.yaml")
    entries = []
    for section in ("inspire_themes", "topic_categories"):
        for code, item in data[section].items():
            entries.append(InspireEntry(code, item["uri"], dict(item["labels"]), tuple(item["ecospheres"] or ())))
    return tuple(entries)
