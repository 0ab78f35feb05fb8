"""The records of tests/fixtures/corpus as the harvesters read them: the
hand-labelled file holds what they give the classifier, no stated theme is
kept as a blank-node id, and the synthetic placeholders ("Dataset 1",
"Tag 1", "Theme 1") get no theme rather than a guess."""

from __future__ import annotations

import glob
import json
import os
import re
from collections.abc import Iterator
from typing import Any

import pytest
import yaml
from lxml import etree

from ckanext.ecologie.harvest import rdf
from ckanext.ecologie.harvest.csw import EcologieCswHarvester
from ckanext.ecologie.harvest.dcat import dataset_records
from ckanext.ecologie.harvest.enrich import SourceInfo
from ckanext.ecologie.harvest.ownership import Reach
from ckanext.ecologie.harvest.records import Record, extra
from ckanext.ecologie.tests.helpers import CORPUS
from ckanext.ecologie.themes import defaults
from ckanext.ecologie.themes.classifier import Classifier
from ckanext.ecologie.themes.store import shipped
from ckanext.ecologie.themes.taxonomy import DATASET

pytestmark = pytest.mark.usefixtures("with_plugins")

LABELLED = os.path.join(CORPUS, "themes-labelled.yaml")
FORMATS = {".jsonld": "json-ld", ".json": "json-ld", ".xml": "xml", ".rdf": "xml"}
GMD = "http://www.isotc211.org/2005/gmd"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
# The labelled file writes a source-scoped identifier with "{source}" for the source's id.
SOURCE = SourceInfo("{source}", "Corpus", "http://127.0.0.1/csw", None, Reach("{source}", None))
BLANK_NODE = re.compile(r"^[Nn]?[0-9a-f]{32}\w*$|^_:")
VEGETATION = "Couche relevés de végétations patrimoniales. PRFB. 2020"
SPECIES = "Répartition des espèces"


def _read(name: str) -> Iterator[Record]:
    path = os.path.join(CORPUS, name)
    if name.startswith("dcat/"):
        with open(path, "rb") as stream:
            parser = rdf.parse(stream.read(), FORMATS[os.path.splitext(path)[1]], 10**9)
        records: Any = dataset_records(parser, SOURCE)
    else:
        root = etree.parse(path).getroot()
        iso = list(root.iter(f"{{{GMD}}}MD_Metadata"))
        schema, elements = ("iso19139", iso) if iso else ("dcat", list(root.iter(f"{{{RDF}}}RDF")))
        records = EcologieCswHarvester()._records(elements, schema, SOURCE)
    for record in records:
        assert isinstance(record, Record), record
        yield record


@pytest.fixture(scope="module")
def corpus() -> dict[tuple[str, str], Record]:
    """(fixture, title) -> record, for every corpus record."""
    names = [os.path.relpath(path, CORPUS) for path in glob.glob(os.path.join(CORPUS, "*", "*.*"))]
    records = {
        (name, record.dataset["title"]): record
        for name in sorted(names)
        if os.path.splitext(name)[1] in FORMATS
        for record in _read(name)
    }
    assert len(records) >= 50
    return records


def _labelled() -> list[dict[str, Any]]:
    with open(LABELLED, encoding="utf-8") as stream:
        return yaml.safe_load(stream)["records"]


def _json(dataset: dict[str, Any], key: str) -> list[str]:
    value = extra(dataset, key)
    return json.loads(value) if value else []


def test_the_labelled_corpus_records_are_what_the_harvesters_read(corpus) -> None:
    from_corpus = [item for item in _labelled() if not item["source"].startswith("hand-written")]
    assert len(from_corpus) >= 30
    for item in from_corpus:
        record = corpus[(item["source"], item["title"])]
        read = {
            "identifier": record.identifier,
            "tags": [tag["name"] for tag in record.dataset.get("tags") or []],
            "theme": _json(record.dataset, "theme"),
            "theme_labels": _json(record.dataset, "theme_labels"),
        }
        labelled = {key: item.get(key) or [] for key in ("tags", "theme", "theme_labels")}
        assert read == {"identifier": item["identifier"], **labelled}, item["title"]


def test_stated_themes_are_uris_and_labels_never_blank_node_ids(corpus) -> None:
    for record in corpus.values():
        uris, labels = _json(record.dataset, "theme"), _json(record.dataset, "theme_labels")
        assert all(value.startswith(("http://", "https://")) for value in uris), record.identifier
        assert not [label for label in labels if BLANK_NODE.match(label)], record.identifier
    # GeoNetwork's blank-node concepts, by their skos:prefLabel
    vegetation = corpus[("dcat/datara--f40c3860-7236-4b30-a141-23b8ae33f7b2.rdf.xml", VEGETATION)].dataset
    assert _json(vegetation, "theme_labels") == ["AUVERGNE-RHONE-ALPES", "Habitats et biotopes"]
    assert _json(vegetation, "theme") == ["http://inspire.ec.europa.eu/metadata-codelist/TopicCategory/biota"]


def test_synthetic_placeholders_get_only_the_theme_they_state(corpus) -> None:
    """ "Dataset 1" of bnodes.xml states the INSPIRE theme "Répartition des
    espèces" (a blank node) and another one "Hydrographie": those say what
    they are about; "Theme 1", "Tag 1" say nothing."""
    classifier = Classifier(shipped(DATASET), defaults.inspire_entries())
    found = {}
    for (name, title), record in corpus.items():
        if title.startswith("Dataset "):
            labels = _json(record.dataset, "theme_labels")
            found[(name, title)] = (labels, classifier.classify_dataset(record.dataset).themes)
    assert len(found) >= 10
    stated = {SPECIES: ["inventaires-nature-et-biodiversite"], "Hydrographie": ["eau"]}
    for labels, themes in found.values():
        expected = [theme for label in labels for theme in stated.get(label, [])]
        assert themes == expected, labels
    assert sum(bool(themes) for _labels, themes in found.values()) >= 2
