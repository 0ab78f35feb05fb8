"""Automatic classification: each kind of evidence, and what must not match."""

from __future__ import annotations

import pytest

from ckanext.ecologie.themes import defaults
from ckanext.ecologie.themes.classifier import (
    Classifier,
    dataset_theme_labels,
    dcat_theme_uris,
    keyword_key,
    normalize,
)
from ckanext.ecologie.themes.store import shipped
from ckanext.ecologie.themes.taxonomy import DATASET


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return Classifier(shipped(DATASET), defaults.inspire_entries())


def test_normalize_ignores_case_accents_apostrophes_and_punctuation() -> None:
    assert normalize("  Qualité de l’AIR !") == "qualite de l air"
    assert normalize("Aménagement Urbanisme/Zonages Planification") == "amenagement urbanisme zonages planification"
    assert keyword_key("Carrière") == keyword_key("carrieres") == "carriere"
    assert keyword_key("Eaux usées") == "eauusee"
    # as catalogues slug them and ckanext-dcat's tag cleaning writes them
    assert keyword_key("Qualité de l'air") == keyword_key("qualite-de-l-air") == keyword_key("qualite-de-lair")
    assert keyword_key("Aménagement Urbanisme/Zonages Planification") == keyword_key(
        "amenagement-urbanismezonages-planification"
    )
    assert keyword_key("gaz") == "gaz"


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
        # registry URIs that end with an INSPIRE label
        (
            "Données",
            [],
            ["https://geo.example.org/vocabularies/GEMET%20-%20INSPIRE%20themes/concepts/Hydrographie"],
            ["eau"],
        ),
        # our additions to the thesaurus' vocabulary, and plurals ignored
        ("Stationnement vélos", [], [], ["circulation-douce"]),
        ("Données", ["DECHET"], [], ["dechets"]),
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


INSPIRE = "http://inspire.ec.europa.eu/theme/"
TOPIC = "http://inspire.ec.europa.eu/metadata-codelist/TopicCategory/"


@pytest.mark.parametrize(
    ("title", "keywords", "themes", "description", "expected"),
    [
        # "Environmental monitoring facilities" names no subject of its own:
        # gravimetry gets nothing, a water network its water theme, air stations air quality
        ("National network of repeated absolute gravimetry (GRAVI)", [], [INSPIRE + "ef"], "", []),
        (
            "Réseau de suivi",
            ["Installations de suivi environnemental"],
            [],
            "Qualitomètres des eaux souterraines",
            ["surveillance-de-la-ressource-en-eau"],
        ),
        ("Stations de mesure", [], [INSPIRE + "ef"], "Polluants mesurés : ozone, NO2.", ["qualite-de-l-air"]),
        # "Utility and governmental services" on a list of schools: schools only
        (
            "Etablissements d'enseignement",
            ["Services d'utilité publique et services publics"],
            [TOPIC + "farming", TOPIC + "inlandWaters", TOPIC + "imageryBaseMapsEarthCover"],
            "Liste géolocalisée des établissements du premier et du second degré.",
            ["etablissements-d-enseignement"],
        ),
        # "Agricultural and aquaculture facilities" on farm parcels: not the sea
        (
            "Parcelles déclarées",
            ["Installations agricoles et aquacoles"],
            [],
            "Parcelles des exploitants agricoles déclarées à la PAC.",
            ["foncier-agricole"],
        ),
        (
            "Zones de production",
            ["Installations agricoles et aquacoles"],
            [],
            "Classement des zones de production de coquillages.",
            ["mer-et-littoral"],
        ),
        # a town plan under "Planning, cadastre": planning, not land ownership
        ("Plan local d'urbanisme de Naours", ["Usage des sols"], [TOPIC + "planningCadastre"], "", ["planification"]),
        ("Parcelles", [], [TOPIC + "planningCadastre"], "Plan cadastral informatisé.", ["propriete-fonciere"]),
        # a theme that means one subject on its own, when nothing else speaks
        ("Gisements", [], [INSPIRE + "mr"], "", ["mines"]),
        ("Données", [], [TOPIC + "planningCadastre", TOPIC + "society", TOPIC + "environment"], "", []),
    ],
)
def test_inspire_themes_need_the_text_to_back_them(classifier, title, keywords, themes, description, expected) -> None:
    assert classifier.classify(title, keywords, themes, description=description).themes == expected


def test_the_inspire_label_does_not_back_itself(classifier) -> None:
    # Géo2France copies the INSPIRE label into the description: "publics" is
    # no cue for anything, "Services ... publics" must not confirm a candidate either
    description = "GEMET - INSPIRE themes, version 1.0 : Services d'utilité publique et services publics."
    result = classifier.classify("Plages labellisées", [], [INSPIRE + "us"], description=description)
    assert result.themes == []


def test_the_records_own_words_win_over_inspire_themes(classifier) -> None:
    result = classifier.classify("Mâts éoliens", ["Sources d'énergie"], [TOPIC + "utilitiesCommunication"])
    assert result.themes == ["parcs-eoliens"]
    assert result.reasons == {"parcs-eoliens": ["title matches 'mats eoliens'"]}


def test_theme_labels_are_read_like_keywords(classifier) -> None:
    pkg = {
        "title": "Couche relevés de végétations",
        "extras": [{"key": "theme_labels", "value": '["AUVERGNE-RHONE-ALPES", "Habitats et biotopes"]'}],
        "notes": "Occurrences de végétations rattachées au prodrome des végétations.",
    }
    assert dataset_theme_labels(pkg) == ["AUVERGNE-RHONE-ALPES", "Habitats et biotopes"]
    assert classifier.classify_dataset(pkg).themes == ["inventaires-nature-et-biodiversite"]


def test_misleading_thesaurus_entries_are_ignored(classifier) -> None:
    # "step" (a wastewater plant) is an altLabel of drinking water, "photovoltaïques"
    # a regexp of the electricity network, "peche" an altLabel of the sea
    assert classifier.classify("Données", ["STEP"], []).themes == ["assainissement"]
    assert classifier.classify("Centrales photovoltaïques au sol", [], []).themes == [
        "production-d-energie-hors-eolien"
    ]
    assert classifier.classify("Données", ["pêche"], []).themes == []
