"""`ckan ecologie themes classify` and `ckan ecologie themes load`."""

from __future__ import annotations

import datetime
import json

import ckan.model as model
import ckan.plugins.toolkit as tk
import pytest
from ckan.cli.cli import ckan
from ckan.lib import search
from ckan.lib.search.common import make_connection
from ckan.tests import factories
from ckan.tests.helpers import call_action
from ckanext.harvest.model import HarvestJob, HarvestObject

from ckanext.ecologie.tests.harvest.support import extra, make_source
from ckanext.ecologie.tests.helpers import call, make_dataset
from ckanext.ecologie.themes import bulk, store

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


def _themes(dataset: dict) -> list[str]:
    return call_action("package_show", id=dataset["id"]).get("themes", [])


def _invoke(cli, *args: str):
    result = cli.invoke(ckan, ["ecologie", "themes", *args])
    return result


def test_classify_all_sets_themes_keeps_editors_and_reports(cli) -> None:
    water = make_dataset(title="Stations hydrométriques", tags=[{"name": "hydrométrie"}])
    plu = make_dataset(title="PLU de la commune de Cartigny")
    nothing = make_dataset(title="Budget annuel")
    chosen = make_dataset(title="PLU intercommunal", themes=["climat"])

    result = _invoke(cli, "classify", "--all")

    assert result.exit_code == 0, result.output
    assert "4 datasets: 2 classified, 0 unchanged, 1 unclassified, 1 kept as set by an editor" in result.output
    assert _themes(water) == ["surveillance-de-la-ressource-en-eau"]
    assert _themes(plu) == ["planification"]
    assert _themes(nothing) == []
    assert _themes(chosen) == ["climat"]
    # written and indexed: the theme facet finds the classified datasets
    found = call_action("package_search", fq='vocab_ecosphere_subtheme:"planification"')
    assert [dataset["id"] for dataset in found["results"]] == [plu["id"]]

    again = _invoke(cli, "classify", "--all")
    assert "2 unchanged" in again.output and "(0 were written)" in again.output


def test_dry_run_shows_the_changes_and_writes_nothing(cli) -> None:
    dataset = make_dataset(name="plu-cartigny", title="PLU de la commune de Cartigny")
    result = _invoke(cli, "classify", "--all", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "plu-cartigny: - -> planification" in result.output
    assert "would be written" in result.output
    assert _themes(dataset) == []


def test_classify_one_dataset_or_one_harvest_source(cli) -> None:
    one = make_dataset(title="PLU de Cartigny")
    other = make_dataset(title="PLU de Péronne")
    assert _invoke(cli, "classify", "--dataset", one["name"]).exit_code == 0
    assert _themes(one) == ["planification"]
    assert _themes(other) == []

    result = _invoke(cli, "classify", "--source", "no-such-source")
    assert result.exit_code != 0
    assert "no harvest source 'no-such-source'" in result.output


def test_classify_needs_exactly_one_selection(cli) -> None:
    assert _invoke(cli, "classify").exit_code == 2
    assert _invoke(cli, "classify", "--all", "--dataset", "x").exit_code == 2


SMALL = """
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix ex: <https://example.org/t/> .
ex:scheme a skos:ConceptScheme ; skos:hasTopConcept ex:eau .
ex:eau a skos:Concept ; skos:inScheme ex:scheme ; skos:topConceptOf ex:scheme ; skos:prefLabel "Eau"@fr .
ex:sargasses a skos:Concept ; skos:inScheme ex:scheme ; skos:broader ex:eau ;
    skos:prefLabel "Sargasses"@fr ; skos:altLabel "algues brunes"@fr .
"""


def test_load_replaces_the_taxonomy_everywhere(cli, tmp_path) -> None:
    thesaurus = tmp_path / "thesaurus.ttl"
    thesaurus.write_text(SMALL, encoding="utf-8")

    result = _invoke(cli, "load", str(thesaurus))

    assert result.exit_code == 0, result.output
    assert "2 concepts, 1 top concepts" in result.output
    store.forget()
    assert sorted(store.get_taxonomy().concepts) == ["eau", "sargasses"]
    dataset = make_dataset(themes=["sargasses"])
    assert _themes(dataset) == ["sargasses"]
    listed = call_action("ecologie_theme_list")
    assert [(top["id"], [child["id"] for child in top["children"]]) for top in listed] == [("eau", ["sargasses"])]

    assert _invoke(cli, "load").exit_code == 0  # back to the shipped thesaurus
    store.forget()
    assert len(store.get_taxonomy().concepts) == 96


def test_a_bad_file_is_refused_and_the_stored_taxonomy_kept(cli, tmp_path) -> None:
    good, bad = tmp_path / "good.ttl", tmp_path / "bad.ttl"
    good.write_text(SMALL, encoding="utf-8")
    bad.write_text("@prefix ex: <https://example.org/> . ex:a ex:b", encoding="utf-8")
    assert _invoke(cli, "load", str(good)).exit_code == 0

    result = _invoke(cli, "load", str(bad))

    assert result.exit_code == 1
    assert "not readable as Turtle" in result.output
    store.forget()
    assert sorted(store.get_taxonomy().concepts) == ["eau", "sargasses"]


def test_a_dataset_missing_from_the_index_is_rebuilt_from_the_database(cli) -> None:
    from ckan import model
    from ckan.lib.search import commit, index_for

    dataset = make_dataset(title="PLU de Cartigny")
    index_for(model.Package).delete_package({"id": dataset["id"]})
    commit()
    assert call_action("package_search", q="Cartigny")["count"] == 0
    assert _invoke(cli, "classify", "--all").exit_code == 0
    found = call_action("package_search", fq='vocab_ecosphere_subtheme:"planification"')
    assert [item["id"] for item in found["results"]] == [dataset["id"]]


def _document(package_id: str) -> dict:
    """The dataset's search document, without Solr's own bookkeeping."""
    return {key: value for key, value in search.show(package_id).items() if key not in ("indexed_ts", "_version_")}


def _harvested_private_dataset() -> dict:
    """A private dataset with a current harvest object of a source."""
    source = make_source("ecologie_dcat", "http://127.0.0.1:9/catalogue.ttl")  # never read: no job runs
    harvested = make_dataset(title="PLU de Cartigny", private=True, owner_org=source["owner_org"])
    job = HarvestJob.get(call("harvest_job_create", source_id=source["id"], run=False)["id"])
    model.Session.add(HarvestObject(guid="plu-cartigny", job=job, package_id=harvested["id"], current=True))
    model.Session.commit()
    return harvested


def _rebuild_searchable(ids: list[str]) -> None:
    """Rebuilt from the database and searchable before the next read of the index."""
    search.rebuild(package_ids=ids, defer_commit=True)
    make_connection().commit(waitSearcher=True)


def test_the_bulk_reindex_stores_what_a_reindex_from_the_database_stores(cli) -> None:
    """`classify` reindexes from the index's own copies, with the packages and
    harvest sources loaded for the whole batch: its documents are those CKAN
    builds from the database (harvest fields and permission labels included)."""
    harvested = _harvested_private_dataset()
    # its copy in the index carries the harvest fields, as any harvested dataset's
    _rebuild_searchable([harvested["id"]])
    created = make_dataset(title="Stations hydrométriques", tags=[{"name": "hydrométrie"}])

    assert _invoke(cli, "classify", "--all").exit_code == 0
    by_classify = {dataset["id"]: _document(dataset["id"]) for dataset in (harvested, created)}
    search.rebuild(package_ids=[harvested["id"], created["id"]])

    for dataset in (harvested, created):
        assert by_classify[dataset["id"]] == _document(dataset["id"])
    shown = json.loads(by_classify[harvested["id"]]["validated_data_dict"])
    assert extra(shown, "harvest_source_title") == "Source source-de-test"
    assert shown["themes"] == ["planification"]
    # private: its permission labels keep it from an outsider's search
    outsider = factories.User()
    found = tk.get_action("package_search")({"user": outsider["name"]}, {"q": "Cartigny", "include_private": True})
    assert found["count"] == 0


def _forget_classifier_themes(ids: list[str]) -> None:
    """Back to before any classification (themes set by an editor stay)."""
    for package in model.Session.query(model.Package).filter(model.Package.id.in_(ids)):
        extras = dict(package.extras)
        if extras.get("themes_origin") == "classifier":
            package.extras = {key: value for key, value in extras.items() if key not in ("themes", "themes_origin")}
    model.Session.commit()
    _rebuild_searchable(ids)


def test_workers_store_what_one_process_stores(cli) -> None:
    """Batches shared out among forked workers: the same summary, the same
    datasets and the same search documents as in one process."""
    harvested = _harvested_private_dataset()
    make_dataset(title="Stations hydrométriques", tags=[{"name": "hydrométrie"}])
    make_dataset(title="Budget annuel")
    make_dataset(title="PLU intercommunal", themes=["climat"])
    make_dataset(title="Qualité de l'air", tags=[{"name": "pollution atmosphérique"}])
    ids = bulk.dataset_ids(all_datasets=True)

    def classified(workers: int) -> tuple[tuple, dict, dict, dict]:
        summary = bulk.classify_many(ids, workers=workers, batch_size=2)
        counts = (summary.classified, summary.unchanged, summary.unclassified, summary.kept_editor, summary.changes)
        model.Session.remove()  # what the workers committed, not what this session holds
        stored = {package.id: dict(package.extras) for package in model.Session.query(model.Package)}
        shown = {package_id: call_action("package_show", id=package_id) for package_id in ids}
        return counts, stored, shown, {package_id: _document(package_id) for package_id in ids}

    _forget_classifier_themes(ids)  # both runs start from documents built alike
    alone = classified(workers=1)
    _forget_classifier_themes(ids)
    shared = classified(workers=2)

    assert shared == alone
    counts, stored, shown, _ = shared
    assert counts[:4] == (3, 0, 1, 1)
    assert stored[harvested["id"]]["themes"] == '["planification"]'
    assert shown[harvested["id"]]["themes"] == ["planification"]
    assert extra(shown[harvested["id"]], "harvest_source_title") == "Source source-de-test"


def test_workers_are_at_least_one(cli) -> None:
    result = _invoke(cli, "classify", "--all", "--workers", "0")
    assert result.exit_code == 2
    assert "--workers" in result.output


def test_a_copy_older_than_its_dataset_is_rebuilt_from_the_database(cli) -> None:
    """An update not yet searchable (the index not yet committed) must not
    be undone by classify reindexing the older copy."""
    dataset = make_dataset(title="PLU de Cartigny")
    package = model.Package.get(dataset["id"])
    package.title = "PLU de Cartigny, révision 2026"
    package.metadata_modified = datetime.datetime.utcnow()
    model.Session.commit()  # as an update whose indexing is not yet visible

    assert _invoke(cli, "classify", "--all").exit_code == 0

    document = _document(dataset["id"])
    assert document["title"] == "PLU de Cartigny, révision 2026"
    assert json.loads(document["validated_data_dict"])["themes"] == ["planification"]
