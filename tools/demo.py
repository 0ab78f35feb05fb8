"""Demo content for `make dev`: the sysadmin, a harvest of the demo sources
(declared beforehand by `ckan ecologie sources load demo/sources.yaml`)
through our harvesters and the real queues, then the demo bouquets of
demo/bouquets.yaml built on the harvested datasets.

Idempotent: what exists is kept; a source is harvested again only when it
holds no dataset yet, a bouquet is created only when absent.

    python tools/demo.py dev.ini .local/admin-password demo/sources.yaml demo/bouquets.yaml
"""

from __future__ import annotations

import logging
import os
import secrets
import sys
import time
from typing import Any

import yaml
from ckan.cli import load_config
from ckan.config.middleware import make_app

HARVEST_TIMEOUT_S = 300


def action(action_name: str, **data: Any) -> Any:
    import ckan.plugins.toolkit as tk

    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return tk.get_action(action_name)({"user": site_user["name"], "ignore_auth": True}, data)


def ensure_admin(password_file: str) -> str:
    import ckan.plugins.toolkit as tk

    try:
        action("user_show", id="admin")
        with open(password_file, encoding="utf-8") as stream:
            return stream.read().strip()
    except tk.ObjectNotFound:
        pass
    except FileNotFoundError:
        return "(set before; reset it with: ckan -c dev.ini user setpass admin)"
    password = secrets.token_urlsafe(12)
    action("user_create", name="admin", email="admin@example.org", password=password, fullname="Administrateur")
    user = tk.get_action("user_show")({"ignore_auth": True}, {"id": "admin"})
    action("user_patch", id=user["id"], sysadmin=True)
    os.makedirs(os.path.dirname(password_file), exist_ok=True)
    with open(os.open(password_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", encoding="utf-8") as stream:
        stream.write(password)
    return password


def demo_sources(sources_file: str) -> list[dict[str, Any]]:
    from ckanext.ecologie.harvest.sources import parse

    with open(sources_file, encoding="utf-8") as stream:
        return [action("harvest_source_show", id=spec.name) for spec in parse(stream.read())]


def harvest(sources: list[dict[str, Any]]) -> None:
    """Queue a job for each empty source, then wait for the consumers."""
    waiting = []
    for source in sources:
        status = action("harvest_source_show_status", id=source["id"])
        last_job = status.get("last_job") or {}
        if status["total_datasets"] == 0 and last_job.get("status") not in ("New", "Running"):
            action("harvest_job_create", source_id=source["id"])
        if status["total_datasets"] == 0:
            waiting.append(source)
    if not waiting:
        return
    print(f"[demo] harvesting {len(waiting)} demo sources through the gather and fetch consumers")
    deadline = time.monotonic() + HARVEST_TIMEOUT_S
    while waiting and time.monotonic() < deadline:
        action("harvest_jobs_run")  # starts new jobs, closes finished ones
        for source in list(waiting):
            job = action("harvest_source_show_status", id=source["id"]).get("last_job") or {}
            if job.get("status") == "Finished":
                stats = job.get("stats", {})
                print(f"[demo] {source['name']}: {stats.get('added', 0)} added, {stats.get('errored', 0)} errors")
                waiting.remove(source)
        time.sleep(1)
    if waiting:
        names = ", ".join(source["name"] for source in waiting)
        sys.exit(f"error: the demo harvest of {names} did not finish: see .local/logs/*-consumer.log")


def dataset_id(title: str) -> str:
    found = action("package_search", q=f'title:"{title}"', rows=1, include_private=True)["results"]
    if not found or found[0]["title"] != title:
        sys.exit(f"error: demo bouquet item: no harvested dataset titled {title!r}")
    return found[0]["id"]


def create_bouquets(bouquets_file: str) -> None:
    """Each bouquet of the file, with its items, unless it exists already."""
    import ckan.plugins.toolkit as tk

    with open(bouquets_file, encoding="utf-8") as stream:
        specs = yaml.safe_load(stream)["bouquets"]
    for spec in specs:
        try:
            action("package_show", id=spec["name"])
            continue
        except tk.ObjectNotFound:
            pass
        bouquet = action(
            "package_create",
            type="bouquet",
            private=False,
            owner_org=spec.get("organization"),
            **{key: spec[key] for key in ("name", "title", "notes", "themes", "spatial_coverage")},
        )
        items = []
        for item in spec["items"]:
            fields = {key: value for key, value in item.items() if key != "dataset"}
            if "dataset" in item:
                fields["package_id"] = dataset_id(item["dataset"])
            items.append(fields)
        action("ecologie_bouquet_item_create", bouquet_id=bouquet["id"], items=items)
        print(f"[demo] bouquet {spec['name']}: {len(items)} items")


def main(ini: str, password_file: str, sources_file: str, bouquets_file: str) -> None:
    app = make_app(load_config(ini))
    logging.getLogger().setLevel(logging.WARNING)
    for name in ("ckan", "ckanext"):
        logging.getLogger(name).setLevel(logging.WARNING)
    with app._wsgi_app.test_request_context():
        password = ensure_admin(password_file)
        harvest(demo_sources(sources_file))
        create_bouquets(bouquets_file)
        count = action("package_search", rows=0)["count"]
    print(f"[demo] {count} datasets in the catalogue")
    print(f"[demo] sysadmin: admin / {password}")


if __name__ == "__main__":
    main(*sys.argv[1:5])
