"""Reading SKOS taxonomies, including the imperfect Turtle of real thesauri."""

from __future__ import annotations

import pytest
import rdflib

from ckanext.ecologie.themes import defaults, skos
from ckanext.ecologie.themes.store import shipped
from ckanext.ecologie.themes.taxonomy import BOUQUET, DATASET

SMALL = """
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix ex: <https://example.org/t/> .
ex:scheme a skos:ConceptScheme ; skos:hasTopConcept ex:water .
ex:water a skos:Concept ; skos:inScheme ex:scheme ; skos:topConceptOf ex:scheme ;
    skos:prefLabel "Eau"@fr, "Water"@en ; skos:narrower ex:rivers .
ex:rivers a skos:Concept ; skos:inScheme ex:scheme ; skos:broader ex:water ;
    skos:prefLabel "Cours d'eau"@fr ; skos:altLabel "rivières"@fr .
"""


def test_repair_escapes_newlines_and_stray_backslashes_only_inside_strings() -> None:
    broken = '<http://x.org/a#b> <http://x.org/p> "line one\nline two", "P\\.L\\.U\\." . # a "comment"\n'
    repaired = skos.repair_turtle(broken)
    graph = rdflib.Graph().parse(data=repaired, format="turtle")
    values = sorted(str(value) for value in graph.objects())
    assert values == ["P\\.L\\.U\\.", "line one\nline two"]
    assert "<http://x.org/a#b>" in repaired and '# a "comment"' in repaired


def test_repair_keeps_valid_escapes_and_long_strings() -> None:
    text = '<http://x.org/a> <http://x.org/p> "say \\"hi\\"\\n", """two\nlines""" .'
    graph = rdflib.Graph().parse(data=skos.repair_turtle(text), format="turtle")
    assert sorted(str(value) for value in graph.objects()) == ['say "hi"\n', "two\nlines"]


def test_the_shipped_ecospheres_thesaurus_loads_with_english_labels() -> None:
    taxonomy = shipped(DATASET)
    assert len(taxonomy.top_concepts()) == 14
    assert len(taxonomy.concepts) == 96
    assert all(set(concept.labels) >= {"fr", "en"} for concept in taxonomy)
    planning = taxonomy.get("planification")
    assert planning.parent == "amenagement-et-urbanisme"
    assert "P\\.L\\.U\\." in planning.patterns
    assert "http://eurovoc.europa.eu/2391" in planning.matches
    assert taxonomy.top_of("planification").id == "amenagement-et-urbanisme"


def test_every_ecospheres_concept_reaches_a_bouquet_theme() -> None:
    dataset_taxonomy, bouquet_taxonomy = shipped(DATASET), shipped(BOUQUET)
    for concept in dataset_taxonomy:
        mapped = dataset_taxonomy.bouquet_themes_of(concept.id)
        assert mapped, concept.id
        assert all(theme in bouquet_taxonomy for theme in mapped), concept.id


def test_the_bouquet_themes_follow_their_notation_order() -> None:
    taxonomy = shipped(BOUQUET)
    assert [concept.id for concept in taxonomy.top_concepts()] == [
        "mieux-se-loger",
        "mieux-se-deplacer",
        "mieux-se-nourrir",
        "mieux-produire",
        "mieux-consommer",
        "mieux-preserver-valoriser-ecosystemes",
        "autre",
    ]
    assert len(taxonomy.concepts) == 31
    assert [child.label("fr") for child in taxonomy.children("mieux-se-loger")] == [
        "Construction et rénovation des logements",
        "Aménagements des villes",
    ]


def test_inspire_mapping_covers_the_34_themes_with_known_concepts() -> None:
    entries = defaults.inspire_entries()
    themes = [entry for entry in entries if "/theme/" in entry.uri]
    assert len(themes) == 34
    taxonomy = shipped(DATASET)
    assert all(concept_id in taxonomy for entry in entries for concept_id in entry.ecospheres)
    assert all(concept_id in taxonomy for entry in entries for concept_id, _cue in entry.candidates)
    # the themes the issue found over-assigned mean nothing without the text
    by_code = {entry.code: entry for entry in entries}
    assert [by_code[code].ecospheres for code in ("ef", "us", "af", "planningCadastre")] == [()] * 4


def test_our_vocabulary_names_known_concepts() -> None:
    taxonomy = shipped(DATASET)
    assert sorted(concept_id for concept_id in defaults.classifier_vocabulary() if concept_id not in taxonomy) == []


def test_a_small_scheme_reads_labels_hierarchy_and_alt_labels() -> None:
    taxonomy = skos.read_scheme(DATASET, [SMALL])
    assert [concept.id for concept in taxonomy.top_concepts()] == ["water"]
    assert taxonomy.get("rivers").parent == "water"
    assert taxonomy.get("rivers").alt_labels == ("rivières",)
    assert taxonomy.get("water").label("en") == "Water"
    assert taxonomy.get("rivers").label("en") == "Cours d'eau"  # falls back to French


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("this is not turtle {", "not readable as Turtle"),
        ("@prefix ex: <https://example.org/> . ex:a ex:b ex:c .", "expected one skos:ConceptScheme"),
        (SMALL.replace("skos:broader ex:water", "skos:broader ex:nowhere"), "unknown broader concept: rivers"),
        (SMALL.replace('skos:prefLabel "Cours d\'eau"@fr ;', ""), "has no skos:prefLabel"),
    ],
)
def test_unusable_files_are_refused_with_the_reason(text: str, message: str) -> None:
    with pytest.raises(skos.ThesaurusError, match=message):
        skos.read_scheme(DATASET, [text])
