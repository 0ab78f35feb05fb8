"""`ecologie_udata` on the udata API of a portal served on 127.0.0.1: pages
followed by number, filters sent as API parameters, records mapped."""

from __future__ import annotations

import os

import pytest

from ckanext.ecologie.tests.harvest.servers import Answer
from ckanext.ecologie.tests.harvest.support import datasets_of, extra, harvest, make_aggregator
from ckanext.ecologie.tests.helpers import FIXTURES

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

UDATA = os.path.join(FIXTURES, "harvest", "udata")


def serve_udata(server) -> str:
    pages = {}
    for number in (1, 2):
        with open(os.path.join(UDATA, f"page-{number}.json"), "rb") as stream:
            pages[str(number)] = stream.read()

    def datasets(method: str, query: dict[str, str]) -> Answer:
        return Answer(content_type="application/json; charset=utf-8", body=pages[query.get("page", "1")])

    server.add("/api/1/datasets/", datasets)
    return server.url


def test_udata_portal(catalogue_server, harvest_consumers) -> None:
    source = make_aggregator(
        "ecologie_udata",
        serve_udata(catalogue_server),
        organizations=["ministere-sante"],
        tags=["eau"],
        topic="transition-ecologique",
        page_size=3,
        organization_type="operateur",
    )
    job = harvest(source, harvest_consumers)

    assert job["stats"]["added"] == 4, job
    assert [(q["page"], q["page_size"], q["organization"], q["tag"], q["topic"]) for q in catalogue_server.queries] == [
        ("1", "3", "ministere-sante", "eau", "transition-ecologique"),
        ("2", "3", "ministere-sante", "eau", "transition-ecologique"),
    ]
    datasets = datasets_of(source)
    baignade = datasets["Qualité des eaux de baignade"]
    assert baignade["organization"]["title"] == "Ministère du Travail, de la Santé et des Solidarités"
    assert baignade["license_id"] == "lov2"
    assert baignade["access_rights"] == "open"
    assert baignade["maintainer"] == "Bureau de la qualité des eaux"
    assert sorted((res["name"], res["format"]) for res in baignade["resources"]) == [
        ("Documentation", "PDF"),
        ("Résultats 2024", "CSV"),
    ]
    assert extra(baignade, "temporal_start") == "2013-01-01"
    assert (
        extra(baignade, "source_record_url") == "https://udata.example.test/fr/datasets/qualite-des-eaux-de-baignade/"
    )
    # the record's own identifier URI from its harvest metadata
    air = datasets["Stations de mesure de la qualité de l'air"]
    assert extra(air, "harvest_identifier") == "https://data.example.test/id/dataset/stations-air"
    assert air["license_id"] == "odc-odbl"
    assert '"Point"' in extra(air, "spatial")
    humides = datasets["Zones humides du bassin Loire-Bretagne"]
    assert humides["license_id"] == "fr-lo"
    assert humides["organization"]["title"] == "DREAL Centre-Val de Loire"
    energy = datasets["Installations de production d'électricité renouvelable"]
    assert energy["license_id"] == "cc-by"
    assert energy["organization"]["name"] == "source-de-test-org"  # a person's dataset: the source's organisation
    assert energy["themes"]  # "energie", "electricite", "renouvelable"

    from ckanext.ecologie.tests.helpers import call

    assert call("organization_show", id=humides["organization"]["name"])["organization_type"] == "operateur"
