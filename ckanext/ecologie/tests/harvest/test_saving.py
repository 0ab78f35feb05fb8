"""While the importer saves a dataset (saving.py): a harvested update is in
the dataset's activity stream, as a stock harvester's is; package_show reads
the database without asking Solr for a copy first, so the activity records
the dataset as stored and the import sends no search request."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
import pytest
import sqlalchemy as sa
from ckan.lib import search
from ckan.lib.dictization import model_dictize
from ckan.tests import factories

from ckanext.ecologie.contexts import site_context
from ckanext.ecologie.harvest import saving
from ckanext.ecologie.harvest.importer import _save
from ckanext.ecologie.tests.harvest.servers import Answer
from ckanext.ecologie.tests.harvest.support import datasets_of, harvest, make_source
from ckanext.ecologie.tests.harvest.support_catalogues import PREFIXES
from ckanext.ecologie.tests.harvest.support_catalogues import dataset as record
from ckanext.ecologie.tests.helpers import call, make_dataset

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


class _Reads:
    """Counts, while a dataset is saved, CKAN's lookups of a dataset in the
    search index (package_show's `search.show`, each still sent to Solr) and
    its reads of a dataset from the database (`package_dictize`)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.lookups = self.dictized = 0
        real_show, real_dictize = search.show, model_dictize.package_dictize

        def show(*args: Any) -> dict[str, Any]:
            self.lookups += 1
            return real_show(*args)

        def dictize(*args: Any) -> dict[str, Any]:
            self.dictized += 1
            return real_dictize(*args)

        monkeypatch.setattr(search, "show", show)
        monkeypatch.setattr(model_dictize, "package_dictize", dictize)

    def during(self, save: Callable[[], str]) -> tuple[str, tuple[int, int]]:
        lookups, dictized = self.lookups, self.dictized
        dataset_id = save()
        model.Session.commit()
        return dataset_id, (self.lookups - lookups, self.dictized - dictized)


def _from_the_database(dataset_id: str) -> dict[str, Any]:
    return tk.get_action("package_show")({"ignore_auth": True, "use_cache": False}, {"id": dataset_id})


def _activities(dataset_id: str) -> list[tuple[str, dict[str, Any]]]:
    """The dataset's activities, newest first: their type and the dataset they hold."""
    return [
        (activity["activity_type"], activity["data"]["package"])
        # the site user's activities are hidden by default (ckan.hide_activity_from_users)
        for activity in call("package_activity_list", id=dataset_id, include_hidden_activity=True)
    ]


def test_package_show_reads_the_database_while_saving() -> None:
    dataset = make_dataset(title="Relevés piézométriques")
    # the row changes behind the index, its modification time kept: the
    # indexed copy still looks current to package_show
    model.Session.execute(
        sa.update(model.package_table)
        .where(model.package_table.c.id == dataset["id"])
        .values(title="Relevés piézométriques 2024")
    )
    model.Session.commit()

    def title() -> str:
        return tk.get_action("package_show")({"ignore_auth": True}, {"id": dataset["id"]})["title"]

    assert title() == "Relevés piézométriques"  # the index's copy
    with saving.saving():
        assert title() == "Relevés piézométriques 2024"
    assert title() == "Relevés piézométriques"


def _dataset(name: str, owner_org: str, **fields: str) -> dict[str, Any]:
    return {"name": name, "title": "Stations de mesure de la qualité de l'air", "owner_org": owner_org, **fields}


def test_an_import_asks_solr_nothing_and_records_each_change(monkeypatch) -> None:
    organization = factories.Organization()
    reads = _Reads(monkeypatch)

    stock_id, by_stock = reads.during(
        lambda: tk.get_action("package_create")(
            {**site_context(), "return_id_only": True}, _dataset("stations-air", organization["id"])
        )
    )
    imported_id, by_import = reads.during(lambda: _save(_dataset("stations-air-bis", organization["id"])))
    for dataset_id in (stock_id, imported_id):
        assert _activities(dataset_id) == [("new package", _from_the_database(dataset_id))]

    def update(notes: str) -> tuple[int, int]:
        existing = tk.get_action("package_show")(site_context(), {"id": imported_id})  # as the importer reads it
        changed = _dataset("stations-air-bis", organization["id"], id=imported_id, notes=notes)
        return reads.during(lambda: _save(changed, existing))[1]

    by_update = update("Révisé")
    assert [kind for kind, _ in _activities(imported_id)] == ["changed package", "new package"]
    assert _activities(imported_id)[0][1] == _from_the_database(imported_id)
    assert _from_the_database(imported_id)["notes"] == "Révisé"

    by_same = update("Révisé")  # nothing changes: no activity
    assert [kind for kind, _ in _activities(imported_id)] == ["changed package", "new package"]

    # (lookups in the index, reads from the database). Stock indexes at once:
    # the read for the indexing, then the activity's lookup finds that copy.
    # The import indexes after its commit: no lookup (it would find nothing);
    # a creation or an update is read for the activity and for the indexing
    # (the dataset as it was is the importer's), an unchanged save for the
    # indexing only.
    assert (by_stock, by_import, by_update, by_same) == ((1, 1), (0, 2), (0, 2), (0, 1))


def test_a_changed_record_is_in_its_datasets_activity_stream(catalogue_server, harvest_consumers) -> None:
    def serve(title_of_2: str) -> None:
        body = (PREFIXES + record(1) + record(2, title=title_of_2) + record(3)).encode()
        catalogue_server.add("/catalog.ttl", Answer(status=200, content_type="text/turtle", body=body))

    serve("Jeu de données 2")
    source = make_source("ecologie_dcat", catalogue_server.url + "/catalog.ttl")
    assert harvest(source, harvest_consumers)["stats"]["added"] == 3
    serve("Jeu de données 2, révisé")
    job = harvest(source, harvest_consumers)
    assert job["stats"] == {"added": 0, "updated": 1, "not modified": 2, "errored": 0, "deleted": 0}, job

    found = datasets_of(source)
    kinds = {title: [kind for kind, _ in _activities(found[title]["id"])] for title in found}
    assert kinds == {
        "Jeu de données 1": ["new package"],
        "Jeu de données 2, révisé": ["changed package", "new package"],
        "Jeu de données 3": ["new package"],
    }
    changed_id = found["Jeu de données 2, révisé"]["id"]
    assert _activities(changed_id)[0][1] == _from_the_database(changed_id)


def test_package_show_stays_open_to_get(app) -> None:
    dataset = make_dataset(title="Relevés piézométriques")
    response = app.get("/api/3/action/package_show", query_string={"id": dataset["id"]})
    assert response.status_code == 200
    assert response.json["result"]["id"] == dataset["id"]
