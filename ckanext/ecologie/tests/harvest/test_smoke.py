import os

import pytest

from ckanext.ecologie.tests.harvest.support import datasets_of, harvest, make_source
from ckanext.ecologie.tests.helpers import FIXTURES

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


def test_smoke(catalogue_server, harvest_consumers):
    url = catalogue_server.add_file("/c.ttl", os.path.join(FIXTURES, "dcat", "three-datasets.ttl"), "text/turtle")
    source = make_source("ecologie_dcat", url)
    job = harvest(source, harvest_consumers)
    print(job)
    assert job["stats"]["added"] == 3
    print(datasets_of(source))
    job = harvest(source, harvest_consumers)
    assert job["stats"]["not modified"] == 3, job
