"""Precision and recall of the classifier on hand-labelled records.

A labelled file (YAML) holds `records`, each with the fields the classifier
reads (title, notes, tags, theme, theme_labels) and `themes`: the concept ids
a careful reader assigns. A concept counts as found only when the classifier
assigns that very concept: a broader or a narrower one is a miss, so the
figures are those of the classifier's own choice of precision.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import yaml

from ckanext.ecologie.themes.classifier import Classifier
from ckanext.ecologie.themes.taxonomy import Taxonomy


class LabelledFileError(ValueError):
    """The labelled file cannot be evaluated."""


@dataclass(frozen=True)
class LabelledRecord:
    identifier: str
    dataset: dict[str, Any]  # as a harvested dataset dict, for Classifier.classify_dataset
    themes: frozenset[str]


@dataclass
class Score:
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0

    @property
    def precision(self) -> float | None:
        """None when nothing was assigned."""
        assigned = self.true_positives + self.false_positives
        return self.true_positives / assigned if assigned else None

    @property
    def recall(self) -> float | None:
        """None when nothing was to be found."""
        expected = self.true_positives + self.false_negatives
        return self.true_positives / expected if expected else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "precision": self.precision,
            "recall": self.recall,
            "true_positives": self.true_positives,
            "false_positives": self.false_positives,
            "false_negatives": self.false_negatives,
        }


@dataclass(frozen=True)
class Mistake:
    identifier: str
    title: str
    expected: tuple[str, ...]
    found: tuple[str, ...]


@dataclass
class Evaluation:
    records: int
    overall: Score
    concepts: dict[str, Score]
    mistakes: list[Mistake] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "records": self.records,
            "overall": self.overall.as_dict(),
            "concepts": {concept_id: score.as_dict() for concept_id, score in sorted(self.concepts.items())},
            "mistakes": [
                {
                    "identifier": mistake.identifier,
                    "title": mistake.title,
                    "expected": list(mistake.expected),
                    "found": list(mistake.found),
                }
                for mistake in self.mistakes
            ],
        }


def _strings(value: Any, where: str, key: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise LabelledFileError(f"{where}: `{key}` must be a list of strings")
    return value


def _record(item: Any, index: int, taxonomy: Taxonomy) -> LabelledRecord:
    where = f"record {index}"
    if not isinstance(item, dict) or not isinstance(item.get("title"), str):
        raise LabelledFileError(f"{where}: a mapping with a `title` is expected")
    where = f"record {index} ({item.get('identifier') or item['title']})"
    if "themes" not in item:
        raise LabelledFileError(f"{where}: `themes` is missing (an empty list says no theme fits)")
    themes = _strings(item["themes"], where, "themes")
    unknown = sorted(concept_id for concept_id in themes if concept_id not in taxonomy)
    if unknown:
        raise LabelledFileError(f"{where}: unknown concepts {', '.join(unknown)}")
    extras = [
        {"key": key, "value": json.dumps(_strings(item.get(key), where, key), ensure_ascii=False)}
        for key in ("theme", "theme_labels")
        if item.get(key)
    ]
    dataset = {
        "title": item["title"],
        "notes": item.get("notes") or "",
        "tags": [{"name": tag} for tag in _strings(item.get("tags"), where, "tags")],
        "extras": extras,
    }
    return LabelledRecord(str(item.get("identifier") or item["title"]), dataset, frozenset(themes))


def load_labelled(text: str, taxonomy: Taxonomy) -> list[LabelledRecord]:
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise LabelledFileError(f"not readable as YAML: {error}") from error
    records = document.get("records") if isinstance(document, dict) else None
    if not isinstance(records, list) or not records:
        raise LabelledFileError("a non-empty `records` list is expected")
    return [_record(item, index, taxonomy) for index, item in enumerate(records, start=1)]


def evaluate(classifier: Classifier, records: Iterable[LabelledRecord]) -> Evaluation:
    overall = Score()
    concepts: dict[str, Score] = defaultdict(Score)
    mistakes = []
    count = 0
    for record in records:
        count += 1
        found = set(classifier.classify_dataset(record.dataset).themes)
        for concept_id in found | record.themes:
            score = concepts[concept_id]
            if concept_id in found and concept_id in record.themes:
                score.true_positives += 1
                overall.true_positives += 1
            elif concept_id in found:
                score.false_positives += 1
                overall.false_positives += 1
            else:
                score.false_negatives += 1
                overall.false_negatives += 1
        if found != record.themes:
            mistakes.append(
                Mistake(record.identifier, record.dataset["title"], tuple(sorted(record.themes)), tuple(sorted(found)))
            )
    return Evaluation(count, overall, dict(concepts), mistakes)


def _figure(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def report_lines(result: Evaluation) -> list[str]:
    """The evaluation as text: overall, each concept (most mistaken first),
    then each record the classifier got wrong."""
    overall = result.overall
    lines = [
        f"{result.records} records: precision {_figure(overall.precision)}, recall {_figure(overall.recall)} "
        f"({overall.true_positives} right, {overall.false_positives} wrong, {overall.false_negatives} missed)",
        "",
        f"{'concept':<56} {'precision':>9} {'recall':>6} {'right':>5} {'wrong':>5} {'missed':>6}",
    ]
    ranked = sorted(
        result.concepts.items(), key=lambda item: (-(item[1].false_positives + item[1].false_negatives), item[0])
    )
    for concept_id, score in ranked:
        lines.append(
            f"{concept_id:<56} {_figure(score.precision):>9} {_figure(score.recall):>6} "
            f"{score.true_positives:>5} {score.false_positives:>5} {score.false_negatives:>6}"
        )
    if result.mistakes:
        lines += ["", "Records classified otherwise than labelled:"]
        for mistake in result.mistakes:
            expected = ", ".join(mistake.expected) or "-"
            found = ", ".join(mistake.found) or "-"
            lines.append(f"  {mistake.identifier} ({mistake.title}): labelled {expected}; found {found}")
    return lines
