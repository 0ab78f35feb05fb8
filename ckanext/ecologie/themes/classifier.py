"""Automatic theme classification of a dataset.

Strong evidence: the Ecosphères vocabulary (the thesaurus, and our additions
of data/classifier-vocabulary.yaml) in the record's own words:
- keywords and stated theme labels equal to a concept's label or altLabel
  (case, accents, punctuation and a final s or x ignored);
- the concept's title patterns (espsyntax:regexp), matched on whole words;
- a label of two words or more ("Qualité de l'air") found in the title;
- EuroVoc URIs among the themes, through the concepts' skos:exactMatch, and
  registry URIs that end with a concept's label.

Weak evidence: INSPIRE themes and ISO topic categories (by URI, label or
code). French catalogues put them on records loosely, so they count only for
a record that the strong evidence leaves unclassified, and then only for a
concept that a cue word of the record's text confirms, or else for the few
concepts a theme means on its own (data/inspire-themes.yaml). No theme
beats a wrong theme.
"""

from __future__ import annotations

import json
import logging
import re
import urllib.parse
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ckanext.ecologie.text import fold as text_fold
from ckanext.ecologie.themes.defaults import InspireEntry, VocabularyEntry
from ckanext.ecologie.themes.taxonomy import Taxonomy

log = logging.getLogger(__name__)

APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'"})


def fold(text: str) -> str:
    """Lower case, no accents, typographic apostrophes made plain."""
    return text_fold(text.translate(APOSTROPHES))


def normalize(text: str) -> str:
    """fold(), then every run of punctuation or spaces becomes one space."""
    return re.sub(r"[^0-9a-z]+", " ", fold(text)).strip()


def keyword_key(text: str) -> str:
    """What two keywords share when they are the same: normalize(), a final
    s or x dropped from words of four letters or more ("DECHET" is "Déchets",
    "carrière" is "carrieres"), and no spaces at all, since catalogues and
    ckanext-dcat's tag cleaning write "Qualité de l'air" as "qualite-de-l-air"
    or "qualite-de-lair", "Urbanisme/Zonages" as "urbanismezonages"."""
    return "".join(word[:-1] if len(word) > 3 and word[-1] in "sx" else word for word in normalize(text).split())


def normalize_uri(uri: str) -> str:
    return re.sub(r"^https?://", "", uri.strip()).rstrip("/").casefold()


def _words(pattern: str) -> str:
    return rf"(?<![0-9a-z])(?:{pattern})(?![0-9a-z])"


@dataclass
class Classification:
    themes: list[str]
    reasons: dict[str, list[str]] = field(default_factory=dict)


class Classifier:
    """Built once per taxonomy; classify() does no I/O."""

    def __init__(
        self,
        taxonomy: Taxonomy,
        inspire: Iterable[InspireEntry],
        vocabulary: Mapping[str, VocabularyEntry] | None = None,
    ) -> None:
        if vocabulary is None:
            from ckanext.ecologie.themes.defaults import classifier_vocabulary

            vocabulary = classifier_vocabulary()
        self.taxonomy = taxonomy
        self.by_keyword: dict[str, set[str]] = defaultdict(set)
        self.by_uri: dict[str, set[str]] = defaultdict(set)
        self.patterns: list[tuple[str, re.Pattern[str]]] = []
        self.title_phrases: set[tuple[str, str]] = set()
        for concept in taxonomy:
            extra = vocabulary.get(concept.id, VocabularyEntry())
            ignored = {keyword_key(value) for value in extra.ignore}
            for label in (*concept.labels.values(), *concept.alt_labels, *extra.keywords):
                if keyword_key(label) in ignored:
                    continue
                self.by_keyword[keyword_key(label)].add(concept.id)
                phrase = normalize(label)
                # One word ("Construction", "Bruit") says too little; paths
                # such as "Eau/Masse d'eau" are catalogue codes, not phrases.
                if concept.parent and " " in phrase and "/" not in label:
                    self.title_phrases.add((concept.id, phrase))
            for uri in concept.matches:
                self.by_uri[normalize_uri(uri)].add(concept.id)
            for pattern in (*concept.patterns, *extra.title_patterns):
                compiled = self._compile(pattern) if pattern not in extra.ignore else None
                if compiled:
                    self.patterns.append((concept.id, compiled))
        self._index_inspire(inspire)

    def _index_inspire(self, inspire: Iterable[InspireEntry]) -> None:
        self.inspire_by_uri: dict[str, list[InspireEntry]] = defaultdict(list)
        self.inspire_by_label: dict[str, list[InspireEntry]] = defaultdict(list)
        self.cues: dict[str, re.Pattern[str]] = {}
        self.inspire_labels: set[str] = set()
        long_labels = []
        for entry in inspire:
            known = InspireEntry(
                entry.code,
                entry.uri,
                entry.labels,
                tuple(concept_id for concept_id in entry.ecospheres if concept_id in self.taxonomy),
                tuple((concept_id, cue) for concept_id, cue in entry.candidates if concept_id in self.taxonomy),
            )
            self.inspire_by_uri[normalize_uri(entry.uri)].append(known)
            names = list(entry.labels.values())
            if len(entry.code) > 3:  # topic categories ("inlandWaters"), not two-letter theme codes
                names.append(entry.code)
            for name in names:
                self.inspire_by_label[keyword_key(name)].append(known)
                self.inspire_labels.add(keyword_key(name))
                if len(normalize(name).split()) >= 3:
                    long_labels.append(normalize(name))
            for concept_id, cue in known.candidates:
                self.cues.setdefault(concept_id, re.compile(_words(cue)))
        # Géo2France copies its keywords, INSPIRE labels included, into descriptions.
        alternatives = "|".join(re.escape(label) for label in sorted(set(long_labels), key=len, reverse=True))
        self.stated_labels = re.compile(_words(alternatives)) if alternatives else None

    @staticmethod
    def _compile(pattern: str) -> re.Pattern[str] | None:
        try:
            return re.compile(_words(fold(pattern)))
        except re.error as error:
            log.warning("theme pattern %r ignored: %s", pattern, error)
            return None

    def classify(
        self,
        title: str,
        keywords: Iterable[str],
        theme_uris: Iterable[str],
        description: str = "",
        theme_labels: Iterable[str] = (),
    ) -> Classification:
        strong: dict[str, list[str]] = defaultdict(list)
        weak: dict[str, tuple[InspireEntry, str]] = {}
        terms = [*keywords, *theme_labels]
        for term in terms:
            self._term(term, f"keyword {term!r}", strong, weak)
        folded_title = fold(title or "")
        for concept_id, pattern in self.patterns:
            found = pattern.search(folded_title)
            if found:
                strong[concept_id].append(f"title matches {found.group(0)!r}")
        spaced_title = f" {normalize(title or '')} "
        for concept_id, phrase in sorted(self.title_phrases):
            if f" {phrase} " in spaced_title:
                strong[concept_id].append(f"title contains {phrase!r}")
        for uri in theme_uris:
            for concept_id in self.by_uri.get(normalize_uri(uri), ()):
                strong[concept_id].append(f"theme {uri}")
            for entry in self.inspire_by_uri.get(normalize_uri(uri), ()):
                weak.setdefault(entry.code, (entry, f"theme {uri}"))
            # Registries such as GeoNetwork's end their concept URIs with a label.
            label = urllib.parse.unquote(uri.rstrip("/").rsplit("/", 1)[-1])
            self._term(label, f"theme label {label!r}", strong, weak)
        reasons = strong or self._from_inspire(weak, self._text(title, description, terms))
        return Classification(self._most_precise(reasons), dict(reasons))

    def _term(
        self, term: str, reason: str, strong: dict[str, list[str]], weak: dict[str, tuple[InspireEntry, str]]
    ) -> None:
        key = keyword_key(term)
        for concept_id in self.by_keyword.get(key, ()):
            strong[concept_id].append(reason)
        for entry in self.inspire_by_label.get(key, ()):
            weak.setdefault(entry.code, (entry, reason))

    def _text(self, title: str, description: str, terms: list[str]) -> str:
        """What confirms an INSPIRE theme's candidate: the title, the
        description and the keywords, less the INSPIRE labels themselves."""
        parts = [normalize(title or ""), normalize(description or "")]
        parts += [normalize(term) for term in terms if keyword_key(term) not in self.inspire_labels]
        text = "\n".join(parts)
        return self.stated_labels.sub("\n", text) if self.stated_labels else text

    def _from_inspire(self, weak: dict[str, tuple[InspireEntry, str]], text: str) -> dict[str, list[str]]:
        confirmed: dict[str, list[str]] = defaultdict(list)
        for entry, how in weak.values():
            for concept_id, _cue in entry.candidates:
                found = self.cues[concept_id].search(text)
                if found:
                    confirmed[concept_id].append(f"{how} (INSPIRE {entry.code}), confirmed by {found.group(0)!r}")
        if confirmed:
            return confirmed
        alone: dict[str, list[str]] = defaultdict(list)
        for entry, how in weak.values():
            for concept_id in entry.ecospheres:
                alone[concept_id].append(f"{how} (INSPIRE {entry.code})")
        return alone

    def _most_precise(self, reasons: dict[str, list[str]]) -> list[str]:
        """Drop a concept when one of its narrower concepts was found too."""
        found = set(reasons)
        parents = {self.taxonomy.concepts[concept_id].parent for concept_id in found}
        return [concept.id for concept in self.taxonomy if concept.id in found and concept.id not in parents]

    def classify_dataset(self, pkg_dict: dict[str, Any]) -> Classification:
        return self.classify(
            pkg_dict.get("title") or "",
            dataset_keywords(pkg_dict),
            dcat_theme_uris(pkg_dict),
            description=pkg_dict.get("notes") or "",
            theme_labels=dataset_theme_labels(pkg_dict),
        )


def dataset_keywords(pkg_dict: dict[str, Any]) -> list[str]:
    keywords = []
    for tag in pkg_dict.get("tags") or []:
        keywords.append(tag["name"] if isinstance(tag, dict) else str(tag))
    return keywords


def _json_list(pkg_dict: dict[str, Any], key: str) -> list[str]:
    """A list kept as a JSON extra (or a field, as in a validated dict)."""
    raw = pkg_dict.get(key)
    if raw is None:
        raw = next((extra["value"] for extra in pkg_dict.get("extras") or [] if extra.get("key") == key), None)
    if not raw:
        return []
    if isinstance(raw, list):
        return [str(value) for value in raw]
    try:
        values = json.loads(raw)
    except ValueError:
        return [raw]
    return [str(value) for value in values] if isinstance(values, list) else [str(values)]


def dcat_theme_uris(pkg_dict: dict[str, Any]) -> list[str]:
    """ckanext-dcat keeps dcat:theme values in the `theme` extra, as a JSON list."""
    return _json_list(pkg_dict, "theme")


def dataset_theme_labels(pkg_dict: dict[str, Any]) -> list[str]:
    """Labels of the stated themes (harvest/theme_labels.py), a JSON list."""
    return _json_list(pkg_dict, "theme_labels")


_current: tuple[Taxonomy, Classifier] | None = None


def classifier_for(taxonomy: Taxonomy) -> Classifier:
    """The classifier of this taxonomy, built once per loaded taxonomy."""
    global _current
    if _current is None or _current[0] is not taxonomy:
        from ckanext.ecologie.themes.defaults import inspire_entries

        _current = (taxonomy, Classifier(taxonomy, inspire_entries()))
    return _current[1]
