from __future__ import annotations

from collections.abc import Iterator

import pytest

from ckanext.ecologie.tests.harvest.servers import CatalogueServer


@pytest.fixture
def catalogue_server() -> Iterator[CatalogueServer]:
    with CatalogueServer() as server:
        yield server
