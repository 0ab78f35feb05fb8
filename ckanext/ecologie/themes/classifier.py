"""Automatic theme classification of a dataset.

Five kinds of evidence, each pointing at Ecosphères concepts:
- keywords equal to a concept's label or altLabel (accents, case and
  punctuation ignored), or to an INSPIRE theme's label;
- the concept's title patterns (espsyntax:regexp), matched on whole words;
- a label of two words or more ("Qualité de l'air") found in the title;
- INSPIRE theme and ISO topic category URIs among the DCAT themes;
- EuroVoc URIs among the DCAT themes, through the concepts' skos:exactMatch.
"""

from __future__ import annotations

import json
import logging
import re
import unicodedata
import urllib.parse
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ckanext.ecologie.themes.defaults import InspireEntry
from ckanext.ecologie.themes.taxonomy import Taxonomy

log = logging.getLogger(__name__)

APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'"})


def fold(text: str) -> str:
    """Lower case, no accents, typographic apostrophes made plain."""
    decomposed = unicodedata.normalize("NFKD", text.translate(APOSTROPHES).casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def normalize(text: str) -> str:
    """fold(), then every run of punctuation or spaces becomes one space."""
    return re.sub(r"[^0-9a-z]+", " ", fold(text)).strip()


def normalize_uri(uri: str) -> str:
    return re.sub(r"^https?://", "", uri.strip()).rstrip("/").casefold()


@dataclass
class Classification:
    themes: list[str]
    reasons: dict[str, list[str]] = field(default_factory=dict)


class Classifier:
    """Built once per taxonomy; classify() does no I/O."""

    def __init__(self, taxonomy: Taxonomy, inspire: Iterable[InspireEntry]) -> None:
        self.taxonomy = taxonomy
        self.by_keyword: dict[str, set[str]] = defaultdict(set)
        self.by_uri: dict[str, set[str]] = defaultdict(set)
        self.patterns: list[tuple[str, re.Pattern[str]]] = []
        self.title_phrases: set[tuple[str, str]] = set()
        for concept in taxonomy:
            for label in (*concept.labels.values(), *concept.alt_labels):
                self.by_keyword[normalize(label)].add(concept.id)
                phrase = normalize(label)
                # One word ("Construction", "Bruit") says too little; paths
                # such as "Eau/Masse d'eau" are catalogue codes, not phrases.
                if concept.parent and " " in phrase and "/" not in label:
                    self.title_phrases.add((concept.id, phrase))
            for uri in concept.matches:
                self.by_uri[normalize_uri(uri)].add(concept.id)
            for pattern in concept.patterns:
                compiled = self._compile(pattern)
                if compiled:
                    self.patterns.append((concept.id, compiled))
        for entry in inspire:
            known = {concept_id for concept_id in entry.ecospheres if concept_id in taxonomy}
            self.by_uri[normalize_uri(entry.uri)] |= known
            for label in entry.labels.values():
                self.by_keyword[normalize(label)] |= known
            if len(entry.code) > 3:  # topic categories ("inlandWaters"), not two-letter theme codes
                self.by_keyword[normalize(entry.code)] |= known

    @staticmethod
    def _compile(pattern: str) -> re.Pattern[str] | None:
        try:
            return re.compile(rf"(?<![0-9a-z])(?:{fold(pattern)})(?![0-9a-z])")
        except re.error as error:
            log.warning("theme pattern %r ignored: %s", pattern, error)
            return None

    def classify(self, title: str, keywords: Iterable[str], theme_uris: Iterable[str]) -> Classification:
        reasons: dict[str, list[str]] = defaultdict(list)
        for keyword in keywords:
            for concept_id in self.by_keyword.get(normalize(keyword), ()):
                reasons[concept_id].append(f"keyword {keyword!r}")
        folded_title = fold(title or "")
        for concept_id, pattern in self.patterns:
            found = pattern.search(folded_title)
            if found:
                reasons[concept_id].append(f"title matches {found.group(0)!r}")
        spaced_title = f" {normalize(title or '')} "
        for concept_id, phrase in sorted(self.title_phrases):
            if f" {phrase} " in spaced_title:
                reasons[concept_id].append(f"title contains {phrase!r}")
        for uri in theme_uris:
            for concept_id in self.by_uri.get(normalize_uri(uri), ()):
                reasons[concept_id].append(f"theme {uri}")
            # Registries such as GeoNetwork's end their concept URIs with a label.
            label = urllib.parse.unquote(uri.rstrip("/").rsplit("/", 1)[-1])
            for concept_id in self.by_keyword.get(normalize(label), ()):
                reasons[concept_id].append(f"theme label {label!r}")
        return Classification(self._most_precise(reasons), dict(reasons))

    def _most_precise(self, reasons: dict[str, list[str]]) -> list[str]:
        """Drop a concept when one of its narrower concepts was found too."""
        found = set(reasons)
        parents = {self.taxonomy.concepts[concept_id].parent for concept_id in found}
        return [concept.id for concept in self.taxonomy if concept.id in found and concept.id not in parents]

    def classify_dataset(self, pkg_dict: dict[str, Any]) -> Classification:
        return self.classify(pkg_dict.get("title") or "", dataset_keywords(pkg_dict), dcat_theme_uris(pkg_dict))


def dataset_keywords(pkg_dict: dict[str, Any]) -> list[str]:
    keywords = []
    for tag in pkg_dict.get("tags") or []:
        keywords.append(tag["name"] if isinstance(tag, dict) else str(tag))
    return keywords


def dcat_theme_uris(pkg_dict: dict[str, Any]) -> list[str]:
    """ckanext-dcat keeps dcat:theme values in the `theme` extra, as a JSON list."""
    raw = pkg_dict.get("theme")
    if raw is None:
        raw = next((extra["value"] for extra in pkg_dict.get("extras") or [] if extra.get("key") == "theme"), None)
    if not raw:
        return []
    if isinstance(raw, list):
        return [str(value) for value in raw]
    try:
        values = json.loads(raw)
    except ValueError:
        return [raw]
    return [str(value) for value in values] if isinstance(values, list) else [str(values)]


_current: tuple[Taxonomy, Classifier] | None = None


def classifier_for(taxonomy: Taxonomy) -> Classifier:
    """The classifier of this taxonomy, built once per loaded taxonomy."""
    global _current
    if _current is None or _current[0] is not taxonomy:
        from ckanext.ecologie.themes.defaults import inspire_entries

        _current = (taxonomy, Classifier(taxonomy, inspire_entries()))
    return _current[1]
