"""Pieces of the benchmark that run outside CKAN: configurations, generated
data served over HTTP on 127.0.0.1, database resets, harvest runs with the
stock consumers (and their peak memory), timed `ckan` commands, calls into
bench/tasks.py, which runs inside a CKAN app, the search latency measure
driving two long-lived tasks.py processes through pipes, and the targets."""

from __future__ import annotations

import configparser
import contextlib
import functools
import http.server
import json
import math
import os
import statistics
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


def generated(count: int, changed_percent: int = 0) -> str:
    """The folder of `count` generated records (made once, then reused); with
    `changed_percent`, the same records with that percent changed, served
    under the same page names."""
    folder = os.path.join(HERE, "data", f"{count}-changed{changed_percent}" if changed_percent else str(count))
    if not os.path.exists(os.path.join(folder, "page-1.ttl")):
        subprocess.run(
            [
                sys.executable,
                os.path.join(HERE, "generate.py"),
                str(count),
                folder,
                "--base-url",
                f"http://127.0.0.1:{PORT}",
                "--changed-percent",
                str(changed_percent),
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


def timed_ckan(ini: str, *args: str) -> float:
    """Seconds taken by `ckan -c INI ARGS...`, start-up included."""
    started = time.monotonic()
    _ckan(ini, *args)
    return time.monotonic() - started


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


def _rss_with_children(process: psutil.Process) -> int:
    """A consumer's resident memory, with what its children (the gather's
    page readers) hold of their own: the pages a forked reader still shares
    with the consumer are counted once."""
    total = process.memory_info().rss
    for child in process.children(recursive=True):
        with contextlib.suppress(psutil.Error):  # a reader that just exited
            total += child.memory_full_info().uss
    return total


CONSUMER_COMMANDS = {"fetch consumers": "fetch-consumer", "gather consumer": "gather-consumer"}


def _service_of(process: psutil.Process) -> str | None:
    """Which part of the stack a process is, for the CPU shares; None for
    what is counted as "other" (this harness, the task driving the job, the
    rest of the machine). A forked page reader runs its consumer's command
    line."""
    name = process.name()
    if name.startswith("postgres"):
        return "postgresql"
    if name.startswith("redis"):
        return "redis"
    command = " ".join(process.cmdline())
    if name == "java" and "solr" in command:
        return "solr"
    for service, argument in CONSUMER_COMMANDS.items():
        if argument in command:
            return service
    return None


def _cpu_seconds(process: psutil.Process, with_ended_children: bool) -> float:
    times = process.cpu_times()
    seconds = times.user + times.system
    return seconds + times.children_user + times.children_system if with_ended_children else seconds


def _busy(times: Any) -> float:
    return times.user + times.nice + times.system + times.irq + times.softirq


def _idle(times: Any) -> float:
    return times.idle + times.iowait


class CpuShares:
    """The CPU time each part of the stack spends over a harvest (the fetch
    and gather consumers, PostgreSQL, Solr, Redis, the rest), and how busy
    the machine's cores were: where a dataset's cost goes, stock's and ours.

    A part is counted from its first processes (the postmaster, each
    consumer), with their children once ended and reaped (PostgreSQL's
    backends, the gather's page readers), plus the children still running.
    Sampled twice a second: a first process that ends loses what it spent
    since the last sample (a consumer that exits idle and is started again),
    and a child already running at the start that ends before the end is
    counted whole (the consumers' backends start with them, just before)."""

    def __init__(self) -> None:
        self._first: dict[int, float] = {}
        self._last: dict[int, tuple[str, float]] = {}
        self._running_children: dict[int, tuple[str, float]] = {}
        self._stop = threading.Event()

    def _sample(self) -> None:
        services: dict[int, tuple[psutil.Process, str]] = {}
        for process in psutil.process_iter():
            with contextlib.suppress(psutil.Error):  # one that just ended
                service = _service_of(process)
                if service is not None:
                    services[process.pid] = (process, service)
        running_children = {}
        for pid, (process, service) in services.items():
            with contextlib.suppress(psutil.Error):
                parent = services.get(process.ppid())
                if parent is not None and parent[1] == service:
                    running_children[pid] = (service, _cpu_seconds(process, with_ended_children=False))
                else:
                    self._last[pid] = (service, _cpu_seconds(process, with_ended_children=True))
        self._running_children = running_children

    def _seconds_by_pid(self) -> dict[int, tuple[str, float]]:
        return {**self._last, **self._running_children}

    def _run(self) -> None:
        while not self._stop.wait(0.5):
            self._sample()

    def __enter__(self) -> CpuShares:
        self._sample()
        self._first = {pid: seconds for pid, (_, seconds) in self._seconds_by_pid().items()}
        self._machine = psutil.cpu_times()
        self._started = time.monotonic()
        self._sampler = threading.Thread(target=self._run, daemon=True)
        self._sampler.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._sampler.join()
        self._sample()
        machine = psutil.cpu_times()
        idle = _idle(machine) - _idle(self._machine)
        self.busy_seconds = _busy(machine) - _busy(self._machine)
        self.busy_fraction = self.busy_seconds / (self.busy_seconds + idle)
        # on a virtual machine, time the host gave to others: neither busy nor idle here
        self.steal_seconds = machine.steal - self._machine.steal
        self.wall_seconds = time.monotonic() - self._started
        self.by_service: dict[str, float] = {}
        for pid, (service, seconds) in self._seconds_by_pid().items():
            spent = seconds - self._first.get(pid, 0.0)
            self.by_service[service] = self.by_service.get(service, 0.0) + spent

    def per_dataset(self, count: int) -> dict[str, Any]:
        """Milliseconds of CPU per record of the job, by part of the stack.
        "other" is what the parts leave of the machine's busy time: below
        zero, they were counted more than the machine spent."""
        services = dict(sorted(self.by_service.items(), key=lambda item: -item[1]))
        services["other"] = self.busy_seconds - sum(services.values())
        return {
            "wall_s": round(self.wall_seconds, 1),  # the job's driver started and stopped included
            "busy_percent": round(100 * self.busy_fraction, 1),
            "steal_s": round(self.steal_seconds, 1),
            "ms_per_dataset": {service: round(1000 * seconds / count, 1) for service, seconds in services.items()},
        }


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
                    self.peak_rss = max(self.peak_rss, _rss_with_children(psutil.Process(process.pid)))

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
        with CpuShares() as cpu:
            report = run_in_app(ini, "harvest", name, str(count))
    report.update(
        source=name,
        cpu=cpu.per_dataset(count),
        rss_mb=consumers.peak_rss / 2**20,
        rate=count / report["seconds"],
        consumer_restarts=consumers.restarts,
    )
    return report


class _SearchProcess:
    """bench/tasks.py INI search_server TOTAL: one CKAN app, answering
    "warmup" and "block START COUNT" commands on stdin with one JSON line."""

    def __init__(self, ini: str, total: int, log: Any) -> None:
        self.process = subprocess.Popen(
            [sys.executable, os.path.join(HERE, "tasks.py"), ini, "search_server", str(total)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
        )

    def ask(self, command: str) -> dict[str, Any]:
        assert self.process.stdin and self.process.stdout
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        while True:
            line = self.process.stdout.readline()
            if not line:
                raise RuntimeError(
                    f"search process ended (exit {self.process.wait()}), see .local/logs/bench-search.log"
                )
            if line.startswith("{"):  # anything else is start-up noise
                return json.loads(line)

    def close(self) -> None:
        if self.process.stdin:
            self.process.stdin.close()
        self.process.wait(timeout=60)


def _percentile(timings: list[float], fraction: float) -> float:
    ordered = sorted(timings)
    return round(ordered[max(0, math.ceil(len(ordered) * fraction) - 1)], 2)


def alternating_search(inis: dict[str, str], total: int, blocks: int) -> dict[str, Any]:
    """`total` theme-faceted searches per configuration (the same seeded
    list), ours and stock alternating block by block (ABBA) on the same index, after
    one untimed pass of the whole list by each (Solr's caches are shared)."""
    size = math.ceil(total / blocks)
    timings: dict[str, list[float]] = {"ecologie": [], "stock": []}
    with open(os.path.join(ROOT, ".local", "logs", "bench-search.log"), "ab") as log:
        processes = {name: _SearchProcess(inis[name], total, log) for name in timings}
        try:
            for process in processes.values():
                process.ask("warmup")
            for block, start in enumerate(range(0, total, size)):
                # ours first, then stock first, and so on: neither always runs second
                order = list(processes.items()) if block % 2 == 0 else list(processes.items())[::-1]
                for name, process in order:
                    timings[name] += process.ask(f"block {start} {min(size, total - start)}")["timings_ms"]
        finally:
            for process in processes.values():
                process.close()
    result: dict[str, Any] = {"queries": total, "blocks": math.ceil(total / size)}
    for name, values in timings.items():
        prefix = "" if name == "ecologie" else "stock_"
        result[f"{prefix}p50_ms"] = round(statistics.median(values), 2)
        result[f"{prefix}p95_ms"] = _percentile(values, 0.95)
    result["ratio"] = round(result["p95_ms"] / result["stock_p95_ms"], 3)
    return result


def _met(value: float | None, limit: float, at_least: bool = False) -> bool | None:
    if value is None:
        return None
    return value >= limit if at_least else value <= limit


def targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Issue #19's targets, each met or not. The time targets are for 80,000
    records: below that they are scaled in proportion (and say so)."""
    n = results["harvest"]["n"]
    scale = min(1.0, n / 80000)
    scaled = f" (scaled from 80,000 to {n:,})" if n < 80000 else ""
    ratio = results.get("harvest_ratio")  # absent with --skip ratio
    ratio_n = ratio["n"] if ratio else results["ratio_n"]
    search = results["search"]
    rows: list[tuple[str, str, float | None, float, bool]] = [
        (
            f"harvest rate, ours / stock at {ratio_n:,} each",
            "10x or more" + ("" if ratio_n == 10000 else " (target set at 10,000)"),
            ratio["ratio"] if ratio else None,
            10,
            True,
        ),
        (
            f"{n:,} harvested and searchable (s)",
            f"{round(900 * scale, 1):g} s or less{scaled}",
            results["harvest"]["total_s"],
            900 * scale,
            False,
        ),
        (
            f"unchanged re-harvest of {n:,} (s)",
            f"{round(180 * scale, 1):g} s or less{scaled}",
            results["reharvest_unchanged"]["seconds"],
            180 * scale,
            False,
        ),
        (
            f"re-harvest of {n:,} with {results['reharvest_changed']['changed_percent']}% changed (s)",
            f"{round(120 * scale, 1):g} s or less{scaled}",
            results["reharvest_changed"]["seconds"],
            120 * scale,
            False,
        ),
        (
            f"classify {n:,}, {results['classify'].get('workers', 1)} worker(s) (s)",
            f"{round(300 * scale, 1):g} s or less{scaled}",
            results["classify"]["seconds"],
            300 * scale,
            False,
        ),
        (
            f"search-index rebuild of {n:,}, ours / stock",
            "1.1x or less",
            results["rebuild"]["ratio"] if "rebuild" in results else None,
            1.1,
            False,
        ),
        (f"search p95 at {n:,} (ms)", "100 ms or less", search["p95_ms"], 100, False),
        (f"search p95 at {n:,}, ours / stock", "1.1x or less", search["ratio"], 1.1, False),
        (
            f"consumers' peak memory at {n:,} (MB)",
            "1,024 MB or less",
            results["memory"]["peak_rss_mb"],
            1024,
            False,
        ),
    ]
    return [
        {
            "measure": measure,
            "target": target,
            "limit": round(limit, 2),
            "value": value,
            "met": _met(value, limit, at_least),
        }
        for measure, target, value, limit, at_least in rows
    ]


def _print_rows(rows: list[tuple[str, Any]]) -> None:
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f"{label.ljust(width)}  {value}")


def _cpu_rows(label: str, run: dict[str, Any]) -> list[tuple[str, Any]]:
    if "cpu" not in run:  # results files before 2026-12-06 have none
        return []
    shares = ", ".join(f"{service} {ms}" for service, ms in run["cpu"]["ms_per_dataset"].items())
    total = round(sum(run["cpu"]["ms_per_dataset"].values()), 1)
    return [(f"CPU per dataset {label} (ms)", f"{total}  ({shares}; cores {run['cpu']['busy_percent']}% busy)")]


def print_table(results: dict[str, Any]) -> None:
    harvest_ = results["harvest"]
    unchanged = results["reharvest_unchanged"]
    changed = results["reharvest_changed"]
    search = results["search"]
    n = f"{harvest_['n']:,}"
    rows: list[tuple[str, Any]] = []
    if "harvest_ratio" in results:
        ratio = results["harvest_ratio"]
        r = f"{ratio['n']:,}"
        rows += [
            (f"harvest rate at {r}, ours (datasets/s)", ratio["ecologie_rate"]),
            (f"harvest rate at {r}, stock ckanext-dcat", ratio["stock_rate"]),
            (f"harvest rate at {r}, ours / stock", ratio["ratio"]),
        ]
        rows += _cpu_rows(f"at {r}, ours", ratio["ecologie"]) + _cpu_rows(f"at {r}, stock", ratio["stock"])
    rows += [
        (f"harvest rate at {n}, ours (datasets/s)", harvest_["rate"]),
        (f"{n} harvested and searchable (s)", harvest_["total_s"]),
        (f"unchanged re-harvest of {n} (s)", unchanged["seconds"]),
        (
            f"re-harvest of {n}, {changed['changed_percent']}% changed (s)",
            f"{changed['seconds']}  (updated {changed['report'].get('updated')}, "
            f"not modified {changed['report'].get('not modified')}, expected {changed['expected_updated']} "
            f"updated: {'ok' if changed['verified'] else 'MISMATCH'})",
        ),
        (f"consumers' peak RSS at {n} (MB)", results["memory"]["peak_rss_mb"]),
    ]
    if not harvest_.get("reused_ratio_run"):
        rows += _cpu_rows(f"at {n}, ours", harvest_)
    if "page_read" in results:  # results files before 2026-12-05 have none
        page = results["page_read"]
        rows += [
            (
                f"one page of {page['records']:,} records read, ours / stock (s)",
                f"{page['ecologie_s']} / {page['stock_s']}  (ratio {page['ratio']}, median of {page['rounds']})",
            )
        ]
    if "dataset_work" in results:  # results files before 2026-12-05 (afternoon) have none
        work = results["dataset_work"]
        steps = ", ".join(f"{step} {ms}" for step, ms in work["mean_ms"].items())
        cpu = work["cpu_ms"]
        rows += [
            (f"CKAN's steps per dataset at {n} (ms)", f"{work['sum_ms']}  ({steps}; {work['datasets']} datasets)"),
            ("their CPU time per dataset (ms)", f"{cpu['python']} Python + {cpu['postgresql']} PostgreSQL"),
            (f"rate those steps alone allow on {work['cores']} cores", f"about {work['about_per_s']} datasets/s"),
        ]
    if "rebuild" in results:
        rebuild = results["rebuild"]
        rows += [
            (f"search-index rebuild of {n}, ours / stock (s)", f"{rebuild['ecologie_s']} / {rebuild['stock_s']}"),
            (f"search-index rebuild of {n}, ours / stock", rebuild["ratio"]),
        ]
    rows += [
        (
            f"search p50 / p95 at {n}, ours (ms)",
            f"{search['p50_ms']} / {search['p95_ms']}  ({search['queries']} queries, {search['blocks']} blocks)",
        ),
        (f"search p50 / p95 at {n}, stock (ms)", f"{search['stock_p50_ms']} / {search['stock_p95_ms']}"),
        (f"search p95 at {n}, ours / stock", search["ratio"]),
        (f"bouquet page, 200 items, index of {n} (ms)", results["bouquet"]["median_ms"]),
        (f"classify {n}, {results['classify'].get('workers', 1)} worker(s) (s)", results["classify"]["seconds"]),
    ]
    _print_rows(rows)
    print("\ntargets (issue #19)")
    _print_rows(
        [
            (
                row["measure"],
                f"{row['value']}  target {row['target']}: "
                + {True: "met", False: "NOT MET", None: "not measured"}[row["met"]],
            )
            for row in results["targets"]
        ]
    )
