"""Test helpers: real servers on 127.0.0.1 and real harvest consumers."""

from __future__ import annotations

import datetime
import functools
import http.server
import os
import subprocess
import sys
import threading
import time
from typing import Any

import ckan.plugins.toolkit as tk

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures")


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class FileServer:
    """Serve a folder over real HTTP on 127.0.0.1 from a background thread."""

    def __init__(self, directory: str) -> None:
        handler = functools.partial(QuietHandler, directory=directory)
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> FileServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class HarvestConsumers:
    """The stock `ckan harvester gather-consumer` and `fetch-consumer`
    commands, run as separate processes on the test configuration."""

    def __init__(self, ini: str, log_dir: str, fetch_consumers: int = 1) -> None:
        self.ini = ini
        self.log_dir = log_dir
        self.kinds = ["gather"] + ["fetch"] * fetch_consumers
        self.processes: list[subprocess.Popen[bytes]] = []

    def __enter__(self) -> HarvestConsumers:
        os.makedirs(self.log_dir, exist_ok=True)
        self.processes = [self._start(number, kind) for number, kind in enumerate(self.kinds)]
        return self

    def _start(self, number: int, kind: str, log_mode: str = "wb") -> subprocess.Popen[bytes]:
        ckan = os.path.join(os.path.dirname(sys.executable), "ckan")
        with open(os.path.join(self.log_dir, f"{kind}-consumer-{number}.log"), log_mode) as log:
            return subprocess.Popen(
                [ckan, "-c", self.ini, "harvester", f"{kind}-consumer"], stdout=log, stderr=subprocess.STDOUT
            )

    def assert_alive(self) -> None:
        for process in self.processes:
            assert process.poll() is None, f"a harvest consumer exited with {process.returncode}: see {self.log_dir}"

    def restart_exited(self) -> int:
        """Start again the consumers that exited, as their supervisor would;
        how many were."""
        exited = [number for number, process in enumerate(self.processes) if process.poll() is not None]
        for number in exited:
            self.processes[number] = self._start(number, self.kinds[number], log_mode="ab")
        return len(exited)

    def __exit__(self, *exc: object) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def call(action: str, **data: Any) -> Any:
    """Call an action as the site user (set-up code only, never under test)."""
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return tk.get_action(action)({"user": site_user["name"]}, data)


def make_fixture_catalogue_source(fixture_server: FileServer) -> tuple[dict[str, Any], dict[str, Any]]:
    """A new organisation and its stock DCAT source, the fixtures' three-dataset
    catalogue served on 127.0.0.1."""
    from ckan.tests import factories

    organization = factories.Organization()
    source = call(
        "harvest_source_create",
        name="catalogue-de-test",
        title="Catalogue de test",
        url=f"{fixture_server.url}/dcat/three-datasets.ttl",
        source_type="dcat_rdf",
        owner_org=organization["id"],
    )
    return organization, source


def run_harvest_job(source_id: str, consumers: HarvestConsumers, timeout: float = 120) -> dict[str, Any]:
    """Create a job for the source, send it through the queues and wait until
    `harvest_jobs_run` marks it finished, as `ckan harvester run` in cron does."""
    job = call("harvest_job_create", source_id=source_id)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        consumers.assert_alive()
        # `harvest_jobs_run` also queues again the objects it finds waiting,
        # some of them on their way to a consumer; a copy delivered after
        # the job finished turns a done object into an error (ckanext-
        # harvest's fetch_callback). Cron calls it every few minutes: polled
        # twice a second, it waits until the fetch queue is quiet.
        if not _fetch_queue_busy():
            call("harvest_jobs_run", source_id=source_id)
        job = call("harvest_job_show", id=job["id"])
        if job["status"] == "Finished" and not _objects_without_status(job["id"]):
            return job
        time.sleep(0.5)
    raise AssertionError(f"harvest job still {job['status']} after {timeout} s: see the consumer logs")


def _fetch_queue_busy(taken_within: datetime.timedelta = datetime.timedelta(seconds=10)) -> bool:
    """Messages wait in the fetch queue, or a consumer took one lately and
    has not acknowledged it (one whose consumer was killed stops counting)."""
    from ckanext.harvest.queue import get_connection, get_fetch_routing_key

    redis = get_connection()
    queue = get_fetch_routing_key()
    if redis.llen(queue):
        return True
    for key in redis.keys(queue + ":*"):
        taken = redis.get(key)  # the consumer's datetime.now() when it took the message
        if taken is None:  # acknowledged meanwhile
            continue
        if datetime.datetime.now() - datetime.datetime.strptime(taken, "%Y-%m-%d %H:%M:%S.%f") < taken_within:
            return True
    return False


def _objects_without_status(job_id: str) -> int:
    """The fetch consumer marks an object COMPLETE, commits, and only then
    writes its report status: a job can read as finished in between, with
    stats that miss that object."""
    import sqlalchemy as sa
    from ckan import model

    query = sa.text("SELECT count(*) FROM harvest_object WHERE harvest_job_id = :job AND report_status IS NULL")
    with model.meta.engine.connect() as connection:  # a fresh transaction sees the consumer's commits
        return connection.execute(query, {"job": job_id}).scalar_one()


def make_dataset(**fields: Any) -> dict[str, Any]:
    """A dataset of a new organisation, unless one is given (unowned
    datasets are refused, as on a production portal)."""
    from ckan.tests import factories

    if not fields.get("owner_org"):
        fields["owner_org"] = factories.Organization()["id"]
    return factories.Dataset(**fields)


ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))  # the project
CORPUS = os.path.join(FIXTURES, "corpus")  # public catalogue samples: see its README.md
