"""The classifier on the real records of tests/fixtures/corpus, parsed by
ckanext-dcat's RDF parser: real records get their theme, the synthetic
placeholders ("Dataset 1", "Tag 1", "Theme 1") get none rather than a guess."""

from __future__ import annotations

import glob
import os

import pytest
from ckanext.dcat.processors import RDFParser

from ckanext.ecologie.tests.helpers import CORPUS
from ckanext.ecologie.themes import defaults
from ckanext.ecologie.themes.classifier import Classifier
from ckanext.ecologie.themes.store import shipped
from ckanext.ecologie.themes.taxonomy import DATASET

FORMATS = {".jsonld": "json-ld", ".xml": "xml"}


def _records() -> list[dict]:
    records = []
    for path in sorted(glob.glob(os.path.join(CORPUS, "dcat", "*"))):
        parser = RDFParser()
        with open(path, "rb") as stream:
            parser.parse(stream.read(), _format=FORMATS[os.path.splitext(path)[1]])
        records.extend(parser.datasets())
    return records


@pytest.mark.usefixtures("with_plugins")
def test_corpus_records_are_classified_without_guessing() -> None:
    classifier = Classifier(shipped(DATASET), defaults.inspire_entries())
    themes = {record["title"]: classifier.classify_dataset(record).themes for record in _records()}
    assert themes.pop("Campings issus de la BDTopo de Auvergne Rhône-Alpes") == ["equipements-de-tourisme"]
    assert themes and all(title.startswith("Dataset ") for title in themes)
    assert all(found == [] for found in themes.values())
