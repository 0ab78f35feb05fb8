"""`ckan ecologie themes evaluate`: precision and recall on hand-labelled
records, exact on a tiny file, and the targets on the labelled corpus."""

from __future__ import annotations

import json
import os

import pytest
from ckan.cli.cli import ckan

from ckanext.ecologie.tests.helpers import CORPUS
from ckanext.ecologie.themes import defaults
from ckanext.ecologie.themes.classifier import Classifier
from ckanext.ecologie.themes.evaluate import LabelledFileError, evaluate, load_labelled
from ckanext.ecologie.themes.store import shipped
from ckanext.ecologie.themes.taxonomy import DATASET

LABELLED = os.path.join(CORPUS, "themes-labelled.yaml")

# Right (planning), one theme too many (air quality), one missed (waste), and
# a record rightly left without a theme.
TINY = """
records:
  - identifier: plu
    title: PLU de la commune de Cartigny
    themes: [planification]
  - identifier: noise
    title: Qualité de l'air et bruit
    tags: [bruit]
    themes: [bruit]
  - identifier: waste
    title: Budget de la commune
    notes: Dépenses de collecte des ordures.
    themes: [dechets]
  - identifier: nothing
    title: Données diverses
    theme: [http://inspire.ec.europa.eu/metadata-codelist/TopicCategory/society]
    themes: []
"""


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return Classifier(shipped(DATASET), defaults.inspire_entries())


def test_exact_figures_on_a_tiny_labelled_file(classifier) -> None:
    result = evaluate(classifier, load_labelled(TINY, shipped(DATASET)))

    assert result.records == 4
    assert result.overall.as_dict() == {
        "precision": 2 / 3,
        "recall": 2 / 3,
        "true_positives": 2,
        "false_positives": 1,
        "false_negatives": 1,
    }
    figures = {concept_id: (score.precision, score.recall) for concept_id, score in result.concepts.items()}
    assert figures == {
        "planification": (1.0, 1.0),
        "bruit": (1.0, 1.0),
        "qualite-de-l-air": (0.0, None),  # assigned once, wrongly; never to be found
        "dechets": (None, 0.0),  # never assigned; missed once
    }
    assert [(mistake.identifier, mistake.expected, mistake.found) for mistake in result.mistakes] == [
        ("noise", ("bruit",), ("bruit", "qualite-de-l-air")),
        ("waste", ("dechets",), ()),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("records: []", "a non-empty `records` list"),
        ("records: [{title: Données}]", r"record 1 \(Données\): `themes` is missing"),
        ("records: [{title: Données, themes: [nowhere]}]", "unknown concepts nowhere"),
        ("records: [{title: Données, tags: bruit, themes: []}]", "`tags` must be a list of strings"),
        ("records: [", "not readable as YAML"),
    ],
)
def test_unusable_labelled_files_are_refused_with_the_reason(text: str, message: str) -> None:
    with pytest.raises(LabelledFileError, match=message):
        load_labelled(text, shipped(DATASET))


@pytest.mark.usefixtures("with_plugins")
def test_the_command_prints_the_figures_and_the_mistakes(cli, tmp_path) -> None:
    path = tmp_path / "tiny.yaml"
    path.write_text(TINY, encoding="utf-8")

    result = cli.invoke(ckan, ["ecologie", "themes", "evaluate", str(path)])

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "4 records: precision 0.67, recall 0.67 (2 right, 1 wrong, 1 missed)"
    assert lines[3].split() == ["dechets", "-", "0.00", "0", "0", "1"]
    assert "  noise (Qualité de l'air et bruit): labelled bruit; found bruit, qualite-de-l-air" in lines
    assert "  waste (Budget de la commune): labelled dechets; found -" in lines


@pytest.mark.usefixtures("with_plugins")
def test_the_command_refuses_a_broken_file(cli, tmp_path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("records: [{title: Données, themes: [nowhere]}]", encoding="utf-8")
    result = cli.invoke(ckan, ["ecologie", "themes", "evaluate", str(path)])
    assert result.exit_code == 1
    assert "unknown concepts nowhere" in result.output


@pytest.mark.usefixtures("with_plugins")
def test_the_labelled_corpus_meets_the_targets(cli) -> None:
    """At least 60 distinct real-shaped records; precision 0.9, recall 0.8."""
    result = cli.invoke(ckan, ["ecologie", "themes", "evaluate", LABELLED, "--json"])

    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    assert figures["records"] >= 100
    assert len({(mistake["identifier"], mistake["title"]) for mistake in figures["mistakes"]}) < 20
    overall = figures["overall"]
    assert overall["precision"] >= 0.9, overall
    assert overall["recall"] >= 0.8, overall
    # the concepts the issue found over-assigned are right again
    for concept_id in ("qualite-de-l-air", "propriete-fonciere", "alimentation-en-eau-potable", "mer-et-littoral"):
        assert figures["concepts"][concept_id]["precision"] == 1.0, concept_id


def test_the_labelled_corpus_holds_60_distinct_records() -> None:
    with open(LABELLED, encoding="utf-8") as stream:
        records = load_labelled(stream.read(), shipped(DATASET))
    assert len({record.identifier for record in records}) >= 60
