"""All the checks, in the order they are printed: configuration, services,
harvest consumers and queues, harvest sources. A check that needs a service
which failed says it was not checked rather than failing again."""

from __future__ import annotations

import datetime

import redis

from ckanext.ecologie.doctor import config_checks, harvest_checks, service_checks
from ckanext.ecologie.doctor.result import Result, Status, warn


def run(stuck_after: datetime.timedelta) -> list[Result]:
    configured = [
        config_checks.required_options(),
        config_checks.plugin_list(),
        config_checks.dcat_profiles(),
        config_checks.proconnect(),
        config_checks.mail(),
        harvest_queue := config_checks.harvest_queue(),
    ]
    results = [result for result in configured if result is not None]

    database, engine = service_checks.database()
    results.append(database)
    results.append(service_checks.migrations(engine) if engine else _not_checked("migrations", "the database"))
    results.append(service_checks.solr(engine))
    results.append(service_checks.redis_server())
    results.extend(result for result in (service_checks.openid_provider(), service_checks.smtp()) if result)
    if engine is not None:
        engine.dispose()

    if harvest_queue is not None and harvest_queue.status is Status.OK:
        results.extend(_harvest_queues())
        if engine is not None:
            results.extend(harvest_checks.sources(stuck_after))
        else:
            results.append(_not_checked("harvest.sources", "the database"))
    return results


def _harvest_queues() -> list[Result]:
    client = harvest_checks.queue_client()
    try:
        consumers, live = harvest_checks.consumers(client)
        return [*consumers, harvest_checks.queues(client, live)]
    except redis.RedisError as error:
        fix = "start Redis, or correct the ckan.harvest.mq.* options (or ckan.redis.url)"
        return [
            warn(name, f"not checked: the harvest queues' Redis does not answer ({error})", fix)
            for name in ("consumers", "queues")
        ]
    finally:
        client.close()


def _not_checked(check: str, service: str) -> Result:
    return warn(check, f"not checked: {service} does not answer", f"fix {service} first (above)")
