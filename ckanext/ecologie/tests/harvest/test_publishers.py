"""Publishers given by URI: a record's publisher names an organisation only
by its name (foaf:name, vcard:fn, skos:prefLabel); a URI alone, or a "name"
that is an address, leaves the record in its source's organisation. Served
on 127.0.0.1 and harvested through the real queues."""

from __future__ import annotations

import os

import pytest

from ckanext.ecologie.harvest.publishers import publisher_name
from ckanext.ecologie.tests.harvest.support import datasets_of, harvest, make_aggregator
from ckanext.ecologie.tests.helpers import FIXTURES, call

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

SOURCE_ORGANISATION = "source-editeurs-org"


def test_publishers_by_name_never_by_uri(catalogue_server, harvest_consumers) -> None:
    url = catalogue_server.add_file(
        "/publishers.rdf", os.path.join(FIXTURES, "harvest", "publishers.rdf"), "application/rdf+xml"
    )
    source = make_aggregator("ecologie_dcat", url, name="source-editeurs")
    job = harvest(source, harvest_consumers)

    assert not job["gather_errors"] and not job["object_errors"], job
    organisations = call("organization_list", all_fields=True)
    assert sorted((org["name"], org["title"]) for org in organisations) == [
        ("cerema", "Cerema"),
        ("ddt-de-la-somme", "DDT de la Somme"),
        ("office-francais-de-la-biodiversite", "Office français de la biodiversité"),
        (SOURCE_ORGANISATION, "Organisation de source-editeurs"),
    ]
    landed = {title: dataset["organization"]["name"] for title, dataset in datasets_of(source).items()}
    assert landed == {
        "Éditeur nommé par foaf:name": "ddt-de-la-somme",
        "Éditeur nommé par vcard:fn": "office-francais-de-la-biodiversite",
        "Éditeur nommé par skos:prefLabel": "cerema",
        "Éditeur donné par une URI seule": SOURCE_ORGANISATION,
        "Éditeur dont le nom est une URI": SOURCE_ORGANISATION,
        "Éditeur dont le nom est une adresse électronique": SOURCE_ORGANISATION,
        "Éditeur sans nom": SOURCE_ORGANISATION,
    }


NAMES = [
    ("DDT de la Somme", "DDT de la Somme"),
    ("  Cerema ", "Cerema"),
    ("https://api.example.test/v1/contacts/77", None),
    ("urn:uuid:6f1c0b1e-7d1a-4c1e-9d8e-2b6a4a1f0c11", None),
    ("mailto:sig@example.test", None),
    ("sig@example.test", None),
    ("_:N5b1e0c9d", None),
    ("", None),
    (None, None),
]


def test_publisher_names() -> None:
    assert [publisher_name(value) for value, _ in NAMES] == [expected for _, expected in NAMES]
