"""Keep the harvest consumers alive while their queue is empty.

ckanext-harvest 1.6.3's Redis consumers wait on `BLPOP` with no timeout and
count on the socket to block. redis-py 8, which CKAN 2.12 pins, gives every
socket a 5 second timeout by default, so an idle `gather-consumer` or
`fetch-consumer` dies with "Timeout reading from socket" five seconds after
its queue empties (ckan/ckanext-harvest#581, open). Until a release of
ckanext-harvest fixes it, the harvest queue's Redis clients are built
without a socket timeout, as they were before redis-py 8.
"""

from __future__ import annotations

from typing import Any

_MARK = "_ecologie_blocking"


def keep_harvest_queues_blocking() -> None:
    """Wrap ckanext-harvest's Redis connection factory, once."""
    try:
        from ckanext.harvest import queue
    except ImportError:  # ckanext-harvest is not installed: nothing to keep alive
        return
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
