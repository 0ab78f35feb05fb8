"""`make bench` / `make bench-small`: harvest and search at scale, our
extension against stock CKAN in the same run, on this machine; every figure
says the size it was measured at (issue #19).

1. the harvest rate ratio at equal sizes: stock ckanext-dcat (`dcat_rdf`
   source, CKAN without our plugins) and ours (`ecologie_dcat`) each harvest
   the same generated source of R records (--ratio-n) end to end (gathered,
   fetched, imported, indexed and searchable), on a reset database;
2. ours alone harvests N records (--n) after a database reset (when N == R,
   the run at R is reused); everything below is measured at N;
3. the re-harvest of the unchanged source, then of the same source with P%
   of its records changed (--changed-percent, served at the same URL), whose
   job must report those as updated and the rest as not modified;
4. the consumers' peak memory over the harvests at N (with what the gather's
   page readers hold of their own), the CPU time each part of the stack
   (fetch and gather consumers, PostgreSQL, Solr, Redis) spent per record
   in each harvest (printed for the first ones, stock's and ours), and one
   page of the source read into records by ours and by stock's parser,
   alternating; then
   what CKAN's per-dataset steps cost (validation with package_update's
   schema, the read the search document is built from, the document, the
   read the activity holds), which the import keeps for every dataset it
   writes, in wall time and in CPU time (here and in PostgreSQL), and about
   the rate that CPU time allows on this machine's cores;
5. `ckan search-index rebuild` of the N datasets with stock's configuration,
   then with ours (last, so the index holds our documents);
6. theme-faceted package_search p50/p95, ours and stock on that index, with
   --queries timed searches each, alternating in blocks (ours block 1, stock
   block 1, ours block 2, ...) so drift cancels;
7. the page of a bouquet of 200 items, and the classification of the whole
   catalogue;
8. issue #19's targets, each met or not (time targets scaled to N below
   80,000).

Results go to bench/results/<timestamp>-n<N>.json and a table is printed.

    python bench/run.py --n 80000 --ratio-n 10000   # make bench
    python bench/run.py --n 2000 --ratio-n 2000     # make bench-small
    python bench/run.py --n 80000 --skip ratio --skip rebuild   # ours at 80,000 only

--skip leaves out the comparisons that take longest at 80,000 (the rate ratio,
two rebuilds): their targets then read "not measured".
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import platform
import subprocess
import sys
import time
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)

from bench import generate, harness  # noqa: E402

SKIPPABLE = ("ratio", "rebuild")
PAGE_READ_ROUNDS = 10
WORK_SAMPLE = 200  # harvested datasets the per-dataset steps are timed on


def _rounded(run: dict[str, Any]) -> dict[str, Any]:
    return {
        "seconds": round(run["seconds"], 1),
        "report": run["stats"],
        "searchable": run["searchable"],
        "consumer_restarts": run["consumer_restarts"],
        "peak_rss_mb": round(run["rss_mb"], 1),
        "cpu": run["cpu"],
    }


def _harvest_result(run: dict[str, Any], n: int, reused: bool) -> dict[str, Any]:
    return {
        "n": n,
        "rate": round(n / run["seconds"], 2),
        "total_s": round(run["seconds"], 1),
        "reused_ratio_run": reused,
        **_rounded(run),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description="Benchmark harvest and search.")
    parser.add_argument("--n", type=int, default=80000, help="records harvested by ours alone; size of every measure")
    parser.add_argument("--ratio-n", type=int, default=10000, help="records harvested by each for the rate ratio")
    parser.add_argument("--fetch-consumers", type=int, default=2)
    parser.add_argument("--classify-workers", type=int, default=4, help="`themes classify --workers`")
    parser.add_argument("--source-type", default="ecologie_dcat", help="our source type")
    parser.add_argument("--changed-percent", type=int, default=1, help="records changed for the second re-harvest")
    parser.add_argument("--queries", type=int, default=1000, help="timed searches per configuration")
    parser.add_argument("--blocks", type=int, default=10, help="alternating blocks the searches are split into")
    parser.add_argument(
        "--skip", action="append", choices=SKIPPABLE, default=[], help="a step left out (repeat for several)"
    )
    arguments = parser.parse_args()
    n, ratio_n = arguments.n, arguments.ratio_n

    inis = harness.write_configs()
    results: dict[str, Any] = {
        "n": n,
        "ratio_n": ratio_n,
        "when": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
    }
    os.makedirs(os.path.join(HERE, "results"), exist_ok=True)
    stamp = datetime.datetime.now().strftime("%Y%m%dT%H%M%S")
    path = os.path.join(HERE, "results", f"{stamp}-n{n}.json")

    def save() -> None:
        """After each step too: a run of hours that stops keeps what it measured."""
        with open(path, "w", encoding="utf-8") as stream:
            json.dump(results, stream, indent=2, ensure_ascii=False)

    def harvest(server: harness.DataServer, ini: str, count: int, source_name: str | None = None) -> dict[str, Any]:
        source_type = "dcat_rdf" if ini == inis["stock"] else arguments.source_type
        return harness.harvest(ini, server.url, source_type, count, arguments.fetch_consumers, source_name)

    # 1. The ratio, at R each. The database is reset with our configuration
    # (all tables; stock CKAN ignores ours).
    ours_at_r = None
    if "ratio" not in arguments.skip:
        with harness.DataServer(harness.generated(ratio_n)) as server:
            harness.reset_database(inis["ecologie"])
            stock = harvest(server, inis["stock"], ratio_n)
            harness.reset_database(inis["ecologie"])
            ours_at_r = harvest(server, inis["ecologie"], ratio_n)
        stock_rate, ours_rate = ratio_n / stock["seconds"], ratio_n / ours_at_r["seconds"]
        results["harvest_ratio"] = {
            "n": ratio_n,
            "ecologie_rate": round(ours_rate, 2),
            "stock_rate": round(stock_rate, 2),
            "ratio": round(ours_rate / stock_rate, 2),
            "ecologie": _rounded(ours_at_r),
            "stock": _rounded(stock),
        }
        save()

    # 2. and 3. Ours at N, then its re-harvests, all from the same URL.
    with harness.DataServer(harness.generated(n)) as server:
        if n == ratio_n and ours_at_r is not None:
            ours = ours_at_r
        else:
            harness.reset_database(inis["ecologie"])
            ours = harvest(server, inis["ecologie"], n)
        results["harvest"] = _harvest_result(ours, n, ours is ours_at_r)
        save()
        unchanged = harvest(server, inis["ecologie"], n, ours["source"])
        results["reharvest_unchanged"] = {"n": n, **_rounded(unchanged)}
        save()
    with harness.DataServer(harness.generated(n, arguments.changed_percent)) as server:
        changed = harvest(server, inis["ecologie"], n, ours["source"])
    step = generate.changed_step(arguments.changed_percent)
    expected = math.ceil(n / step) if step else 0
    report = changed["stats"]
    results["reharvest_changed"] = {
        "n": n,
        "changed_percent": arguments.changed_percent,
        "expected_updated": expected,
        "verified": report.get("updated") == expected
        and report.get("not modified") == n - expected
        and not report.get("errored")
        and not report.get("added"),
        **_rounded(changed),
    }
    results["memory"] = {
        "n": n,
        "peak_rss_mb": round(max(ours["rss_mb"], unchanged["rss_mb"], changed["rss_mb"]), 1),
    }
    save()

    # 4b. Where a changed page's time goes: one page read into records, ours
    # and stock's parser alternating.
    first_page = os.path.join(harness.generated(n), "page-1.ttl")
    results["page_read"] = harness.run_in_app(inis["ecologie"], "page_read", first_page, str(PAGE_READ_ROUNDS))
    save()
    # 4c. What CKAN's per-dataset steps cost, and about the rate they allow.
    results["dataset_work"] = {"n": n, **harness.run_in_app(inis["ecologie"], "dataset_work", str(WORK_SAMPLE))}
    save()

    # 5. Rebuilds: stock's first, ours last, so the index holds our documents.
    if "rebuild" not in arguments.skip:
        stock_rebuild = harness.timed_ckan(inis["stock"], "search-index", "rebuild", "-q")
        ours_rebuild = harness.timed_ckan(inis["ecologie"], "search-index", "rebuild", "-q")
        results["rebuild"] = {
            "n": n,
            "ecologie_s": round(ours_rebuild, 1),
            "stock_s": round(stock_rebuild, 1),
            "ratio": round(ours_rebuild / stock_rebuild, 3),
        }
        save()

    # 6. and 7. On the index our configuration built.
    results["search"] = {"index_n": n, **harness.alternating_search(inis, arguments.queries, arguments.blocks)}
    results["bouquet"] = {"index_n": n, **harness.run_in_app(inis["ecologie"], "bouquet_page")}
    save()
    harness.run_in_app(inis["ecologie"], "unclassify")
    workers = str(arguments.classify_workers)
    started = time.monotonic()
    subprocess.run(
        [harness.CKAN, "-c", inis["ecologie"], "ecologie", "themes", "classify", "--all", "--workers", workers],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    results["classify"] = {
        "n": n,
        "workers": arguments.classify_workers,
        "seconds": round(time.monotonic() - started, 1),
    }
    results["targets"] = harness.targets(results)
    save()
    harness.print_table(results)
    print(f"\nwritten to {os.path.relpath(path, ROOT)}")


if __name__ == "__main__":
    main()
