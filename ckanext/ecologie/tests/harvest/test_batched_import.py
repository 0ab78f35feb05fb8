"""The batched import (one fetch-queue message per batch, batching.py)
stores what the one-message-per-record import stores: the same catalogue
harvested both ways gives equal datasets, search documents and activities."""

from __future__ import annotations

import datetime
import json
import os
import re
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
import pytest
from ckan.lib import search
from ckan.tests import factories
from ckanext.harvest.model import HarvestJob, HarvestObject
from ckanext.harvest.queue import purge_queues

from ckanext.ecologie.harvest import batching
from ckanext.ecologie.harvest.batching import BATCHED
from ckanext.ecologie.tests.conftest import empty_database
from ckanext.ecologie.tests.harvest.servers import Answer
from ckanext.ecologie.tests.harvest.support import extra, harvest, make_aggregator, make_source
from ckanext.ecologie.tests.harvest.support_catalogues import PREFIXES, RESTRICTED, dataset
from ckanext.ecologie.tests.helpers import HarvestConsumers, call

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

RECORDS = 120
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# Times of the run itself, Solr's own bookkeeping, and index_id (a hash of
# the dataset's id, new in each run like the id).
VOLATILE = {
    "metadata_created",
    "metadata_modified",
    "created",
    "last_modified",
    "indexed_ts",
    "_version_",
    "timestamp",
    "index_id",
}


def _catalogue() -> bytes:
    records = [
        dataset(
            number,
            access=RESTRICTED if number % 7 == 0 else None,
            publisher=("DREAL Occitanie", "Office français de la biodiversité", "Commune d'Évian")[number % 3],
        )
        for number in range(1, RECORDS + 1)
    ]
    return (PREFIXES + "".join(records)).encode()


def _stable(value: Any, held_in_json: bool = False) -> Any:
    """Ids of this run become `<uuid>`, times go; JSON held in a string (the
    search document's data_dict) is compared as what it holds, its extras
    sorted."""
    if isinstance(value, dict):
        stable = {key: _stable(item, held_in_json) for key, item in value.items() if key not in VOLATILE}
        if held_in_json and isinstance(stable.get("extras"), list):
            # a set of keys: CKAN's document lists them in the order they were
            # added before the import's commit, in the database's order after
            # it (as `ckan search-index rebuild` does); batches index after it
            stable["extras"] = sorted(stable["extras"], key=lambda extra: extra["key"])
        return stable
    if isinstance(value, list):
        return [_stable(item, held_in_json) for item in value]
    if isinstance(value, str):
        if value[:1] in "{[":
            try:
                return _stable(json.loads(value), held_in_json=True)
            except ValueError:
                pass
        return UUID.sub("<uuid>", value)
    return value


def _snapshot(source: dict[str, Any]) -> dict[str, Any]:
    found = call("package_search", fq=f"harvest_source_id:{source['id']}", rows=1000, include_private=True)
    snapshot = {}
    for result in found["results"]:
        # From the database: CKAN serves package_show from the index's copy
        # unless metadata_modified differs, and it does for about one dataset
        # in 1,000 whatever the path (a time in the first millisecond of a
        # second is "…:03Z" in Solr, "…:03.000101" in PostgreSQL), which
        # drops ckanext-harvest's `harvest_*` extras. The index's copy is
        # compared below, with the document.
        shown = tk.get_action("package_show")({"ignore_auth": True, "use_cache": False}, {"id": result["id"]})
        activities = call("package_activity_list", id=result["id"], include_hidden_activity=True)
        snapshot[extra(shown, "harvest_identifier")] = {
            "dataset": _stable(shown),
            "document": _stable(search.show(result["id"])),
            "activities": _stable([[item["activity_type"], item["data"]] for item in activities]),
        }
    return snapshot


def _assert_equal(found: Any, expected: Any, where: str) -> None:
    if isinstance(expected, dict) and isinstance(found, dict):
        assert sorted(found) == sorted(expected), where
        for key in expected:
            _assert_equal(found[key], expected[key], f"{where}.{key}")
    else:
        assert found == expected, where


def _harvest_with_batches_of(size: int, ini_dir, base_ini: str, url: str) -> tuple[dict[str, Any], int]:
    """The catalogue harvested by consumers importing `size` records per
    message; the snapshot, and how many objects came through the queue (the
    stock consumer counts a delivery in `retry_times`)."""
    purge_queues()
    ini = ini_dir / f"batch-{size}.ini"
    ini.write_text(
        f"[app:main]\nuse = config:{base_ini}\nckanext.ecologie.harvest.import_batch_size = {size}\n",
        encoding="utf-8",
    )
    log_dir = os.path.join(os.path.dirname(base_ini), "test-artifacts", f"consumers-batch-{size}")
    source = make_aggregator("ecologie_dcat", url, name="agregateur")
    with HarvestConsumers(str(ini), log_dir, fetch_consumers=2) as consumers:
        job = harvest(source, consumers)
    assert job["stats"] == {"added": RECORDS, "updated": 0, "not modified": 0, "errored": 0, "deleted": 0}
    assert (job["gather_errors"], job["object_errors"]) == ([], {})
    delivered = model.Session.query(HarvestObject).filter(HarvestObject.retry_times > 0).count()
    return _snapshot(source), delivered


def test_batches_store_what_one_record_per_message_stores(
    request, tmp_path, catalogue_server, clean_queues, reset_db, migrate_db_for
) -> None:
    url = catalogue_server.add("/catalogue.ttl", Answer(content_type="text/turtle", body=_catalogue()))
    base_ini = os.path.abspath(request.config.getoption("ckan_ini"))

    one_by_one, delivered_one_by_one = _harvest_with_batches_of(1, tmp_path, base_ini, url)
    empty_database(reset_db, migrate_db_for)
    search.clear_all()
    batched, delivered_batched = _harvest_with_batches_of(50, tmp_path, base_ini, url)

    assert len(one_by_one) == RECORDS
    assert delivered_one_by_one == RECORDS
    # 3 leaders for 120 records; `harvest_jobs_run` may queue again a few
    # objects claimed a moment before their import started.
    assert 3 <= delivered_batched < RECORDS // 4
    assert sorted(batched) == sorted(one_by_one)
    for identifier, stored in one_by_one.items():
        for part in ("dataset", "document", "activities"):
            _assert_equal(batched[identifier][part], stored[part], f"{identifier} {part}")
    # ckanext-harvest's extras, in every document of both paths
    for snapshot in (one_by_one, batched):
        documents = [stored["document"]["validated_data_dict"] for stored in snapshot.values()]
        assert {extra(document, "harvest_source_title") for document in documents} == {"Source agregateur"}
    restricted = one_by_one["https://id.example.test/dataset/7"]["dataset"]
    assert restricted["access_rights"] == "restricted"
    assert [activity[0] for activity in one_by_one["https://id.example.test/dataset/7"]["activities"]] == [
        "new package"
    ]


def _objects(job_id: str, states: list[tuple[str, datetime.datetime | None]]) -> list[str]:
    job = HarvestJob.get(job_id)
    started = datetime.datetime.utcnow() - datetime.timedelta(hours=1)
    ids = []
    for number, (state, fetch_started) in enumerate(states):
        harvest_object = HarvestObject(
            guid=f"https://id.example.test/dataset/{number}",
            job=job,
            state=state,
            fetch_started=fetch_started,
            gathered=started + datetime.timedelta(seconds=number),
        )
        model.Session.add(harvest_object)
        model.Session.flush()
        ids.append(harvest_object.id)
    model.Session.commit()
    return ids


def _job(name: str) -> dict[str, Any]:
    source = make_source("ecologie_dcat", f"https://{name}.example.test/catalogue.ttl", name=name)
    return call("harvest_job_create", source_id=source["id"])


def _states(ids: list[str]) -> list[str]:
    model.Session.expire_all()
    return [HarvestObject.get(object_id).state for object_id in ids]


def test_a_batch_whose_consumer_was_killed_gets_a_new_leader(app, clean_queues) -> None:
    """The consumer draining a job died in an import (its object stays
    IMPORT, as with the stock consumer): `harvest_jobs_run` queues one of
    the waiting objects, whose consumer drains the others."""
    stalled_job = _job("source-a")
    long_ago = datetime.datetime.utcnow() - batching.STALLED_AFTER - datetime.timedelta(minutes=1)
    stalled = _objects(stalled_job["id"], [("IMPORT", long_ago), (BATCHED, None), (BATCHED, None), (BATCHED, None)])
    busy_job = _job("source-b")
    busy = _objects(busy_job["id"], [("IMPORT", datetime.datetime.utcnow()), (BATCHED, None)])
    queued_job = _job("source-c")
    queued = _objects(queued_job["id"], [("WAITING", None), (BATCHED, None)])

    outsider = factories.User()
    response = app.post(
        "/api/3/action/harvest_jobs_run",
        json={},
        headers={"Authorization": factories.APIToken(user=outsider["name"])["token"]},
    )
    assert response.status_code == 403
    assert _states(stalled) == ["IMPORT", BATCHED, BATCHED, BATCHED]

    call("harvest_jobs_run")

    assert _states(stalled) == ["IMPORT", "WAITING", BATCHED, BATCHED]
    assert _states(busy) == ["IMPORT", BATCHED]
    assert _states(queued) == ["WAITING", BATCHED]


@pytest.mark.ckan_config("ckanext.ecologie.harvest.import_batch_size", 3)
def test_a_leader_imports_one_batch_not_the_whole_job(clean_queues) -> None:
    """A leader's message stays unacknowledged while it drains, and
    ckanext-harvest queues again one older than 3 minutes: a leader takes
    the batch's other records (2 here), oldest first, and leaves the rest
    to the job's other leaders."""
    job = _job("source-a")
    waiting = _objects(job["id"], [(BATCHED, None)] * 5)
    imported: list[str] = []

    batching.drain(job["id"], lambda harvest_object: imported.append(harvest_object.id))

    assert imported == waiting[:2]
    assert _states(waiting) == ["WAITING", "WAITING", BATCHED, BATCHED, BATCHED]
