"""Harvest checks: consumers connected to the queue's Redis, what waits in the
queues, and the last job of each active harvest source."""

from __future__ import annotations

import datetime
import os
from collections.abc import Mapping
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
import redis
import sqlalchemy as sa

from ckanext.ecologie.contexts import site_context
from ckanext.ecologie.doctor.fixes import ckan_command, ini_file
from ckanext.ecologie.doctor.result import Result, fail, ok, warn
from ckanext.ecologie.doctor.service_checks import NO_RETRY, TIMEOUT_S
from ckanext.ecologie.harvest.queue_connection import CONSUMER_FACTORIES, consumer_client_name

KINDS = tuple(CONSUMER_FACTORIES)
DEV_SERVICES = "tools/services.sh"


def queue_client() -> redis.Redis:
    """A client of the harvest queues' Redis, as ckanext-harvest builds it
    (same options), with a short timeout instead of none (see queue_connection)."""
    from ckanext.harvest import queue

    client = queue.get_connection_redis()
    client.connection_pool.connection_kwargs.update(socket_timeout=TIMEOUT_S, socket_connect_timeout=TIMEOUT_S)
    client.set_retry(NO_RETRY)  # redis-py retries a timeout 3 times, with backoff
    return client


def _routing_keys() -> dict[str, str]:
    # with Redis, a queue is the list named by its routing key (the queue
    # names of get_*_queue_name() are AMQP's)
    from ckanext.harvest import queue

    return {"gather": queue.get_gather_routing_key(), "fetch": queue.get_fetch_routing_key()}


def _start_fix(kind: str) -> str:
    fix = f"start one under your supervisor: {ckan_command(f'harvester {kind}-consumer')}"
    if os.path.isfile(DEV_SERVICES):  # run from a checkout of this project
        fix += f" (development: {DEV_SERVICES} consumers {ini_file()})"
    return fix


def consumers(client: redis.Redis) -> tuple[list[Result], dict[str, int] | None]:
    """Counts the connections named by queue_connection for this site (None:
    they could not be counted)."""
    site = tk.config.get("ckan.site_id") or "default"
    try:
        clients = client.client_list()
    except redis.ResponseError as error:  # CLIENT LIST refused (ACL, renamed command)
        results = [
            warn(f"consumers.{kind}", f"cannot list Redis clients: {error}", "allow CLIENT LIST to this Redis user")
            for kind in KINDS
        ]
        return results, None
    # consumers started before their connections were named wait on BLPOP
    # anonymously in the queues' database: they are not counted, but said
    db = str(client.connection_pool.connection_kwargs.get("db", 0))
    anonymous = sum(
        1 for info in clients if not info.get("name") and info.get("cmd") == "blpop" and info.get("db") == db
    )
    results, live = [], {}
    for kind in KINDS:
        mine = [info for info in clients if info.get("name") == consumer_client_name(kind, site)]
        live[kind] = len(mine)
        if not mine:
            hint = f"; {anonymous} unnamed clients wait on BLPOP (consumers started before the upgrade? restart them)"
            message = f"no {kind} consumer connected for site {site}" + (hint if anonymous else "")
            results.append(fail(f"consumers.{kind}", message, _start_fix(kind)))
            continue
        working = sum(1 for info in mine if info.get("cmd") != "blpop")
        state = f"{working} at work" if working else "waiting for work"
        noun = "consumer" if len(mine) == 1 else "consumers"
        results.append(ok(f"consumers.{kind}", f"{len(mine)} {kind} {noun} connected for site {site} ({state})"))
    return results, live


def queues(client: redis.Redis, live: Mapping[str, int] | None) -> Result:
    """What waits in each queue, and what a consumer took but has not
    finished (ckanext-harvest keeps a `ROUTING_KEY:ID` key for each)."""
    parts, problems = [], []
    for kind, key in _routing_keys().items():
        waiting = int(client.llen(key))
        taken = sum(1 for _ in client.scan_iter(match=_glob_escaped(key) + ":*", count=1000))
        parts.append(f"{kind} {waiting} waiting, {taken} in progress")
        if waiting and live is not None and not live.get(kind):
            problems.append((kind, f"{waiting} waiting in the {kind} queue and no {kind} consumer is connected"))
    message = "; ".join(parts)
    if problems:
        stalled = "; ".join(text for _, text in problems)
        return warn("queues", f"{stalled} ({message})", _start_fix(problems[0][0]))
    return ok("queues", message)


def _glob_escaped(text: str) -> str:
    return "".join("\\" + char if char in "*?[]\\" else char for char in text)


def sources(stuck_after: datetime.timedelta, now: datetime.datetime | None = None) -> list[Result]:
    """One result per active source, through the harvest actions as the site user."""
    now = now or datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)  # ckanext-harvest stores UTC
    try:
        found = tk.get_action("harvest_source_list")(site_context(), {"only_active": True})
        results = [_source(source, stuck_after, now) for source in found]
    except sa.exc.SQLAlchemyError as error:
        model.Session.rollback()
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        fix = ckan_command("db upgrade -p harvest")
        return [fail("harvest.sources", f"cannot read the harvest sources: {reason}", fix)]
    if not results:
        return [warn("harvest.sources", "no active harvest source", ckan_command("ecologie sources load FILE"))]
    limit = int(tk.config.get("ckan.harvest.harvest_source_limit", 100) or 0)
    if limit and len(found) >= limit:  # harvest_source_list stops there (0: no limit)
        results.append(
            warn(
                "harvest.sources",
                f"only the {limit} most recent sources were checked",
                "raise ckan.harvest.harvest_source_limit",
            )
        )
    return sorted(results, key=lambda result: result.check)


def _source(source: dict[str, Any], stuck_after: datetime.timedelta, now: datetime.datetime) -> Result:
    package = model.Package.get(source["id"])
    name = package.name if package else source["id"]
    check = f"harvest.source {name}"
    status = tk.get_action("harvest_source_show_status")(site_context(), {"id": source["id"]})
    job = status.get("last_job")
    if not job:
        if source.get("frequency") in (None, "", "MANUAL"):
            return warn(check, "never harvested (frequency MANUAL)", ckan_command(f"harvester job {name}"))
        return warn(
            check,
            f"never harvested although due {source['frequency']}",
            f"put `{ckan_command('harvester run')}` in cron, every few minutes",
        )
    if job["status"] != "Finished":
        started = _parsed(job.get("created"))
        if started and now - started > stuck_after:
            return warn(
                check,
                f"job {job['status']} since {_shown(started)}, more than {_hours(stuck_after)}",
                f"put `{ckan_command('harvester run')}` in cron (it finishes jobs); if it is, "
                f"{ckan_command(f'harvester job-abort {name}')}",
            )
        return ok(check, f"job {job['status']} since {_shown(started)}")
    stats = job.get("stats") or {}
    counts = ", ".join(f"{stats.get(key, 0)} {key}" for key in ("added", "updated", "not modified", "deleted"))
    finished = _shown(_parsed(job.get("finished") or job.get("gather_finished")))
    errors = int(stats.get("errored") or 0)
    if errors:
        plural = "s" if errors != 1 else ""
        message = f"last job finished {finished} with {errors} error{plural} ({counts})"
        return warn(check, message, ckan_command(f"ecologie harvest report {name}"))
    pending = int(status.get("deletions_pending") or 0)
    if pending:
        return warn(
            check,
            f"last job finished {finished}; {pending} deletion{'s' if pending != 1 else ''} waiting for confirmation",
            f"check the source, then {ckan_command(f'ecologie harvest confirm-deletions {name}')}",
        )
    return ok(check, f"last job finished {finished} ({counts})")


def _parsed(value: str | None) -> datetime.datetime | None:
    try:
        return datetime.datetime.fromisoformat(value) if value else None
    except ValueError:
        return None


def _shown(moment: datetime.datetime | None) -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC" if moment else "(unknown time)"


def _hours(delta: datetime.timedelta) -> str:
    hours = delta.total_seconds() / 3600
    return f"{hours:g} h"
