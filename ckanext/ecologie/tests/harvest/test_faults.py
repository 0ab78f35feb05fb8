"""A harvest job whose search server dies, or whose database goes away for a
few seconds, in the middle: the job ends with its errors recorded, no
dataset is lost or half-written, the consumers keep running, and the next
job catches up once the service is back."""

from __future__ import annotations

import contextlib
import os
import time
from typing import ClassVar

import ckan.plugins.toolkit as tk
import pytest
import sqlalchemy as sa
from ckan import model
from ckanext.harvest.queue import purge_queues
from sqlalchemy.pool import NullPool

from ckanext.ecologie.tests.harvest.servers import Answer
from ckanext.ecologie.tests.harvest.support import make_source
from ckanext.ecologie.tests.harvest.support_catalogues import PREFIXES, catalogue, dataset
from ckanext.ecologie.tests.helpers import HarvestConsumers, call, run_harvest_job
from ckanext.ecologie.tests.resilience.solr import OwnSolr

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_queues")

ARTIFACTS = os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "test-artifacts", "consumers-faults")

FIRST = range(1, 101)  # harvested whole before the fault
SECOND = range(1, 251)  # all of them changed, and 150 new ones


def _import_failed(error: str) -> str:
    return f"The record could not be imported ({error}): see the fetch consumer's log"


class SolrDies:
    """Killed as a crash would, started again later. The consumers live
    through it."""

    consumers_may_exit = False

    errors: ClassVar[set[str]] = {
        _import_failed("SearchIndexError"),
        # a batch's imports committed, its request refused (batch_index.py)
        "The dataset was saved but not indexed (SearchIndexError): see the fetch consumer's log; "
        "the next harvest indexes it",
    }

    def __init__(self, solr: OwnSolr) -> None:
        self.solr = solr

    def begin(self) -> None:
        self.solr.kill()

    def end(self) -> None:
        self.solr.start()


class DatabaseGoesAway:
    """For a few seconds, as a restart or a failover: every open connection
    of the test database is cut and new ones are refused. An import waits
    for the database; a fetch consumer cut in ckanext-harvest's own steps
    exits, and is restarted as its supervisor would; a record it left
    half-way is given up by the job timeout (`ckan.harvest.timeout`)."""

    consumers_may_exit = True

    errors: ClassVar[set[str]] = {
        _import_failed(name) for name in ("OperationalError", "PendingRollbackError", "InternalError")
    }

    def begin(self) -> None:
        url = sa.engine.make_url(tk.config["sqlalchemy.url"])
        # from another database of the server: one cannot lock itself out
        engine = sa.create_engine(url.set(database="postgres"), poolclass=NullPool, isolation_level="AUTOCOMMIT")
        name = engine.dialect.identifier_preparer.quote(url.database)
        model.Session.remove()  # this test's own connection goes back to the pool, cut there as the others
        with engine.connect() as connection:
            connection.execute(sa.text(f"ALTER DATABASE {name} WITH ALLOW_CONNECTIONS false"))
            try:
                connection.execute(
                    # the clients of this role: autovacuum workers are the server's own
                    sa.text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                        " WHERE datname = :name AND usename = current_user"
                    ),
                    {"name": url.database},
                )
                time.sleep(3)
            finally:
                connection.execute(sa.text(f"ALTER DATABASE {name} WITH ALLOW_CONNECTIONS true"))
        engine.dispose()

    def end(self) -> None:
        pass


def _edition_2(numbers: range) -> bytes:
    return (
        PREFIXES + "".join(dataset(number, title=f"Jeu de données {number}, édition 2") for number in numbers)
    ).encode()


def _scalar(sql: str, **params: str) -> int:
    with model.meta.engine.connect() as connection:  # a fresh transaction sees the consumers' commits
        return connection.execute(sa.text(sql), params).scalar_one()


def _identifier(number: int) -> str:
    return f"https://id.example.test/dataset/{number}"


def _object_errors(job_id: str) -> dict[str, str]:
    """The import errors of a job's records, by identifier. (Its stats may
    count a few more: ckanext-harvest's `harvest_jobs_run` can queue an object
    twice, and a copy delivered after the job ends marks it errored without
    an error message.)"""
    report = call("harvest_job_report", id=job_id)
    return {
        value["guid"]: "; ".join(error["message"] for error in value["errors"])
        for value in report["object_errors"].values()
    }


def _object_states(job_id: str) -> dict[str, tuple[str, bool]]:
    """The state of each of a job's records, and whether it was imported
    (made current in the transaction that writes its dataset), by identifier."""
    rows = model.Session.execute(
        sa.text("SELECT guid, state, current FROM harvest_object WHERE harvest_job_id = :job"), {"job": job_id}
    )
    return {row.guid: (row.state, row.current) for row in rows}


def _timed_out(job_id: str) -> bool:
    return any("timeout" in error["message"] for error in call("harvest_job_report", id=job_id)["gather_errors"])


def _imported(job_id: str) -> int:
    return _scalar("SELECT count(*) FROM harvest_object WHERE harvest_job_id = :job AND state = 'COMPLETE'", job=job_id)


def _titles_in_database(source_id: str) -> dict[str, str]:
    rows = model.Session.execute(
        sa.text(
            "SELECT r.identifier, p.title FROM ecologie_harvest_record r JOIN package p ON p.id = r.package_id"
            " WHERE r.source_id = :source AND p.state = 'active'"
        ),
        {"source": source_id},
    )
    return dict(rows.all())


def _ids_in_index() -> set[str]:
    found = call("package_search", fq="dataset_type:dataset", rows=1000, fl="id", include_private=True)
    return {item["id"] for item in found["results"]}


def _ids_in_database() -> set[str]:
    return {row.id for row in model.Session.query(model.Package.id).filter_by(type="dataset", state="active")}


def _consumers_ini(tmp_path, solr_url: str, pytest_ini: str) -> str:
    ini = tmp_path / "consumers.ini"
    ini.write_text(f"[app:main]\nuse = config:{os.path.abspath(pytest_ini)}\nsolr_url = {solr_url}\n")
    return str(ini)


@pytest.mark.parametrize("fault", ["solr", "database"])
def test_a_fault_mid_harvest_loses_nothing_and_the_next_job_catches_up(
    request, tmp_path, catalogue_server, own_solr, fault, ckan_config, monkeypatch
) -> None:
    outage = SolrDies(own_solr) if fault == "solr" else DatabaseGoesAway()
    monkeypatch.setitem(ckan_config, "ckan.harvest.timeout", "1")  # minutes without progress
    purge_queues()
    url = catalogue_server.add("/c.ttl", Answer(content_type="text/turtle", body=catalogue(FIRST)))
    source = make_source("ecologie_dcat", url)
    ini = _consumers_ini(tmp_path, own_solr.url, request.config.getoption("ckan_ini"))
    with HarvestConsumers(ini, os.path.join(ARTIFACTS, fault)) as consumers:
        first = run_harvest_job(source["id"], consumers)
        assert _object_errors(first["id"]) == {}
        before = _titles_in_database(source["id"])
        assert before == {_identifier(n): f"Jeu de données {n}" for n in FIRST}

        # every record changes, 150 are new; the fault strikes after 40 imports
        catalogue_server.add("/c.ttl", Answer(content_type="text/turtle", body=_edition_2(SECOND)))
        job = call("harvest_job_create", source_id=source["id"])
        deadline = time.monotonic() + 300
        while _imported(job["id"]) < 40:
            assert time.monotonic() < deadline, "the job did not import 40 records"
            call("harvest_jobs_run", source_id=source["id"])
            time.sleep(0.5)
        outage.begin()
        restarts = 0
        while call("harvest_job_show", id=job["id"])["status"] != "Finished":
            assert time.monotonic() < deadline, "the job did not end"
            restarts += consumers.restart_exited()
            # its last step, the reindex of the source, needs Solr: cron sees an error
            with contextlib.suppress(Exception):
                call("harvest_jobs_run", source_id=source["id"])
            time.sleep(0.5)
        restarts += consumers.restart_exited()
        assert restarts == 0 or outage.consumers_may_exit

        assert set(_object_errors(job["id"]).values()) <= outage.errors
        states = _object_states(job["id"])
        assert set(states) == {_identifier(n) for n in SECOND}
        # a record still on its way when the job ended was given up by the timeout
        given_up = {identifier for identifier, (state, _) in states.items() if state not in ("COMPLETE", "ERROR")}
        assert not given_up or _timed_out(job["id"]), given_up
        # nothing lost, nothing half-written: a record imported has its new
        # edition, any other keeps its old dataset (or has none yet)
        after = _titles_in_database(source["id"])
        for number in SECOND:
            identifier = _identifier(number)
            _, imported = states[identifier]
            if imported:
                assert after[identifier] == f"Jeu de données {number}, édition 2", identifier
            else:
                assert after.get(identifier) == before.get(identifier), identifier

        # the service is back: the next job retries what failed, and the index matches the database
        outage.end()
        caught_up = run_harvest_job(source["id"], consumers, timeout=240)
        consumers.assert_alive()
    assert _object_errors(caught_up["id"]) == {}
    assert _titles_in_database(source["id"]) == {_identifier(n): f"Jeu de données {n}, édition 2" for n in SECOND}
    assert _ids_in_index() == _ids_in_database()
    assert len(_ids_in_database()) == len(SECOND)
