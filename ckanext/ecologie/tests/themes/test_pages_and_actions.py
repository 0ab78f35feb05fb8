"""Theme actions and pages: counts equal package_search with the same filter."""

from __future__ import annotations

import ckan.plugins.toolkit as tk
import pytest
from ckan.tests import factories
from ckan.tests.helpers import call_action

from ckanext.ecologie.tests.helpers import make_dataset
from ckanext.ecologie.themes import search
from ckanext.ecologie.themes.store import shipped
from ckanext.ecologie.themes.taxonomy import DATASET

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


@pytest.fixture
def catalogue() -> dict[str, dict]:
    org = factories.Organization()
    return {
        "water": make_dataset(owner_org=org["id"], themes=["masses-d-eau"]),
        "sanitation": make_dataset(owner_org=org["id"], themes=["assainissement", "bruit"]),
        "noise": make_dataset(owner_org=org["id"], themes=["bruit"]),
        "private": make_dataset(owner_org=org["id"], themes=["masses-d-eau"], private=True),
        "none": make_dataset(owner_org=org["id"]),
    }


def _count(fq: str) -> int:
    return call_action(
        "package_search",
        fq=f"{fq} +dataset_type:dataset",
        rows=0,
        include_private=True,
        context={"ignore_auth": False, "user": ""},
    )["count"]


def test_theme_list_gives_top_concepts_children_and_counts(catalogue) -> None:
    themes = {top["id"]: top for top in call_action("ecologie_theme_list", context={"user": ""})}
    assert len(themes) == 14
    water = themes["eau"]
    assert water["label"] == "Eau" and water["uri"].endswith("/eau")
    assert water["dataset_count"] == 2  # the private one is not counted for an anonymous user
    children = {child["id"]: child for child in water["children"]}
    assert children["masses-d-eau"]["dataset_count"] == 1
    assert children["assainissement"]["dataset_count"] == 1
    assert themes["nuisances-dechets-et-pollution"]["dataset_count"] == 2
    assert water["bouquet_count"] == 0


def test_theme_list_of_the_bouquet_scheme_counts_mapped_datasets(catalogue) -> None:
    themes = {top["id"]: top for top in call_action("ecologie_theme_list", scheme="bouquet", context={"user": ""})}
    assert next(iter(themes)) == "mieux-se-loger"
    assert themes["mieux-preserver-valoriser-ecosystemes"]["dataset_count"] == 2


def test_theme_show_and_its_errors(catalogue) -> None:
    shown = call_action("ecologie_theme_show", id="masses-d-eau", context={"user": ""})
    assert shown["broader"]["id"] == "eau"
    assert shown["dataset_count"] == 1
    assert shown["children"] == []
    with pytest.raises(tk.ObjectNotFound):
        call_action("ecologie_theme_show", id="inconnu")
    with pytest.raises(tk.ValidationError) as raised:
        call_action("ecologie_theme_show")
    assert "id" in raised.value.error_dict
    with pytest.raises(tk.ValidationError) as raised:
        call_action("ecologie_theme_list", scheme="other")
    assert "scheme" in raised.value.error_dict


def test_autocomplete_matches_labels_and_keywords_prefix_first() -> None:
    found = call_action("ecologie_theme_autocomplete", q="inond")
    assert found[0]["id"] == "prevention-des-inondations"
    assert [item["id"] for item in call_action("ecologie_theme_autocomplete", q="PPRI")] == [
        "reglementation-de-prevention-des-risques-naturels"
    ]
    assert call_action("ecologie_theme_autocomplete", q="zzzz") == []
    with pytest.raises(tk.ValidationError):
        call_action("ecologie_theme_autocomplete")


def test_anonymous_users_may_call_theme_actions(app) -> None:
    response = app.get("/api/3/action/ecologie_theme_list")
    assert response.json["success"] is True


def test_the_theme_index_page_shows_every_top_concept_with_counts(app, catalogue) -> None:
    body = app.get("/theme/").body
    for concept in shipped(DATASET).top_concepts():
        assert concept.label("fr").replace("'", "&#39;") in body
    assert "2 jeux de données" in body


def test_every_theme_page_renders_and_counts_like_package_search(app, catalogue) -> None:
    for concept in shipped(DATASET):
        response = app.get(f"/theme/{concept.id}")
        assert response.status_code == 200, concept.id
        expected = _count(search.theme_filter(concept.id))
        shown = call_action("ecologie_theme_show", id=concept.id, context={"user": ""})["dataset_count"]
        assert shown == expected, concept.id
        if expected:
            assert f"{expected} jeu" in response.body, concept.id


def test_a_theme_page_keeps_facets_sorts_and_query(app, catalogue) -> None:
    body = app.get("/theme/eau", params={"q": "", "sort": "title_string asc"}).body
    assert catalogue["water"]["title"] in body and catalogue["sanitation"]["title"] in body
    assert catalogue["noise"]["title"] not in body
    assert "Sous-thèmes" in body  # the facet list of the normal search
    filtered = app.get("/theme/eau", params={"vocab_ecosphere_subtheme": "assainissement"}).body
    assert catalogue["sanitation"]["title"] in filtered and catalogue["water"]["title"] not in filtered


def test_an_unknown_theme_page_is_404(app) -> None:
    assert app.get("/theme/inconnu", status=404)
