"""Automatic classification: each kind of evidence, and what must not match."""

from __future__ import annotations

import pytest

from ckanext.ecologie.themes import defaults
from ckanext.ecologie.themes.classifier import Classifier, dcat_theme_uris, normalize
from ckanext.ecologie.themes.store import shipped
from ckanext.ecologie.themes.taxonomy import DATASET


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return Classifier(shipped(DATASET), defaults.inspire_entries())


def test_normalize_ignores_case_accents_apostrophes_and_punctuation() -> None:
    assert normalize("  Qualité de l’AIR !") == "qualite de l air"
    assert normalize("Aménagement Urbanisme/Zonages Planification") == "amenagement urbanisme zonages planification"


@pytest.mark.parametrize(
    ("title", "keywords", "themes", "expected"),
    [
        # keywords: altLabels, whatever their case and accents
        ("Données", ["HYDROMÉTRIE"], [], ["surveillance-de-la-ressource-en-eau"]),
        ("Données", ["Aménagement Urbanisme/Zonages Planification"], [], ["planification"]),
        # title patterns, on whole words only
        ("PLU de la commune de Cartigny", [], [], ["planification"]),
        ("Inventaire des ZNIEFF de type 1", [], [], ["inventaires-nature-et-biodiversite"]),
        # a label of several words in the title
        ("Qualité de l'air en 2024", [], [], ["qualite-de-l-air"]),
        # INSPIRE theme URIs, http or https, with or without a trailing slash
        ("Données", [], ["https://inspire.ec.europa.eu/theme/hy/"], ["eau"]),
        # ISO topic categories as GeoNetwork writes them
        ("Données", [], ["https://inspire.ec.europa.eu/metadata-codelist/TopicCategory/inlandWaters"], ["eau"]),
        # EuroVoc through skos:exactMatch
        ("Données", [], ["http://eurovoc.europa.eu/2391"], ["planification"]),
        # registry URIs that end with an INSPIRE label (land use: land cover and zoning plans)
        (
            "Données",
            [],
            ["https://geo.example.org/vocabularies/GEMET%20-%20INSPIRE%20themes/concepts/Usage%20des%20sols"],
            ["occupation-du-sol", "planification"],
        ),
    ],
)
def test_each_kind_of_evidence(classifier, title, keywords, themes, expected) -> None:
    assert classifier.classify(title, keywords, themes).themes == expected


@pytest.mark.parametrize(
    ("title", "keywords"),
    [
        ("Pluviométrie journalière", []),  # "PLU" inside a word
        ("Dataset 1", ["Tag 1", "Tag 2"]),
        ("Construction d'un indicateur", []),  # one-word label in a title
        ("Budget de la commune", ["finances"]),
    ],
)
def test_no_theme_without_evidence(classifier, title, keywords) -> None:
    assert classifier.classify(title, keywords, []).themes == []


def test_a_broader_concept_gives_way_to_its_narrower_one(classifier) -> None:
    result = classifier.classify("Données", ["eau", "Eau/Assainissement"], [])
    assert "assainissement" in result.themes
    assert "eau" not in result.themes
    assert result.reasons["eau"]  # still explained


def test_dcat_themes_are_read_from_the_extra_json_list() -> None:
    pkg = {"extras": [{"key": "theme", "value": '["http://eurovoc.europa.eu/2391", "x"]'}]}
    assert dcat_theme_uris(pkg) == ["http://eurovoc.europa.eu/2391", "x"]
    assert dcat_theme_uris({"theme": "not json"}) == ["not json"]
    assert dcat_theme_uris({}) == []
