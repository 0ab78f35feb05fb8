"""DCAT-US 1.1 feeds (`data.json`, as ArcGIS Hub publishes them for French
local authorities): their remote `@context` replaced by the shipped copy,
never fetched, and their records harvested whole through `ecologie_dcat` and
the stock queues. Any other remote context is still refused."""

from __future__ import annotations

import copy
import json
import os
import socket
from typing import Any

import pytest

from ckanext.ecologie.dcat.dcat_us import bbox_geometry, interval
from ckanext.ecologie.harvest import jsonld_contexts, rdf
from ckanext.ecologie.tests.harvest.servers import Answer
from ckanext.ecologie.tests.harvest.support import datasets_of, extra, harvest, make_aggregator
from ckanext.ecologie.tests.helpers import CORPUS

EVIAN = os.path.join(CORPUS, "dcat", "evian.json")
POD_CONTEXT = "https://project-open-data.cio.gov/v1.1/schema/catalog.jsonld"
HUB = "https://ville-d-evian-opendata-ville-evian.hub.arcgis.com"
ITEM = "https://www.arcgis.com/home/item.html?id="


def _box(west: float, south: float, east: float, north: float) -> dict[str, Any]:
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


def _resources(dataset: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    return sorted((res["name"], res["url"], res["format"], res["mimetype"]) for res in dataset["resources"])


def _layer_resources(item: str, layer: int, service: str) -> list[tuple[str, str, str, str]]:
    download = f"{HUB}/api/download/v1/items/{item}"
    return sorted(
        [
            ("ArcGIS Hub Dataset", f"{HUB}/maps/{item}_{layer}", "HTML", "text/html"),
            ("ArcGIS GeoService", f"{service}/FeatureServer/{layer}", "Esri REST", "application/json"),
            ("CSV", f"{download}/csv?layers={layer}", "CSV", "text/csv"),
            ("GeoJSON", f"{download}/geojson?layers={layer}", "GeoJSON", "application/vnd.geo+json"),
            ("Shapefile", f"{download}/shapefile?layers={layer}", "ZIP", "application/zip"),
            ("KML", f"{download}/kml?layers={layer}", "KML", "application/vnd.google-earth.kml+xml"),
        ]
    )


# -- the shipped context, in-process -------------------------------------------


def test_known_contexts_are_inlined_and_unknown_ones_kept() -> None:
    shipped = jsonld_contexts.shipped(POD_CONTEXT)
    assert shipped is not None
    assert shipped["accessLevel"] == "pod:accessLevel"
    assert shipped["pod"] == "https://project-open-data.cio.gov/v1.1/schema#"
    assert jsonld_contexts.shipped("http://project-open-data.cio.gov/v1.1/schema/catalog.jsonld") == shipped
    assert jsonld_contexts.shipped("https://example.org/context.jsonld") is None

    document = {
        "@context": [POD_CONTEXT, {"ex": "https://example.org/"}],
        "dataset": [{"@context": "https://example.org/context.jsonld", "title": "x"}],
    }
    before = copy.deepcopy(document)
    inlined = jsonld_contexts.substitute(document)
    assert document == before  # a copy: the page's own document is left alone
    assert inlined == {
        "@context": [shipped, {"ex": "https://example.org/"}],
        "dataset": [{"@context": "https://example.org/context.jsonld", "title": "x"}],
    }


def test_feed_parses_without_any_connection(monkeypatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError(f"network access attempted: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    with open(EVIAN, "rb") as stream:
        parser = rdf.parse(stream.read(), "json-ld", 10 * 1024 * 1024)
    titles = sorted(dataset["title"] for dataset in parser.datasets())
    assert titles == [
        "Carte piéton concertation",
        "Carte vélo finale",
        "Publication actes dématérialisés",
        "defibrillateurs",
        "places PMR",
        "places de marche",
        "poubelles",
        "stationnement velos",
    ]


def test_addresses_resolve_against_the_page_and_empty_ones_are_none() -> None:
    feed = {
        "@context": POD_CONTEXT,
        "dataset": [
            {
                "@type": "dcat:Dataset",
                "identifier": "item-1",
                "title": "Relative",
                "accessLevel": "public",
                "landingPage": "",
                "distribution": [
                    {"title": "Empty", "accessURL": "", "downloadURL": ""},
                    {"title": "Relative", "downloadURL": "files/relative.csv"},
                ],
            }
        ],
    }
    parser = rdf.parse(json.dumps(feed).encode(), "json-ld", 10**6, base="https://hub.test.example.org/data.json")
    (dataset,) = list(parser.datasets())
    assert dataset.get("url", "") == ""
    assert sorted((res["name"], res.get("url", "")) for res in dataset["resources"]) == [
        ("Empty", ""),  # dropped at import: no address
        ("Relative", "https://hub.test.example.org/files/relative.csv"),
    ]


def test_bounding_boxes_and_intervals() -> None:
    assert bbox_geometry("6.5735,46.3912,6.6069,46.4028") == _box(6.5735, 46.3912, 6.6069, 46.4028)
    assert bbox_geometry(" -5.2, 41.3 , 9.6,51.1 ") == _box(-5.2, 41.3, 9.6, 51.1)
    assert bbox_geometry("2.35,48.85,2.35,48.85") == {"type": "Point", "coordinates": [2.35, 48.85]}
    assert bbox_geometry("{{extent:computeSpatialProperty}}") is None
    assert bbox_geometry("6.6,46.4,6.5,46.3") is None  # west of east, south of north
    assert bbox_geometry("46.39,186.57,46.40,186.60") is None  # not degrees
    assert bbox_geometry("Évian-les-Bains") is None

    assert interval("2019-01-01/2020-12-31") == ("2019-01-01", "2020-12-31")
    assert interval("2000-01-15T00:45:00Z/2010-01-15T00:06:00Z") == ("2000-01-15T00:45:00Z", "2010-01-15T00:06:00Z")
    assert interval("2019-01-01/P1Y") == ("2019-01-01", None)
    assert interval("R/2019-01-01/P1D") == ("2019-01-01", None)
    assert interval("R/P1D") == (None, None)
    assert interval("2019") == ("2019", None)
    assert interval("depuis toujours") == (None, None)


# -- through the queues ---------------------------------------------------------

through_queues = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


@through_queues
def test_arcgis_hub_feed_imports_every_record_whole(catalogue_server, harvest_consumers) -> None:
    url = catalogue_server.add_file("/data.json", EVIAN, "application/json")
    source = make_aggregator("ecologie_dcat", url)
    job = harvest(source, harvest_consumers)

    assert not job["gather_errors"] and not job["object_errors"], job
    # The stored datasets, not the job's stats: ckanext-harvest may deliver an
    # object twice, and the second delivery counts as an update.
    datasets = datasets_of(source)
    assert len(datasets) == 8

    velos = datasets["stationnement velos"]
    assert velos["notes"] == "Emplacement et description des stationnement vélos à Evian-les-Bains"
    assert [tag["name"] for tag in velos["tags"]] == ["mobilite"]
    assert velos["license_id"] == "lov2"  # "Soumis à la licence Etalab : https://www.etalab.gouv.fr/licence-…"
    assert velos["organization"]["title"] == "Ville d'Evian-les-Bains"
    assert velos["access_rights"] == "open"
    assert velos["maintainer"] == "sigevian"
    assert velos["maintainer_email"] == ""
    assert velos["url"] == f"{HUB}/maps/f6565516d1354383b25793e630cf3f2b_5"
    assert extra(velos, "source_record_url") == f"{HUB}/maps/f6565516d1354383b25793e630cf3f2b_5"
    assert extra(velos, "harvest_identifier") == ITEM + "f6565516d1354383b25793e630cf3f2b&sublayer=5"
    assert extra(velos, "issued") == "2022-07-29"
    assert extra(velos, "modified") == "2022-07-29"
    assert json.loads(extra(velos, "spatial")) == _box(6.5735, 46.3912, 6.6069, 46.4028)
    assert extra(velos, "spatial_text") is None
    assert extra(velos, "temporal_start") is None
    assert _resources(velos) == _layer_resources(
        "f6565516d1354383b25793e630cf3f2b",
        5,
        "https://services.arcgis.com/Hbks8qlTugfLqQka/arcgis/rest/services/stationnement_velo",
    )

    # title -> organisation, licence, bbox, issued, modified, number of resources
    summary = {
        title: (
            dataset["organization"]["title"],
            dataset["license_id"],
            json.loads(extra(dataset, "spatial")) if extra(dataset, "spatial") else None,
            extra(dataset, "issued"),
            extra(dataset, "modified"),
            len(dataset["resources"]),
        )
        for title, dataset in datasets.items()
    }
    assert summary == {
        "stationnement velos": (
            "Ville d'Evian-les-Bains", "lov2", _box(6.5735, 46.3912, 6.6069, 46.4028), "2022-07-29", "2022-07-29", 6
        ),
        "poubelles": (
            "Ville d'Evian-les-Bains", "lov2", _box(6.5658, 46.3835, 6.6141, 46.4047), "2022-07-29", "2022-07-29", 6
        ),
        "defibrillateurs": (
            "Mairie Evian-les-Bains", "lov2", _box(6.5664, 46.3889, 6.6088, 46.4039), "2022-07-29", "2023-03-13", 6
        ),
        "places de marche": (
            "Ville d'Evian-les-Bains", "notspecified", _box(6.5873, 46.4006, 6.5889, 46.402), "2022-07-29",
            "2024-02-09", 6,
        ),
        "places PMR": (
            "Ville Evian-les-Bains", "notspecified", _box(6.5662, 46.3885, 6.613, 46.4045), "2022-07-29",
            "2022-08-23", 6,
        ),
        # documents: the extent is an unfilled template, the description empty
        "Publication actes dématérialisés": ("sigevian", "notspecified", None, "2023-10-30", "2023-10-30", 2),
        "Carte piéton concertation": ("sigevian", "notspecified", None, "2022-07-25", "2022-08-01", 1),
        "Carte vélo finale": ("sigevian", "notspecified", None, "2022-07-25", "2022-07-28", 1),
    }  # fmt: skip
    for dataset in datasets.values():
        assert "<" not in (dataset["notes"] or ""), dataset["notes"]
        assert extra(dataset, "spatial_text") is None  # neither a bbox string nor the template
        assert dataset["access_rights"] == "open"
        assert dataset["maintainer"] == "sigevian"
    assert datasets["Carte vélo finale"]["notes"] in (None, "")
    assert _resources(datasets["Carte vélo finale"]) == [
        ("ArcGIS Hub Dataset", f"{HUB}/documents/8acd3deee8d042538e21925d0640f199", "HTML", "text/html")
    ]
    assert [tag["name"] for tag in datasets["Carte vélo finale"]["tags"]] == ["evian", "mobilite"]


RESTRICTED_FEED = {
    "@context": POD_CONTEXT,
    "@type": "dcat:Catalog",
    "conformsTo": "https://project-open-data.cio.gov/v1.1/schema",
    "dataset": [
        {
            "@type": "dcat:Dataset",
            "identifier": "https://www.arcgis.com/home/item.html?id=0000000000000000000000000000000a",
            "title": "Captages d'eau potable",
            "description": "<p>Périmètres de protection</p><p>des captages</p>",
            "keyword": ["eau"],
            "issued": "2021-03-01",
            "modified": "2023-05-02",
            "publisher": {"@type": "org:Organization", "name": "Agence de test"},
            "contactPoint": {"@type": "vcard:Contact", "fn": "Service eau", "hasEmail": "mailto:eau@test.example.org"},
            "accessLevel": "non-public",
            "rights": "Données sensibles : protection des ressources en eau",
            "license": "https://creativecommons.org/licenses/by/4.0/",
            "spatial": "5.9,45.1,6.4,45.6",
            "temporal": "2019-01-01/2020-12-31",
            "distribution": [
                {
                    "@type": "dcat:Distribution",
                    "title": "Export",
                    "format": "CSV",
                    "mediaType": "text/csv",
                    "downloadURL": "https://test.example.org/captages.csv",
                    "accessURL": "https://test.example.org/captages",
                }
            ],
        },
        {
            "@type": "dcat:Dataset",
            "identifier": "https://www.arcgis.com/home/item.html?id=0000000000000000000000000000000b",
            "title": "Bornes de recharge",
            "description": "Bornes",
            "keyword": ["mobilite"],
            "modified": "2023-05-02",
            "publisher": "Agence de test",  # as DCAT-US 1.0 wrote it
            "contactPoint": {"fn": "Service mobilité", "hasEmail": "mobilite@test.example.org"},
            "accessLevel": "restricted public",
            "license": "",
            "distribution": [{"title": "Carte", "accessURL": "https://test.example.org/bornes"}],
        },
    ],
}


@through_queues
def test_access_levels_contacts_and_intervals(catalogue_server, harvest_consumers) -> None:
    body = json.dumps(RESTRICTED_FEED).encode()
    url = catalogue_server.add("/data.json", Answer(content_type="application/json", body=body))
    source = make_aggregator("ecologie_dcat", url)
    job = harvest(source, harvest_consumers)

    assert not job["gather_errors"] and not job["object_errors"], job
    datasets = datasets_of(source)
    captages, bornes = datasets["Captages d'eau potable"], datasets["Bornes de recharge"]
    assert captages["access_rights"] == "restricted"
    assert captages["access_reason"] == "Données sensibles : protection des ressources en eau"
    assert captages["notes"] == "Périmètres de protection\n\ndes captages"
    assert captages["organization"]["title"] == "Agence de test"
    assert (captages["maintainer"], captages["maintainer_email"]) == ("Service eau", "eau@test.example.org")
    assert (extra(captages, "temporal_start"), extra(captages, "temporal_end")) == ("2019-01-01", "2020-12-31")
    assert json.loads(extra(captages, "spatial")) == _box(5.9, 45.1, 6.4, 45.6)
    assert [(res["name"], res["url"], res["format"]) for res in captages["resources"]] == [
        ("Export", "https://test.example.org/captages.csv", "CSV")
    ]
    assert bornes["access_rights"] == "restricted"
    assert bornes["organization"]["id"] == captages["organization"]["id"]
    assert (bornes["maintainer"], bornes["maintainer_email"]) == ("Service mobilité", "mobilite@test.example.org")
    assert captages["license_id"] == bornes["license_id"] == ""  # no licence applies to non-public data
    assert extra(bornes, "spatial") is None


@through_queues
@pytest.mark.parametrize("where", ["instead of the known one", "beside the known one", "nested in a record"])
def test_unknown_remote_context_is_refused_and_never_fetched(catalogue_server, harvest_consumers, where) -> None:
    unknown = catalogue_server.add("/context.jsonld", Answer(content_type="application/ld+json", body=b"{}"))
    feed = copy.deepcopy(RESTRICTED_FEED)
    if where == "instead of the known one":
        feed["@context"] = unknown
    elif where == "beside the known one":
        feed["@context"] = [POD_CONTEXT, unknown]
    else:
        feed["dataset"][1]["@context"] = unknown
    url = catalogue_server.add("/data.json", Answer(content_type="application/json", body=json.dumps(feed).encode()))
    source = make_aggregator("ecologie_dcat", url)
    job = harvest(source, harvest_consumers)

    assert job["gather_errors"] == [f"{url}: The JSON-LD refers to a remote context, which is not fetched"]
    assert catalogue_server.hits.get("/context.jsonld", 0) == 0
    assert datasets_of(source) == {}
