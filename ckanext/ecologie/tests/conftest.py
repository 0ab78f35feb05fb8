from __future__ import annotations

import email
import email.policy
import os
import shutil
import signal
from collections.abc import Callable, Iterator

import pytest

from ckanext.ecologie.organizations import types as organization_types
from ckanext.ecologie.tests.helpers import FIXTURES, ROOT, FileServer, HarvestConsumers
from ckanext.ecologie.tests.resilience.solr import OwnSolr
from ckanext.ecologie.themes import store

# Plugins whose tables come from their own alembic migrations.
MIGRATED_PLUGINS = ("activity", "harvest", "ecologie")


@pytest.fixture
def clean_db(reset_db, migrate_db_for) -> None:
    """CKAN's clean_db, plus the plugin migrations."""
    empty_database(reset_db, migrate_db_for)


def empty_database(reset_db, migrate_db_for) -> None:
    """The first reset of a session drops every table, and core's init
    recreates only its own: the plugins' migrations run again."""
    reset_db()
    for plugin in MIGRATED_PLUGINS:
        migrate_db_for(plugin)
    # Caches of what the database held before the reset.
    store.forget()
    organization_types.forget()


@pytest.fixture
def fixture_server() -> Iterator[FileServer]:
    """The test fixtures folder, served over HTTP on 127.0.0.1."""
    with FileServer(FIXTURES) as server:
        yield server


@pytest.fixture
def harvest_consumers(request: pytest.FixtureRequest, clean_queues: None) -> Iterator[HarvestConsumers]:
    from ckanext.harvest.queue import purge_queues

    purge_queues()
    ini = os.path.abspath(request.config.getoption("ckan_ini"))
    with HarvestConsumers(ini, os.path.join(ROOT, "test-artifacts", "consumers")) as consumers:
        yield consumers


def run_queued_jobs() -> None:
    """Run the background jobs queued so far (e-mails leave through them:
    ckanext/ecologie/mail.py), as `ckan jobs worker` does, until the queue
    is empty. Jobs queued by a portal process of the browser tests too: it
    reads the same configuration."""
    from ckan.lib import jobs

    # rq's worker takes SIGINT and SIGTERM for its warm shutdown and keeps
    # them: give them back to pytest, so that Ctrl-C still stops the run
    handlers = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        jobs.Worker().work(burst=True)
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)


@pytest.fixture
def job_worker() -> Callable[[], None]:
    """Call it to run the jobs queued so far."""
    return run_queued_jobs


class _Receiver:
    """The SMTP server's handler: keeps what it receives."""

    def __init__(self) -> None:
        self.received: list[tuple[list[str], str]] = []

    async def handle_DATA(self, server: object, session: object, envelope) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        body = message.get_body(preferencelist=("plain",))
        text = f"Subject: {message['subject']}\n\n{body.get_content() if body else ''}"
        self.received.append((list(envelope.rcpt_tos), text))
        return "250 OK"


class Inbox:
    """Messages received by the test SMTP server. Reading them first runs
    the queued jobs, where the portal's e-mails wait to be sent."""

    def __init__(self) -> None:
        self.receiver = _Receiver()

    @property
    def messages(self) -> list[tuple[list[str], str]]:
        run_queued_jobs()
        return self.receiver.received


@pytest.fixture
def smtp_server() -> Iterator[Inbox]:
    """A real SMTP server on 127.0.0.1, at the port of `smtp.server`. Mail
    that earlier tests queued is dropped: it is not this test's."""
    import ckan.plugins.toolkit as tk
    from aiosmtpd.controller import Controller
    from ckan.lib import jobs

    jobs.get_queue().empty()
    inbox = Inbox()
    port = int(tk.config.get("smtp.server").rsplit(":", 1)[1])
    controller = Controller(inbox.receiver, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture(scope="module")
def solr_of_the_module() -> Iterator[OwnSolr]:
    solr = OwnSolr()
    solr.start()
    try:
        yield solr
    finally:
        solr.kill()
        shutil.rmtree(solr.home, ignore_errors=True)


@pytest.fixture
def own_solr(solr_of_the_module: OwnSolr, ckan_config, monkeypatch) -> OwnSolr:
    """CKAN in this process searches and indexes with a Solr of the test's
    own, empty, that the test may kill (`.kill()`) and start again."""
    from ckan.lib import search

    if not solr_of_the_module.answers():
        solr_of_the_module.start()
    monkeypatch.setitem(ckan_config, "solr_url", solr_of_the_module.url)
    search.clear_all()
    return solr_of_the_module
