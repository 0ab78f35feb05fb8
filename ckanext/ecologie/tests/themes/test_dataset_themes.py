"""The `themes` field of datasets: validation, origin, display and facets."""

from __future__ import annotations

import ckan.plugins.toolkit as tk
import pytest
from ckan.cli.cli import ckan
from ckan.tests import factories
from ckan.tests.helpers import call_action

from ckanext.ecologie.tests.helpers import make_dataset

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


def _facet(field: str, **search) -> dict[str, int]:
    result = call_action("package_search", **{"facet.field": [field], "rows": 0, **search})
    return result["facets"].get(field, {})


def test_themes_are_stored_shown_and_marked_as_the_editors() -> None:
    dataset = make_dataset(themes=["masses-d-eau", "bruit"])
    shown = call_action("package_show", id=dataset["id"])
    assert shown["themes"] == ["masses-d-eau", "bruit"]
    assert shown["themes_origin"] == "editor"
    assert all(extra["key"] not in ("themes", "themes_origin") for extra in shown.get("extras", []))


def test_themes_accept_a_comma_separated_string() -> None:
    dataset = make_dataset(themes="eau, climat")
    assert call_action("package_show", id=dataset["id"])["themes"] == ["eau", "climat"]


def test_an_unknown_theme_is_a_validation_error_on_themes_and_stores_nothing() -> None:
    org = factories.Organization()
    with pytest.raises(tk.ValidationError) as raised:
        call_action("package_create", name="jeu-refuse", owner_org=org["id"], themes=["eau", "pas-un-theme"])
    assert "themes" in raised.value.error_dict
    assert "pas-un-theme" in str(raised.value.error_dict["themes"])
    with pytest.raises(tk.ObjectNotFound):
        call_action("package_show", id="jeu-refuse")


@pytest.mark.parametrize("bad", [[1, 2], {"eau": True}, "[not json"])
def test_themes_of_the_wrong_shape_are_refused(bad) -> None:
    with pytest.raises(tk.ValidationError) as raised:
        make_dataset(themes=bad)
    assert "themes" in raised.value.error_dict


def test_a_bad_update_keeps_the_stored_themes() -> None:
    dataset = make_dataset(themes=["eau"])
    with pytest.raises(tk.ValidationError):
        call_action("package_patch", id=dataset["id"], themes=["inconnu"])
    assert call_action("package_show", id=dataset["id"])["themes"] == ["eau"]


def test_a_submitted_origin_is_not_trusted() -> None:
    dataset = make_dataset(themes=["eau"], themes_origin="classifier")
    assert call_action("package_show", id=dataset["id"])["themes_origin"] == "editor"


def test_an_update_that_leaves_the_themes_alone_keeps_their_origin(cli) -> None:
    dataset = make_dataset(title="Stations de mesure", tags=[{"name": "hydrométrie"}])
    editor = {"user": factories.Sysadmin()["name"]}
    result = cli.invoke(ckan, ["ecologie", "themes", "classify", "--dataset", dataset["id"]])
    assert result.exit_code == 0, result.output
    classified = call_action("package_show", id=dataset["id"])
    assert classified["themes_origin"] == "classifier"
    call_action("package_patch", context=editor, id=dataset["id"], notes="Nouvelle description")
    assert call_action("package_show", id=dataset["id"])["themes_origin"] == "classifier"
    call_action("package_patch", context=editor, id=dataset["id"], themes=["climat"])
    assert call_action("package_show", id=dataset["id"])["themes_origin"] == "editor"


def test_themes_are_faceted_on_top_concept_sub_concept_and_bouquet_theme() -> None:
    make_dataset(themes=["masses-d-eau"])
    make_dataset(themes=["eau"])
    make_dataset(themes=["prevention-des-inondations"])
    make_dataset()
    assert _facet("vocab_ecosphere_theme") == {"eau": 2, "risques": 1}
    assert _facet("vocab_ecosphere_subtheme") == {"masses-d-eau": 1, "prevention-des-inondations": 1}
    # Water concepts, and flood prevention, map onto the bouquet sub-theme
    # "Eau" (same id, other scheme) and its top concept; risks onto "Autre".
    assert _facet("vocab_bouquet_theme") == {"mieux-preserver-valoriser-ecosystemes": 3, "eau": 3, "autre": 1}


def test_the_dataset_page_shows_theme_labels_in_french_and_english(app) -> None:
    dataset = make_dataset(themes=["masses-d-eau"])
    french = app.get(f"/dataset/{dataset['name']}").body
    assert "Eau › Masses d&#39;eau" in french or "Eau › Masses d'eau" in french
    english = app.get(f"/en/dataset/{dataset['name']}").body
    assert "Water › Water bodies" in english


def test_search_facets_show_labels_not_ids(app) -> None:
    make_dataset(themes=["masses-d-eau"])
    result = app.get("/api/3/action/package_search", params={"facet.field": '["vocab_ecosphere_theme"]'}).json
    items = result["result"]["search_facets"]["vocab_ecosphere_theme"]["items"]
    assert items == [{"name": "eau", "display_name": "Eau", "count": 1}]
