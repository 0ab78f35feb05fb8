"""Keep the harvest consumers alive while their queue is empty, and name them.

ckanext-harvest 1.6.3's Redis consumers wait on `BLPOP` with no timeout and
count on the socket to block. redis-py 8, which CKAN 2.12 pins, gives every
socket a 5 second timeout by default: each empty wait times out, redis-py
retries with back-off, and an idle `gather-consumer` or `fetch-consumer` dies
with "Timeout reading from socket" about a minute after its queue empties
(63 s measured; ckan/ckanext-harvest#581, open). Until a release of
ckanext-harvest fixes it, the harvest queue's Redis clients are built
without a socket timeout, as they were before redis-py 8.

The consumers' connections also get a Redis client name (`CLIENT SETNAME`)
saying which queue and which site they serve, so that `ckan ecologie doctor`
can count the live consumers in `CLIENT LIST`.
"""

from __future__ import annotations

from typing import Any

_MARK = "_ecologie_blocking"
_NAMED = "_ecologie_named"

# consumer kind -> the public ckanext-harvest factory its command calls
CONSUMER_FACTORIES = {"gather": "get_gather_consumer", "fetch": "get_fetch_consumer"}


def consumer_client_name(kind: str, site_id: str) -> str:
    """The Redis client name of a `kind` ("gather" or "fetch") consumer of a site."""
    # Redis refuses names with spaces or characters outside printable ASCII
    # (and would then refuse the connection): a site_id is free text.
    site = "".join(char if "!" <= char <= "~" else "_" for char in site_id)
    return f"ckan-harvest-{kind}-consumer:{site}"


def keep_harvest_queues_blocking() -> None:
    """Wrap ckanext-harvest's Redis connection factory, once; name the
    consumers' connections (below)."""
    try:
        from ckanext.harvest import queue
    except ImportError:  # ckanext-harvest is not installed: nothing to keep alive
        return
    _name_consumer_connections(queue)
    original = queue.get_connection_redis
    if getattr(original, _MARK, False):
        return

    def blocking_connection() -> Any:
        client = original()
        # connections are made lazily from these arguments: none exists yet
        client.connection_pool.connection_kwargs["socket_timeout"] = None
        return client

    setattr(blocking_connection, _MARK, True)
    queue.get_connection_redis = blocking_connection


def _name_consumer_connections(queue: Any) -> None:
    """`ckan harvester gather-consumer` and `fetch-consumer` get their consumer
    from `get_gather_consumer()` / `get_fetch_consumer()` (imported when the
    command runs, so after the plugins loaded): the factory called tells the
    kind, without reading ckanext-harvest's routing keys.

    `purge_queues()` calls the same factories; its short-lived client closes
    its own connections when dropped, so it does not stay counted."""
    import ckan.plugins.toolkit as tk

    for kind, factory_name in CONSUMER_FACTORIES.items():
        original = getattr(queue, factory_name)
        if getattr(original, _NAMED, False):
            continue

        def named_consumer(original: Any = original, kind: str = kind) -> Any:
            consumer = original()
            if isinstance(consumer, queue.RedisConsumer):  # AMQP channels have no client name
                kwargs = consumer.redis.connection_pool.connection_kwargs
                kwargs["client_name"] = consumer_client_name(kind, tk.config.get("ckan.site_id") or "default")
            return consumer

        setattr(named_consumer, _NAMED, True)
        setattr(queue, factory_name, named_consumer)
