"""Pieces of the benchmark that run outside CKAN: configurations, generated
data served over HTTP on 127.0.0.1, database resets, harvest runs with the
stock consumers (and their peak memory), and calls into bench/tasks.py, which
runs inside a CKAN app."""

from __future__ import annotations

import configparser
import contextlib
import functools
import http.server
import json
import os
import subprocess
import sys
import threading
import time
from typing import Any

import psutil

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
BIN = os.path.dirname(sys.executable)
CKAN = os.path.join(BIN, "ckan")
PORT = 8790
OUR_PLUGINS = (
    "ecologie",
    "ecologie_organizations",
    "ecologie_dcat_harvester",
    "ecologie_csw_harvester",
    "ecologie_udata_harvester",
)


def write_configs() -> dict[str, str]:
    """bench.ini (our plugins) and bench-stock.ini (stock CKAN): the same
    database, index and queues, from test.ini."""
    parser = configparser.RawConfigParser(strict=False)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(os.path.join(ROOT, "test.ini"))
    main = parser["app:main"]
    main["sqlalchemy.url"] = main["sqlalchemy.url"].rsplit("/", 1)[0] + "/ckan_bench"
    for key in ("ckan.datastore.write_url", "ckan.datastore.read_url"):
        main[key] = main[key].rsplit("/", 1)[0] + "/datastore_bench"
    main["ckan.site_id"] = "ecologie_bench"
    main["ckan.redis.url"] = main["ckan.redis.url"].rsplit("/", 1)[0] + "/5"
    main["ckan.harvest.mq.redis_db"] = "5"
    main["ckan.storage_path"] = os.path.join(ROOT, ".local", "storage-bench")
    parser["logger_ckanext"]["level"] = "WARNING"
    paths = {}
    for name, plugins in (
        ("ecologie", main["ckan.plugins"]),
        ("stock", " ".join(plugin for plugin in main["ckan.plugins"].split() if plugin not in OUR_PLUGINS)),
    ):
        main["ckan.plugins"] = plugins
        path = os.path.join(HERE, f"bench-{name}.ini")
        with open(path, "w", encoding="utf-8") as stream:
            parser.write(stream)
        paths[name] = path
    return paths


def generated(count: int) -> str:
    """The folder of `count` generated records (made once, then reused)."""
    folder = os.path.join(HERE, "data", str(count))
    if not os.path.exists(os.path.join(folder, "page-1.ttl")):
        subprocess.run(
            [
                sys.executable,
                os.path.join(HERE, "generate.py"),
                str(count),
                folder,
                "--base-url",
                f"http://127.0.0.1:{PORT}",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return folder


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class DataServer:
    def __init__(self, folder: str) -> None:
        handler = functools.partial(_Quiet, directory=folder)
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", PORT), handler)
        self.url = f"http://127.0.0.1:{PORT}/page-1.ttl"

    def __enter__(self) -> DataServer:
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _ckan(ini: str, *args: str) -> None:
    subprocess.run(
        [CKAN, "-c", ini, *args], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, input=b"y\n"
    )


def reset_database(ini: str) -> None:
    _ckan(ini, "db", "clean", "--yes")
    subprocess.run(
        [os.path.join(ROOT, "tools", "migrate.sh"), ini],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _ckan(ini, "search-index", "clear")


def run_in_app(ini: str, task: str, *args: str) -> dict[str, Any]:
    output = subprocess.run(
        [sys.executable, os.path.join(HERE, "tasks.py"), ini, task, *args], check=True, capture_output=True, text=True
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


class Consumers:
    """The stock gather and fetch consumers, and their peak memory. A
    consumer that exits is started again, as supervisor does in production:
    on stock CKAN 2.12, redis-py 8 ends idle consumers after 5 s
    (ckan/ckanext-harvest#581; our plugin keeps them blocking)."""

    def __init__(self, ini: str, fetch_consumers: int) -> None:
        self.commands = [[CKAN, "-c", ini, "harvester", "gather-consumer"]] + [
            [CKAN, "-c", ini, "harvester", "fetch-consumer"]
        ] * fetch_consumers
        self.processes: list[subprocess.Popen[bytes]] = []
        self.peak_rss = 0
        self.restarts = 0
        self._stop = threading.Event()

    def _sample(self) -> None:
        while not self._stop.wait(0.5):
            for index, process in enumerate(self.processes):
                if process.poll() is not None and not self._stop.is_set():
                    self.restarts += 1
                    self.processes[index] = self._start(self.commands[index])
                    continue
                with contextlib.suppress(psutil.Error):  # a consumer that just exited
                    self.peak_rss = max(self.peak_rss, psutil.Process(process.pid).memory_info().rss)

    def _start(self, command: list[str]) -> subprocess.Popen[bytes]:
        return subprocess.Popen(command, stdout=self.log, stderr=subprocess.STDOUT)

    def __enter__(self) -> Consumers:
        self.log = open(os.path.join(ROOT, ".local", "logs", "bench-consumers.log"), "ab")
        self.processes = [self._start(command) for command in self.commands]
        self._sampler = threading.Thread(target=self._sample, daemon=True)
        self._sampler.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._sampler.join()  # no restart after this point
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            process.wait(timeout=30)
        self.log.close()


def harvest(
    ini: str, url: str, source_type: str, count: int, fetch_consumers: int, source_name: str | None = None
) -> dict[str, Any]:
    """One harvest job, from its creation to all records searchable."""
    name = source_name or run_in_app(ini, "prepare_source", url, source_type)["name"]
    with Consumers(ini, fetch_consumers) as consumers:
        time.sleep(3)  # consumers up
        report = run_in_app(ini, "harvest", name, str(count))
    report.update(
        source=name,
        rss_mb=consumers.peak_rss / 2**20,
        rate=count / report["seconds"],
        consumer_restarts=consumers.restarts,
    )
    return report


def print_table(results: dict[str, Any]) -> None:
    harvest_ = results["harvest"]
    search = results["search"]
    rows = [
        ("records (ours / stock)", f"{results['n']} / {harvest_['stock_n']}"),
        ("harvest rate, ours (datasets/s)", harvest_["ecologie_rate"]),
        ("harvest rate, stock ckanext-dcat", harvest_["stock_rate"]),
        ("ratio ours / stock", harvest_["ratio"]),
        ("harvest, ours, total (s)", harvest_["total_s"]),
        ("unchanged re-harvest (s)", results["reharvest_s"]),
        ("consumers peak RSS (MB)", results["rss_mb"]),
        ("search p50 / p95, ours (ms)", f"{search['p50_ms']} / {search['p95_ms']}"),
        ("search p50 / p95, stock (ms)", f"{search['stock_p50_ms']} / {search['stock_p95_ms']}"),
        ("search p95 ratio ours / stock", search["ratio"]),
        ("bouquet page, 200 items (ms)", results["bouquet_page_ms"]),
        ("classify the whole catalogue (s)", results["classify_s"]),
    ]
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f"{label.ljust(width)}  {value}")
