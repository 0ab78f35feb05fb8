"""The stock consumers outlive an empty queue: redis-py 8's default 5 s
socket timeout, retried with backoff, kills an idle `gather-consumer` or
`fetch-consumer` after about a minute (ckan/ckanext-harvest#581)."""

from __future__ import annotations

import time

import pytest

from ckanext.ecologie.tests.harvest.servers import Answer
from ckanext.ecologie.tests.harvest.support import harvest, make_source
from ckanext.ecologie.tests.harvest.support_catalogues import catalogue

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

# measured without our fix: an idle consumer of test.ini exits after 63 s
IDLE_DEATH_S = 63


def test_consumers_wait_on_empty_queues_then_harvest(catalogue_server, harvest_consumers) -> None:
    url = catalogue_server.add("/c.ttl", Answer(content_type="text/turtle", body=catalogue(range(1, 4))))
    source = make_source("ecologie_dcat", url)

    time.sleep(IDLE_DEATH_S + 12)  # both queues empty all along
    harvest_consumers.assert_alive()
    assert harvest(source, harvest_consumers)["stats"]["added"] == 3
