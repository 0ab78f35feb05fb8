"""`make bench` / `make bench-small`: harvest and search at scale, our
extension against stock CKAN in the same run, on this machine.

1. harvest throughput end to end (gathered, fetched, imported, indexed and
   searchable) of stock ckanext-dcat (`dcat_rdf` source, CKAN without our
   plugins) and of ours (`ecologie_dcat`), on the same generated source;
2. re-harvest of the unchanged source;
3. peak memory of the consumers;
4. package_search p50/p95 of theme-faceted queries, with and without our
   plugin, on the same index;
5. the page of a bouquet of 200 items, and the classification of the whole
   catalogue.

Results go to bench/results/<timestamp>.json and a table is printed.

    python bench/run.py --n 2000 --stock-n 500
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)

from bench import harness  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description="Benchmark harvest and search.")
    parser.add_argument("--n", type=int, default=80000, help="records harvested by our harvester")
    parser.add_argument("--stock-n", type=int, default=2000, help="records harvested by stock ckanext-dcat")
    parser.add_argument("--fetch-consumers", type=int, default=2)
    parser.add_argument("--source-type", default="ecologie_dcat", help="our source type")
    parser.add_argument("--queries", type=int, default=200, help="timed searches per configuration")
    arguments = parser.parse_args()

    inis = harness.write_configs()
    results: dict = {
        "n": arguments.n,
        "when": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    }
    results["machine"] = {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()}

    with harness.DataServer(harness.generated(arguments.stock_n)) as stock_server:
        harness.reset_database(inis["ecologie"])  # all tables; stock CKAN ignores ours
        stock = harness.harvest(
            inis["stock"], stock_server.url, "dcat_rdf", arguments.stock_n, arguments.fetch_consumers
        )
    with harness.DataServer(harness.generated(arguments.n)) as server:
        harness.reset_database(inis["ecologie"])
        ours = harness.harvest(
            inis["ecologie"], server.url, arguments.source_type, arguments.n, arguments.fetch_consumers
        )
        again = harness.harvest(
            inis["ecologie"],
            server.url,
            arguments.source_type,
            arguments.n,
            arguments.fetch_consumers,
            source_name=ours["source"],
        )
    results["harvest"] = {
        "stock_n": arguments.stock_n,
        "stock_rate": round(stock["rate"], 2),
        "ecologie_rate": round(ours["rate"], 2),
        "ratio": round(ours["rate"] / stock["rate"], 2) if stock["rate"] else None,
        "total_s": round(ours["seconds"], 1),
        "stock_total_s": round(stock["seconds"], 1),
        "ecologie_report": ours["stats"],
        "consumer_restarts": {"stock": stock["consumer_restarts"], "ecologie": ours["consumer_restarts"]},
    }
    results["reharvest_s"] = round(again["seconds"], 1)
    results["reharvest_report"] = again["stats"]
    results["rss_mb"] = round(max(ours["rss_mb"], again["rss_mb"]), 1)
    results["stock_rss_mb"] = round(stock["rss_mb"], 1)

    ecologie_search = harness.run_in_app(inis["ecologie"], "search", str(arguments.queries))
    stock_search = harness.run_in_app(inis["stock"], "search", str(arguments.queries))
    results["search"] = {
        "p50_ms": ecologie_search["p50_ms"],
        "p95_ms": ecologie_search["p95_ms"],
        "stock_p50_ms": stock_search["p50_ms"],
        "stock_p95_ms": stock_search["p95_ms"],
        "ratio": round(ecologie_search["p95_ms"] / stock_search["p95_ms"], 3),
        "queries": ecologie_search["queries"],
    }
    results["bouquet_page_ms"] = harness.run_in_app(inis["ecologie"], "bouquet_page")["median_ms"]
    started = time.monotonic()
    harness.run_in_app(inis["ecologie"], "unclassify")
    subprocess.run(
        [harness.CKAN, "-c", inis["ecologie"], "ecologie", "themes", "classify", "--all"],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    results["classify_s"] = round(time.monotonic() - started, 1)

    os.makedirs(os.path.join(HERE, "results"), exist_ok=True)
    stamp = datetime.datetime.now().strftime("%Y%m%dT%H%M%S")
    path = os.path.join(HERE, "results", f"{stamp}-n{arguments.n}.json")
    with open(path, "w", encoding="utf-8") as stream:
        json.dump(results, stream, indent=2, ensure_ascii=False)
    harness.print_table(results)
    print(f"\nwritten to {os.path.relpath(path, ROOT)}")


if __name__ == "__main__":
    main()
