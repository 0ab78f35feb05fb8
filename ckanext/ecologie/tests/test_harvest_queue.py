"""A DCAT file served on 127.0.0.1 is harvested through the Redis queues by
the stock gather and fetch consumers, and its datasets become searchable."""

from __future__ import annotations

import pytest

from ckanext.ecologie.tests.helpers import call, make_fixture_catalogue_source, run_harvest_job


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
def test_dcat_file_is_harvested_through_the_queues(fixture_server, harvest_consumers) -> None:
    org, source = make_fixture_catalogue_source(fixture_server)

    job = run_harvest_job(source["id"], harvest_consumers)

    assert job["stats"].get("added") == 3, job
    assert not job["stats"].get("errored"), job
    found = call("package_search", q="*:*", fq=f"harvest_source_id:{source['id']}", rows=10)
    titles = sorted(dataset["title"] for dataset in found["results"])
    assert titles == [
        "Aménagements cyclables de test",
        "Linéaire de haies bocagères de test",
        "Stations hydrométriques de test",
    ]
    assert all(dataset["owner_org"] == org["id"] for dataset in found["results"])
    assert call("package_search", q="bocagères")["count"] == 1
