"""`ckan ecologie doctor`: with every service up and the consumers running,
every line is OK and the exit status 0; Solr down is a FAIL naming the fix
(exit 1); missing consumers, messages waiting for them, sources that never
ran, stuck jobs and jobs with errors are said, with the command to type."""

from __future__ import annotations

import datetime
import json
import os
import socket
import time

import ckan.model as model
import pytest
from alembic.script import ScriptDirectory
from ckan.cli.cli import ckan
from ckan.lib import search
from ckan.tests import factories
from ckanext.harvest import queue
from ckanext.harvest.model import HarvestJob
from sqlalchemy.engine import make_url

from ckanext.ecologie.doctor import config_checks, harvest_checks, service_checks
from ckanext.ecologie.doctor.harvest_checks import queue_client
from ckanext.ecologie.harvest.queue_connection import consumer_client_name
from ckanext.ecologie.tests.helpers import call, make_dataset, make_fixture_catalogue_source, run_harvest_job

pytestmark = pytest.mark.usefixtures("with_plugins", "with_extended_cli", "clean_db", "clean_index")

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))


@pytest.fixture(autouse=True)
def _in_the_checkout(monkeypatch) -> None:
    """The consumers' fix names tools/services.sh when run from a checkout."""
    monkeypatch.chdir(ROOT)


def _doctor(cli, *args: str):
    return cli.invoke(ckan, ["ecologie", "doctor", *args])


def _ini(ckan_config) -> str:
    return ckan_config["__file__"]


def _result_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith(("OK ", "WARN ", "FAIL "))]


def _line_and_fix(output: str, check: str) -> list[str]:
    """The result line of a check and the fix line under it, if any."""
    lines = output.splitlines()
    for number, line in enumerate(lines):
        if line.split("  ", 1)[-1].startswith(f"{check}: "):
            following = lines[number + 1] if number + 1 < len(lines) else ""
            return [line, following] if following.startswith("      fix: ") else [line]
    raise AssertionError(f"no {check} line in:\n{output}")


def _wait_for_idle_consumers(site_id: str, timeout: float = 60) -> None:
    """Until one gather and one fetch consumer of the site wait on BLPOP (a
    consumer connects a few seconds after its process starts)."""
    names = {consumer_client_name(kind, site_id) for kind in ("gather", "fetch")}
    client = queue_client()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        waiting = {info["name"] for info in client.client_list() if info.get("cmd") == "blpop"}
        if names <= waiting:
            return
        time.sleep(0.5)
    raise AssertionError(f"consumers {sorted(names)} not waiting on their queue after {timeout} s")


def _shown(value: str) -> str:
    return f"{datetime.datetime.fromisoformat(value):%Y-%m-%d %H:%M} UTC"


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_all_is_well(cli, ckan_config, fixture_server, harvest_consumers, smtp_server) -> None:
    _, source = make_fixture_catalogue_source(fixture_server)
    job = run_harvest_job(source["id"], harvest_consumers)
    site = ckan_config["ckan.site_id"]
    _wait_for_idle_consumers(site)

    result = _doctor(cli)

    database = make_url(ckan_config["sqlalchemy.url"]).render_as_string(hide_password=True)
    solr = ckan_config["solr_url"]
    queue_host = f"{ckan_config['ckan.harvest.mq.hostname']}:{ckan_config['ckan.harvest.mq.port']}"
    assert result.exit_code == 0, result.output
    assert _result_lines(result.output) == [
        "OK    config.options: ckan.site_url, solr_url, ckan.redis.url, sqlalchemy.url are set",
        "OK    config.plugins: ckan.plugins holds what our plugins need, in a working order",
        "OK    config.dcat: ckanext.dcat.rdf.profiles = euro_dcat_ap_3 dcat_ap_fr",
        "OK    config.proconnect: discovery URL, client id and secret are set",
        f"OK    config.mail: feedback goes to equipe@example.org through {ckan_config['smtp.server']}",
        f"OK    config.harvest: harvest queues on Redis ({queue_host} db {ckan_config['ckan.harvest.mq.redis_db']})",
        f"OK    database: PostgreSQL answers ({database})",
        "OK    migrations: core, ecologie, harvest, activity: no pending migration",
        # the three datasets and the harvest source, itself a dataset
        f"OK    solr: {solr} answers, schema ckan-2.12, 4 datasets of this site indexed",
        f"OK    redis: {ckan_config['ckan.redis.url']} answers",
        "OK    openid: the discovery document answers (issuer http://127.0.0.1:8089/proconnect)",
        f"OK    smtp: {ckan_config['smtp.server']} answers",
        f"OK    consumers.gather: 1 gather consumer connected for site {site} (waiting for work)",
        f"OK    consumers.fetch: 1 fetch consumer connected for site {site} (waiting for work)",
        "OK    queues: gather 0 waiting, 0 in progress; fetch 0 waiting, 0 in progress",
        f"OK    harvest.source catalogue-de-test: last job finished {_shown(job['finished'])}"
        " (3 added, 0 updated, 0 not modified, 0 deleted)",
    ]
    assert result.output.splitlines()[-1] == "16 OK, 0 WARN, 0 FAIL"
    assert "fix:" not in result.output

    as_json = json.loads(_doctor(cli, "--json").stdout)
    assert as_json["status"] == "OK"
    assert [check["check"] for check in as_json["checks"] if check["status"] != "OK"] == []


def test_solr_down_fails_with_its_fix(cli, ckan_config, monkeypatch) -> None:
    url = f"http://127.0.0.1:{_closed_port()}/solr/ckan"
    monkeypatch.setitem(ckan_config, "solr_url", url)

    result = _doctor(cli)

    assert result.exit_code == 1, result.output
    assert _line_and_fix(result.output, "solr") == [
        f"FAIL  solr: {url} does not answer (cannot connect)",
        f"      fix: start Solr, or set solr_url in {_ini(ckan_config)} to the CKAN core",
    ]
    # the in-process check says the same
    assert service_checks.solr(None).message == f"{url} does not answer (cannot connect)"


@pytest.mark.usefixtures("clean_queues")
def test_no_consumer_and_waiting_messages(cli, ckan_config) -> None:
    site = ckan_config["ckan.site_id"]
    ini = _ini(ckan_config)
    queue_client().rpush(queue.get_fetch_routing_key(), json.dumps({"harvest_object_id": "waiting-object"}))
    try:
        result = _doctor(cli)
    finally:
        queue.purge_queues()

    assert result.exit_code == 1, result.output
    for kind in ("gather", "fetch"):
        assert _line_and_fix(result.output, f"consumers.{kind}") == [
            f"FAIL  consumers.{kind}: no {kind} consumer connected for site {site}",
            f"      fix: start one under your supervisor: ckan -c {ini} harvester {kind}-consumer"
            f" (development: tools/services.sh consumers {ini})",
        ]
    assert _line_and_fix(result.output, "queues") == [
        "WARN  queues: 1 waiting in the fetch queue and no fetch consumer is connected"
        " (gather 0 waiting, 0 in progress; fetch 1 waiting, 0 in progress)",
        f"      fix: start one under your supervisor: ckan -c {ini} harvester fetch-consumer"
        f" (development: tools/services.sh consumers {ini})",
    ]


def test_a_source_whose_last_job_had_errors_is_named(cli, ckan_config, fixture_server, harvest_consumers) -> None:
    source = call(
        "harvest_source_create",
        name="catalogue-absent",
        title="Catalogue absent",
        url=f"{fixture_server.url}/dcat/no-such-file.ttl",
        source_type="dcat_rdf",
        owner_org=factories.Organization()["id"],
    )
    job = run_harvest_job(source["id"], harvest_consumers)
    assert job["stats"]["errored"] == 1, job

    result = _doctor(cli)

    assert _line_and_fix(result.output, "harvest.source catalogue-absent") == [
        f"WARN  harvest.source catalogue-absent: last job finished {_shown(job['finished'])} with 1 error"
        " (0 added, 0 updated, 0 not modified, 0 deleted)",
        f"      fix: ckan -c {_ini(ckan_config)} ecologie harvest report catalogue-absent",
    ]


def _source(org: dict, name: str, **fields: str) -> dict:
    """A DCAT source that no job has read (its URL answers nothing)."""
    return call(
        "harvest_source_create",
        name=name,
        title=name,
        url=f"https://example.org/{name}.ttl",
        source_type="dcat_rdf",
        owner_org=org["id"],
        **fields,
    )


def test_sources_that_never_ran_or_are_stuck(cli, ckan_config) -> None:
    ini = _ini(ckan_config)
    org = factories.Organization()
    created = {}
    for name, frequency in (("jamais-lancee", "MANUAL"), ("bloquee", "WEEKLY"), ("hebdomadaire", "WEEKLY")):
        created[name] = _source(org, name, frequency=frequency)
    stuck = call("harvest_job_create", source_id=created["bloquee"]["id"], run=False)
    two_days_ago = datetime.datetime.utcnow() - datetime.timedelta(days=2)
    model.Session.get(HarvestJob, stuck["id"]).created = two_days_ago
    model.Session.commit()

    result = _doctor(cli, "--stuck-hours", "24")

    assert _line_and_fix(result.output, "harvest.source jamais-lancee") == [
        "WARN  harvest.source jamais-lancee: never harvested (frequency MANUAL)",
        f"      fix: ckan -c {ini} harvester job jamais-lancee",
    ]
    assert _line_and_fix(result.output, "harvest.source hebdomadaire") == [
        "WARN  harvest.source hebdomadaire: never harvested although due WEEKLY",
        f"      fix: put `ckan -c {ini} harvester run` in cron, every few minutes",
    ]
    assert _line_and_fix(result.output, "harvest.source bloquee") == [
        f"WARN  harvest.source bloquee: job New since {two_days_ago:%Y-%m-%d %H:%M} UTC, more than 24 h",
        f"      fix: put `ckan -c {ini} harvester run` in cron (it finishes jobs); if it is,"
        f" ckan -c {ini} harvester job-abort bloquee",
    ]


def test_sources_past_the_listing_limit_are_said(ckan_config, monkeypatch) -> None:
    org = factories.Organization()
    for name in ("premiere", "seconde"):
        _source(org, name)
    monkeypatch.setitem(ckan_config, "ckan.harvest.harvest_source_limit", 1)

    results = harvest_checks.sources(datetime.timedelta(hours=24))

    assert [(result.status.value, result.check, result.message, result.fix) for result in results] == [
        (
            "WARN",
            "harvest.source seconde",
            "never harvested (frequency MANUAL)",
            f"ckan -c {_ini(ckan_config)} harvester job seconde",
        ),
        (
            "WARN",
            "harvest.sources",
            "only the 1 most recent sources were checked",
            "raise ckan.harvest.harvest_source_limit",
        ),
    ]


def test_datasets_missing_from_the_index(ckan_config) -> None:
    dataset = make_dataset()
    search.clear(dataset["id"])

    result = service_checks.solr(service_checks.database()[1])

    assert (result.status.value, result.message, result.fix) == (
        "WARN",
        f"{ckan_config['solr_url']} answers, schema ckan-2.12, 0 datasets of this site indexed but 1 in the database",
        f"ckan -c {_ini(ckan_config)} search-index rebuild -o",
    )


def test_pending_migrations_name_the_upgrade(ckan_config, monkeypatch) -> None:
    ecologie = next(history for history in service_checks.migration_histories() if history[0] == "ecologie")
    # the same history read from a version table nobody wrote: nothing applied
    monkeypatch.setattr(
        service_checks, "migration_histories", lambda: [(ecologie[0], ecologie[1], "doctor_test_alembic_version")]
    )
    _, engine = service_checks.database()
    assert engine is not None

    result = service_checks.migrations(engine)

    revisions = sum(1 for _ in ScriptDirectory(ecologie[1]).walk_revisions())
    assert (result.status.value, result.message, result.fix) == (
        "FAIL",
        f"ecologie: {revisions} pending migrations (never migrated)",
        f"ckan -c {_ini(ckan_config)} db upgrade -p ecologie",
    )


def test_plugin_order_and_missing_options(ckan_config, monkeypatch) -> None:
    monkeypatch.setitem(
        ckan_config, "ckan.plugins", ["harvest", "ecologie_proconnect", "ecologie", "ecologie_dcat_harvester"]
    )
    monkeypatch.setitem(ckan_config, "ckanext.dcat.rdf.profiles", "euro_dcat_ap_3")
    monkeypatch.setitem(ckan_config, "ckanext.ecologie.proconnect.client_id", "")

    plugins = config_checks.plugin_list()
    profiles = config_checks.dcat_profiles()
    proconnect = config_checks.proconnect()

    assert (plugins.status.value, plugins.message, plugins.fix) == (
        "WARN",
        "ecologie is not first; ecologie_proconnect comes before ecologie; ecologie_dcat_harvester needs dcat",
        "ckan.plugins = ecologie ecologie_proconnect dcat harvest ecologie_dcat_harvester",
    )
    assert profiles is not None
    assert (profiles.status.value, profiles.fix) == ("FAIL", "ckanext.dcat.rdf.profiles = euro_dcat_ap_3 dcat_ap_fr")
    assert proconnect is not None
    assert (proconnect.status.value, proconnect.message) == (
        "FAIL",
        "ecologie_proconnect is enabled but ckanext.ecologie.proconnect.client_id is not set",
    )
