"""Deletions under the safety rules, `confirm-deletions`, unchanged records
skipped, the same record from two sources merged, and two fetch consumers
creating no duplicates."""

from __future__ import annotations

import os
import time

import pytest
from ckan.cli.cli import ckan
from ckan.tests import factories

from ckanext.ecologie.tests.harvest.servers import Answer
from ckanext.ecologie.tests.harvest.support import datasets_of, extra, harvest, make_source
from ckanext.ecologie.tests.harvest.support_catalogues import catalogue, dataset
from ckanext.ecologie.tests.helpers import HarvestConsumers, call

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


def _serve(server, path: str, body: bytes) -> str:
    return server.add(path, Answer(content_type="text/turtle", body=body))


def test_unchanged_records_are_not_rewritten(catalogue_server, harvest_consumers) -> None:
    source = make_source("ecologie_dcat", _serve(catalogue_server, "/c.ttl", catalogue(range(1, 6))))
    assert harvest(source, harvest_consumers)["stats"]["added"] == 5
    before = {title: dataset["metadata_modified"] for title, dataset in datasets_of(source).items()}

    job = harvest(source, harvest_consumers)

    assert job["stats"] == {"added": 0, "updated": 0, "not modified": 5, "errored": 0, "deleted": 0}
    assert {title: dataset["metadata_modified"] for title, dataset in datasets_of(source).items()} == before

    # one record changes: only that one is rewritten
    _serve(catalogue_server, "/c.ttl", catalogue([1, 2, 3, 4]) + dataset(5, title="Nouveau titre").encode())
    job = harvest(source, harvest_consumers)
    assert job["stats"]["updated"] == 1 and job["stats"]["not modified"] == 4, job
    after = datasets_of(source)
    assert "Nouveau titre" in after
    assert {title: after[title]["metadata_modified"] for title in before if title in after} == {
        title: value for title, value in before.items() if title != "Jeu de données 5"
    }


def test_small_share_gone_is_deleted(catalogue_server, harvest_consumers) -> None:
    source = make_source("ecologie_dcat", _serve(catalogue_server, "/c.ttl", catalogue(range(1, 11))))
    harvest(source, harvest_consumers)

    _serve(catalogue_server, "/c.ttl", catalogue(range(1, 10)))  # 1 of 10 gone: 10%, allowed
    job = harvest(source, harvest_consumers)

    assert job["stats"]["deleted"] == 1 and not job["gather_errors"], job
    assert "Jeu de données 10" not in datasets_of(source)
    assert len(datasets_of(source)) == 9


def test_large_share_gone_waits_for_confirmation(catalogue_server, harvest_consumers, cli) -> None:
    source = make_source("ecologie_dcat", _serve(catalogue_server, "/c.ttl", catalogue(range(1, 11))))
    harvest(source, harvest_consumers)

    _serve(catalogue_server, "/c.ttl", catalogue(range(1, 8)))  # 3 of 10 gone: more than 10%
    job = harvest(source, harvest_consumers)

    assert job["stats"]["deleted"] == 0
    assert job["gather_errors"] == [
        "3 of 10 datasets are gone from the source, more than the allowed share: "
        "they are kept until `ckan ecologie harvest confirm-deletions source-de-test`"
    ]
    assert len(datasets_of(source)) == 10

    result = cli.invoke(ckan, ["ecologie", "harvest", "confirm-deletions", "source-de-test"])
    assert result.exit_code == 0, result.output
    assert result.output == "3 deletions confirmed, 3 datasets deleted\n"
    assert sorted(datasets_of(source)) == [f"Jeu de données {number}" for number in range(1, 8)]
    # nothing left to confirm
    result = cli.invoke(ckan, ["ecologie", "harvest", "confirm-deletions", "source-de-test"])
    assert result.exit_code == 0
    assert result.output == "0 deletions confirmed, 0 datasets deleted\n"
    result = cli.invoke(ckan, ["ecologie", "harvest", "confirm-deletions", "no-such-source"])
    assert result.exit_code != 0


def test_a_configured_share_allows_more(catalogue_server, harvest_consumers) -> None:
    body = catalogue(range(1, 11))
    source = make_source("ecologie_dcat", _serve(catalogue_server, "/c.ttl", body), max_deletion_share=0.5)
    harvest(source, harvest_consumers)
    _serve(catalogue_server, "/c.ttl", catalogue(range(1, 8)))
    assert harvest(source, harvest_consumers)["stats"]["deleted"] == 3


def test_same_record_from_two_sources_is_merged(catalogue_server, harvest_consumers) -> None:
    """Two sources of one organisation (across organisations, only sources
    a sysadmin linked merge: test_ownership.py)."""
    first = make_source("ecologie_dcat", _serve(catalogue_server, "/a.ttl", catalogue(range(1, 4))), name="source-a")
    second = make_source(
        "ecologie_dcat",
        _serve(catalogue_server, "/b.ttl", catalogue(range(2, 5), url="https://mirror.example.test/copie.csv")),
        name="source-b",
        organization="source-a-org",
        max_deletion_share=0.5,
    )
    assert harvest(first, harvest_consumers)["stats"]["added"] == 3
    job = harvest(second, harvest_consumers)
    assert job["stats"]["updated"] == 2 and job["stats"]["added"] == 1, job

    found = call("package_search", q="*:*", rows=20)["results"]
    assert sorted(dataset["title"] for dataset in found) == [f"Jeu de données {n}" for n in range(1, 5)]
    merged = next(dataset for dataset in found if dataset["title"] == "Jeu de données 2")
    assert sorted(res["url"] for res in merged["resources"]) == [
        "https://files.example.test/2.csv",
        "https://mirror.example.test/copie.csv",
    ]
    assert extra(merged, "harvest_identifier") == "https://id.example.test/dataset/2"

    # gone from one source, still in the other: kept
    _serve(catalogue_server, "/b.ttl", catalogue(range(3, 5), url="https://mirror.example.test/copie.csv"))
    job = harvest(second, harvest_consumers)
    assert job["stats"]["deleted"] == 1
    assert call("package_show", id=merged["id"])["state"] == "active"


def test_two_fetch_consumers_create_no_duplicates(catalogue_server, request, clean_queues) -> None:
    from ckanext.harvest.queue import purge_queues

    purge_queues()
    numbers = range(1, 31)
    factories.Organization(name="producteur-commun")
    sources = [
        make_source(
            "ecologie_dcat",
            _serve(catalogue_server, f"/{name}.ttl", catalogue(numbers)),
            name=name,
            organization="producteur-commun",
        )
        for name in ("source-a", "source-b", "source-c")
    ]
    ini = os.path.abspath(request.config.getoption("ckan_ini"))
    log_dir = os.path.join(os.path.dirname(ini), "test-artifacts", "consumers-2")
    with HarvestConsumers(ini, log_dir, fetch_consumers=2) as consumers:
        jobs = [call("harvest_job_create", source_id=source["id"]) for source in sources]
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            consumers.assert_alive()
            call("harvest_jobs_run")
            statuses = [call("harvest_job_show", id=job["id"]) for job in jobs]
            if all(status["status"] == "Finished" for status in statuses):
                break
            time.sleep(0.5)
        consumers.assert_alive()

    # `harvest_jobs_run` queues again objects it sees waiting while a consumer
    # has just taken them: some are imported twice, and the import must hold.
    assert all(status["status"] == "Finished" for status in statuses)
    assert [(status["gather_error_summary"], status["object_error_summary"]) for status in statuses] == [([], [])] * 3
    found = call("package_search", q="*:*", rows=100)["results"]
    assert len(found) == 30
    assert sorted({extra(dataset, "harvest_identifier") for dataset in found}) == sorted(
        f"https://id.example.test/dataset/{number}" for number in numbers
    )
    # all in the sources' organisation
    assert {dataset["organization"]["name"] for dataset in found} == {"producteur-commun"}
