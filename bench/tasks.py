"""Benchmark steps that run inside a CKAN app (one process per step, with
the configuration given): python bench/tasks.py INI TASK [ARGS...]. Each
prints one JSON line, except search_server, which answers commands read
from stdin until it closes."""

from __future__ import annotations

import json
import logging
import random
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

from ckan.cli import load_config
from ckan.config.middleware import make_app

BOUQUET_ITEMS = 200


def _action(action_name: str, **data: Any) -> Any:
    import ckan.plugins.toolkit as tk

    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return tk.get_action(action_name)({"user": site_user["name"]}, data)


def prepare_source(url: str, source_type: str) -> dict[str, Any]:
    import ckan.plugins.toolkit as tk

    try:
        _action("organization_show", id="bench-org")
    except tk.ObjectNotFound:
        _action("organization_create", name="bench-org", title="Organisation du banc d'essai")
    name = f"bench-{source_type.replace('_', '-')}"
    try:
        source = _action("harvest_source_show", id=name)
    except tk.ObjectNotFound:
        source = _action(
            "harvest_source_create",
            name=name,
            title=name,
            url=url,
            source_type=source_type,
            owner_org="bench-org",
            frequency="MANUAL",
        )
    if source_type.startswith("ecologie_"):
        _trust_publishers(source)
    return {"name": source["name"], "id": source["id"]}


def _trust_publishers(source: dict[str, Any]) -> None:
    """The generated catalogue is an aggregator's (many publishers): declared
    so, as a sources file would, its records go to their publishers'
    organisations."""
    from ckanext.ecologie.harvest import sources, trust

    spec = sources.SourceSpec(
        name=source["name"],
        title=source["title"],
        url=source["url"],
        source_type=source["source_type"],
        organization={"name": "bench-org"},
        frequency="MANUAL",
        config=source.get("config") or "",
        publishers=True,
    )
    trust.declare([spec])


def harvest(source_name: str, expected: str) -> dict[str, Any]:
    """Create a job, run it through the queues (the consumers are running)
    and wait until it is finished and every record is searchable."""
    source = _action("harvest_source_show", id=source_name)
    started = time.monotonic()
    job = _action("harvest_job_create", source_id=source["id"])
    _action("harvest_jobs_run", source_id=source["id"])  # sends the job to the gather queue
    while True:
        # `harvest_jobs_run` (cron's `ckan harvester run`) walks every waiting
        # object: called each second it would take a core from the consumers.
        # It runs once the job's objects are all done, to mark it finished.
        if _objects_done(job["id"]):
            _action("harvest_jobs_run", source_id=source["id"])
            job = _action("harvest_job_show", id=job["id"])
            if job["status"] == "Finished":
                break
        time.sleep(1)
    count = -1
    for _ in range(120):  # a commit may still be on its way
        count = _action("package_search", fq=f'harvest_source_id:"{source["id"]}"', rows=0, include_private=True)[
            "count"
        ]
        if count >= int(expected) or job["stats"].get("errored"):
            break
        time.sleep(0.5)
    return {"seconds": time.monotonic() - started, "stats": job["stats"], "searchable": count}


def _objects_done(job_id: str) -> bool:
    import ckan.model as model
    from sqlalchemy import text

    model.Session.commit()  # a fresh snapshot
    gathered, pending = model.Session.execute(
        text(
            "SELECT (SELECT gather_finished IS NOT NULL FROM harvest_job WHERE id = :id), "
            "(SELECT count(*) FROM harvest_object WHERE harvest_job_id = :id AND state NOT IN ('COMPLETE', 'ERROR'))"
        ),
        {"id": job_id},
    ).one()
    return bool(gathered) and pending == 0


def _queries(count: int) -> list[dict[str, Any]]:
    rng = random.Random(7)
    themes = [
        "eau",
        "risques",
        "amenagement-et-urbanisme",
        "nature-paysages-et-biodiversite",
        "climat",
        "transport-et-deplacements",
        "nuisances-dechets-et-pollution",
        "industrie",
    ]
    words = ["", "", "qualité", "inondation", "Occitanie", "vélo", "2019", "énergie"]
    facets = [
        "vocab_ecosphere_theme",
        "vocab_ecosphere_subtheme",
        "organization",
        "res_format",
        "license_id",
        "vocab_access_rights",
        "vocab_organization_type",
    ]
    return [
        {
            "q": rng.choice(words),
            "fq": f'+dataset_type:dataset +vocab_ecosphere_theme:"{rng.choice(themes)}"',
            "facet.field": facets,
            "rows": 20,
            "start": rng.choice([0, 0, 20]),
        }
        for _ in range(count)
    ]


def search_server(count: str) -> None:
    """Theme-faceted searches as an anonymous visitor, on command, for
    bench/harness.py: reads lines from stdin and answers each with one JSON
    line on stdout. "warmup" runs the whole seeded list once, untimed;
    "block START COUNT" runs queries START to START+COUNT-1 of it, timed one
    by one. Ends with stdin."""
    import ckan.plugins.toolkit as tk

    queries = _queries(int(count))

    def run(query: dict[str, Any]) -> float:
        started = time.perf_counter()
        tk.get_action("package_search")({"user": "", "ignore_auth": False}, dict(query))
        return (time.perf_counter() - started) * 1000

    while line := sys.stdin.readline():
        command, *args = line.split()
        if command == "warmup":
            for query in queries:
                run(query)
            answer: dict[str, Any] = {"warm": len(queries)}
        elif command == "block":
            start, size = int(args[0]), int(args[1])
            answer = {"timings_ms": [round(run(query), 3) for query in queries[start : start + size]]}
        else:
            answer = {"error": f"unknown command {command}"}
        print(json.dumps(answer), flush=True)


def bouquet_page(app: Any) -> dict[str, Any]:
    """A published bouquet of 200 items over harvested datasets, its page
    fetched 20 times by an anonymous visitor."""
    datasets = _action("package_search", fq="+dataset_type:dataset", rows=BOUQUET_ITEMS)["results"]
    bouquet = _action(
        "package_create",
        type="bouquet",
        name="bench-bouquet",
        title="Bouquet du banc d'essai",
        themes=["mieux-se-loger"],
        private=False,
    )
    items = [
        {"package_id": dataset["id"], "purpose": "Mesurer", "group": f"Groupe {index % 5}"}
        for index, dataset in enumerate(datasets)
    ]
    items += [{"label": f"Donnée manquante {index}"} for index in range(BOUQUET_ITEMS - len(items))]
    _action("ecologie_bouquet_item_create", bouquet_id=bouquet["id"], items=items)
    client = app.test_client()
    client.get(f"/bouquet/{bouquet['name']}")
    timings = []
    for _ in range(20):
        started = time.perf_counter()
        response = client.get(f"/bouquet/{bouquet['name']}")
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return {"median_ms": round(statistics.median(timings), 1), "items": len(items)}


def unclassify() -> dict[str, Any]:
    """Forget the classifier's themes, so that classifying has all to do."""
    from ckan import model
    from sqlalchemy import text

    result = model.Session.execute(
        text(
            "UPDATE package SET extras = extras - 'themes' - 'themes_origin' "
            "WHERE type = 'dataset' AND extras->>'themes_origin' = 'classifier'"
        )
    )
    model.Session.commit()
    return {"unclassified": result.rowcount}  # type: ignore[attr-defined]


def page_read(path: str, rounds: str) -> dict[str, Any]:
    """One page read into records, alternating: ours (harvest/rdf.py and
    harvest/dcat.py: our profiles, on the plain graph for Turtle) and
    stock ckanext-dcat's `RDFParser` (its context-aware graph, the profiles
    of `ckanext.dcat.rdf.profiles`, as the stock configuration has them).
    Medians of `rounds` reads each."""
    from ckanext.dcat.processors import RDFParser

    from ckanext.ecologie.harvest import rdf
    from ckanext.ecologie.harvest.dcat import dataset_records
    from ckanext.ecologie.harvest.enrich import SourceInfo
    from ckanext.ecologie.harvest.ownership import Reach

    with open(path, "rb") as page:
        body = page.read()
    source = SourceInfo("bench", "bench", "http://127.0.0.1/", None, Reach("bench", None))

    def ours() -> int:
        return len(list(dataset_records(rdf.parse(body, "turtle", len(body) + 1), source)))

    def stock() -> int:
        parser = RDFParser()
        parser.parse(body.decode("utf-8"), _format="turtle")
        return len(list(parser.datasets()))

    timings: dict[str, list[float]] = {"ours": [], "stock": []}
    counts = {}
    for _ in range(int(rounds)):
        for name, read in (("ours", ours), ("stock", stock)):
            started = time.perf_counter()
            counts[name] = read()
            timings[name].append(time.perf_counter() - started)
    ours_s, stock_s = statistics.median(timings["ours"]), statistics.median(timings["stock"])
    return {
        "records": counts["ours"],
        "stock_records": counts["stock"],
        "rounds": int(rounds),
        "ecologie_s": round(ours_s, 3),
        "stock_s": round(stock_s, 3),
        "ratio": round(ours_s / stock_s, 3),
    }


def dataset_work(sample: str) -> dict[str, Any]:
    """What CKAN's per-dataset steps cost (with our plugins' hooks in them),
    which the import keeps for every dataset it writes: validation (as an
    update: package_update's schema with the classifier's theme fields, as
    the importer validates its updates), the read the search document is
    built from, the document, and the read the activity holds. Timed on
    `sample` harvested datasets, one after the other, after a first pass
    that warms the caches: each step's mean wall time, and the CPU time the
    measured pass took here and in PostgreSQL (every `postgres` process of
    this machine: run it on an otherwise idle one). Nothing is written.

    `about_per_s` is the rate this CPU time allows on every core: about as
    fast as these steps alone could go, with no write, no Solr request and
    no queue."""
    import copy
    import os

    import ckan.lib.plugins as lib_plugins
    import ckan.plugins.toolkit as tk
    import psutil
    from ckan import logic, model

    from ckanext.ecologie.contexts import site_context
    from ckanext.ecologie.search_documents import DocumentBuilder
    from ckanext.ecologie.themes import harvest_hook

    ids = [
        package_id
        for (package_id,) in model.Session.query(model.Package.id)
        .filter(model.Package.type == "dataset", model.Package.state == "active")
        .order_by(model.Package.name)
        .limit(int(sample))
    ]
    if not ids:
        raise RuntimeError("no harvested dataset to time")
    shown_before = {
        package_id: tk.get_action("package_show")({"ignore_auth": True, "use_cache": False}, {"id": package_id})
        for package_id in ids
    }
    context = site_context()
    builder = DocumentBuilder()
    timings: dict[str, list[float]] = {"validate": [], "index_read": [], "document": [], "activity_read": []}

    def timed(step: str, work: Callable[[], Any]) -> Any:
        started = time.perf_counter()
        result = work()
        timings[step].append(time.perf_counter() - started)
        return result

    def one_dataset(package_id: str, dataset: dict[str, Any]) -> None:
        plugin = lib_plugins.lookup_package_plugin(dataset["type"])
        schema = harvest_hook.schema_for_import(plugin.update_package_schema())
        validation_context = {**context, "package": model.Package.get(package_id)}
        _, errors = timed(
            "validate",
            lambda: lib_plugins.plugin_validate(plugin, validation_context, dataset, schema, "package_update"),
        )
        if errors:
            raise RuntimeError(f"a harvested dataset does not validate: {errors}")
        shown = timed("index_read", lambda: logic.package_show_default_and_custom_schemas(context, package_id))
        timed("document", lambda: builder.document(shown))
        timed(
            "activity_read",
            lambda: tk.get_action("package_show")(
                {"for_view": False, "ignore_auth": True, "use_cache": False},
                {"id": package_id, "include_tracking": False},
            ),
        )
        model.Session.rollback()  # nothing is written

    def cpu_seconds() -> tuple[float, float]:
        """This process's CPU time, and PostgreSQL's."""
        database = 0.0
        for process in psutil.process_iter(["name", "cpu_times"]):
            if process.info["name"] == "postgres" and process.info["cpu_times"] is not None:
                database += process.info["cpu_times"].user + process.info["cpu_times"].system
        return time.process_time(), database

    for _pass in ("warming", "measured"):
        for step_timings in timings.values():
            step_timings.clear()
        datasets = copy.deepcopy(shown_before)
        python_before, database_before = cpu_seconds()
        for package_id in ids:
            one_dataset(package_id, datasets[package_id])
        python_after, database_after = cpu_seconds()
    means = {step: round(statistics.fmean(times) * 1000, 2) for step, times in timings.items()}
    cpu_ms = {
        "python": round((python_after - python_before) * 1000 / len(ids), 2),
        "postgresql": round((database_after - database_before) * 1000 / len(ids), 2),
    }
    cores = len(os.sched_getaffinity(0))
    return {
        "datasets": len(ids),
        "mean_ms": means,
        "sum_ms": round(sum(means.values()), 2),
        "cpu_ms": cpu_ms,
        "cores": cores,
        "about_per_s": round(cores * 1000 / sum(cpu_ms.values()), 1),
    }


TASKS = {
    "prepare_source": prepare_source,
    "harvest": harvest,
    "unclassify": unclassify,
    "page_read": page_read,
    "dataset_work": dataset_work,
}


def main(ini: str, task: str, *args: str) -> None:
    app = make_app(load_config(ini))
    logging.getLogger().setLevel(logging.WARNING)
    flask_app = app._wsgi_app  # type: ignore[attr-defined]
    with flask_app.test_request_context():
        if task == "search_server":
            search_server(*args)
            return
        result = bouquet_page(flask_app) if task == "bouquet_page" else TASKS[task](*args)
    print(json.dumps(result))


if __name__ == "__main__":
    main(*sys.argv[1:])
