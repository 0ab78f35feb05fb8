"""Every DCAT sample of tests/fixtures/corpus, served on 127.0.0.1 and harvested by
`ecologie_dcat` through the stock queues (the paged collection with its Hydra
paging), checked record by record."""

from __future__ import annotations

import os

import pytest

from ckanext.ecologie.tests.harvest.support import datasets_of, extra, harvest, make_aggregator
from ckanext.ecologie.tests.helpers import CORPUS, call

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

DCAT = os.path.join(CORPUS, "dcat")
MEDIA_TYPES = {".xml": "application/rdf+xml", ".jsonld": "application/ld+json"}


def _serve(server, name: str) -> str:
    return server.add_file(f"/{name}", os.path.join(DCAT, name), MEDIA_TYPES[os.path.splitext(name)[1]])


def _resources(dataset: dict) -> list[tuple[str, str, str]]:
    return sorted((res["name"], res["url"], res["format"]) for res in dataset["resources"])


@pytest.mark.parametrize("name", ["catalog.xml", "bnodes.xml", "bnodes.jsonld", "flat.jsonld"])
def test_sample_catalogues(catalogue_server, harvest_consumers, name) -> None:
    source = make_aggregator("ecologie_dcat", _serve(catalogue_server, name))
    job = harvest(source, harvest_consumers)

    datasets = datasets_of(source)
    assert not job["gather_errors"] and not job["object_errors"], job
    assert job["stats"]["added"] == len(datasets) >= 3
    first = datasets["Dataset 1"]
    assert first["organization"]["name"] == "an-organization"  # dct:publisher, created as an organisation
    assert first["organization"]["title"] == "An Organization"
    # dct:description, or dct:abstract without one (catalog.xml's, in HTML)
    assert first["notes"] == (
        "h1 title\n\nh2 title\n\nand bold text" if name == "catalog.xml" else "Dataset 1 description"
    )
    assert first["access_rights"] == "open"
    assert first["maintainer"] == "Organization contact"
    assert first["maintainer_email"] == "hello@its.me"
    assert "themes" not in first  # synthetic placeholders: no guess
    assert ("Resource 1-1", "http://data.test.org/datasets/1/resources/1/file.json", "JSON") in _resources(first)
    assert extra(first, "harvest_source_url") == source["url"]


def test_catalog_xml_field_by_field(catalogue_server, harvest_consumers) -> None:
    source = make_aggregator("ecologie_dcat", _serve(catalogue_server, "catalog.xml"))
    harvest(source, harvest_consumers)

    datasets = datasets_of(source)
    assert sorted(datasets) == ["Dataset 1", "Dataset 2", "Dataset 3", "Dataset 4"]
    first, third = datasets["Dataset 1"], datasets["Dataset 3"]
    assert first["license_id"] == "fr-lo"  # Licence Ouverte 1.0, normalised
    assert first["access_rights"] == "open"
    assert _resources(first) == [
        ("Resource 1-1", "http://data.test.org/datasets/1/resources/1/file.json", "JSON"),
        ("Resource 1-2", "http://data.test.org/datasets/1/resources/2/file.json", "JSON"),
        (
            "Resource 1-4",
            "http://data.test.org/datasets/1/resources/4/services?SERVICE=WMS&REQUEST=GetCapabilities&VERSION=1.3.0",
            "WMS",
        ),
    ]
    # INSPIRE limitation 13.1.e: restricted, with its reason, and no licence
    assert third["access_rights"] == "restricted"
    assert third["access_reason_category"] == "e"
    assert third["license_id"] == ""
    assert extra(third, "provenance") == "Description de la provenance des données du dataset 3"
    assert extra(third, "harvest_identifier") == "http://data.test.org/datasets/3"
    assert extra(third, "source_record_url") == "http://data.test.org/datasets/3"
    assert extra(third, "temporal_start") == "2016-01-01T00:00:00"
    assert extra(third, "temporal_end") == "2016-12-05T00:00:00"


def test_datara_record(catalogue_server, harvest_consumers) -> None:
    source = make_aggregator(
        "ecologie_dcat", _serve(catalogue_server, "datara--5a26b0f6-0ccf-46ad-ac58-734054b91977.rdf.xml")
    )
    harvest(source, harvest_consumers)

    (dataset,) = datasets_of(source).values()
    assert dataset["title"] == "Campings issus de la BDTopo de Auvergne Rhône-Alpes"
    assert dataset["themes"] == ["equipements-de-tourisme"]
    assert dataset["themes_origin"] == "classifier"
    assert dataset["access_rights"] == "open"
    assert dataset["organization"]["name"] == "source-de-test-org"  # no publisher: the source's organisation
    assert [res["url"] for res in dataset["resources"]] == [
        "https://telechargement.open-datara.fr/download/5a26b0f6-0ccf-46ad-ac58-734054b91977"
    ]
    assert '"type": "Polygon"' in extra(dataset, "spatial").replace('":"', '": "')
    assert extra(dataset, "harvest_identifier") == (
        "https://catalogue.open-datara.fr/geonetwork/srv/5a26b0f6-0ccf-46ad-ac58-734054b91977"
    )


def test_paged_collection_follows_hydra_paging(catalogue_server, harvest_consumers) -> None:
    for page in (1, 2):
        catalogue_server.add_file(
            f"/paged/catalog.jsonld?page={page}",
            os.path.join(DCAT, f"paged-collection-{page}.jsonld"),
            "application/ld+json",
            replace={"http://data.test.org/catalog.jsonld": "{base}/paged/catalog.jsonld"},
        )
    source = make_aggregator("ecologie_dcat", catalogue_server.url + "/paged/catalog.jsonld?page=1")
    job = harvest(source, harvest_consumers)

    assert job["stats"]["added"] == 4, job
    assert catalogue_server.hits["/paged/catalog.jsonld"] == 2
    found = call("package_search", fq=f"harvest_source_id:{source['id']}", rows=10)["results"]
    by_identifier = {extra(dataset, "harvest_identifier"): dataset for dataset in found}
    assert sorted(by_identifier) == [f"http://data.test.org/datasets/{number}" for number in (1, 2, 3, 4)]
    # the second page's record is also titled "Dataset 1": its name must not clash
    fourth = by_identifier["http://data.test.org/datasets/4"]
    assert fourth["title"] == "Dataset 1"
    assert fourth["name"] != by_identifier["http://data.test.org/datasets/1"]["name"]
    assert fourth["organization"]["name"] == "an-organization"
    assert [res["name"] for res in fourth["resources"]] == ["Resource 4-1"]
