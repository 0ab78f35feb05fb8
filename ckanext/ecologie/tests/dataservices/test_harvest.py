"""DataService records harvested by `ecologie_dcat` through the stock
queues, as APIs (`dataservice`): which nodes are records, the stored
dicts, the served datasets resolved to ours, updates and deletions."""

from __future__ import annotations

import os
from typing import Any

import pytest

from ckanext.ecologie.dataservices import served
from ckanext.ecologie.dataservices.harvest import record_nodes
from ckanext.ecologie.harvest import rdf
from ckanext.ecologie.tests.harvest.servers import RDF, records_of
from ckanext.ecologie.tests.harvest.support import datasets_of, extra, harvest, make_aggregator
from ckanext.ecologie.tests.helpers import CORPUS, call

DCAT = os.path.join(CORPUS, "dcat")
CSW = os.path.join(CORPUS, "csw")
VANVES_API = "https://vanves-seineouest.opendatasoft.com/api/explore/v2.1/"
VANVES_DATASETS = [
    "https://vanves-seineouest.opendatasoft.com/explore/dataset/bureau-de-vote-vanves/",
    "https://vanves-seineouest.opendatasoft.com/explore/dataset/vfe_public_219200755_20240506/",
]
# what ckanext-harvest and CKAN add to every harvested record, ids and dates
VOLATILE = {"id", "name", "metadata_created", "metadata_modified", "creator_user_id", "owner_org", "organization"}
VOLATILE_EXTRAS = {"harvest_object_id", "harvest_source_id", "harvest_source_url"}


def _serve(server, name: str, replace: dict[str, str] | None = None, path: str | None = None) -> str:
    return server.add_file(path or f"/{name}", os.path.join(DCAT, name), "application/rdf+xml", replace=replace)


def _services(source: dict[str, Any]) -> list[dict[str, Any]]:
    found = call("package_search", fq=f"type:dataservice harvest_source_id:{source['id']}", include_private=True)
    return found["results"]


def _stored(service: dict[str, Any]) -> dict[str, Any]:
    """The stored dict without what changes from one run to the next."""
    stored = {key: value for key, value in service.items() if key not in VOLATILE}
    stored["organization"] = service["organization"]["title"]
    stored["extras"] = {
        item["key"]: item["value"] for item in service.get("extras", []) if item["key"] not in VOLATILE_EXTRAS
    }
    return stored


def _nodes(path: str) -> list[str]:
    with open(path, "rb") as stream:
        return [str(node) for node in record_nodes(rdf.parse(stream.read(), "xml", 10**8).g)]


def test_which_dataservices_are_records() -> None:
    # listed by the catalogue (dcat:service)
    assert _nodes(os.path.join(DCAT, "udata.xml")) == [VANVES_API]
    assert _nodes(os.path.join(DCAT, "bnodes.xml")) == ["https://data.paris2024.org/api/explore/v2.1/"]
    # a distribution's dcat:accessService only: part of that distribution
    assert _nodes(os.path.join(DCAT, "catalog.xml")) == []
    assert _nodes(os.path.join(DCAT, "series.xml")) == []
    for page in ("1", "3", "5"):
        for record in records_of(os.path.join(CSW, f"geonetwork-geodcatap-page-{page}.xml"), f"{{{RDF}}}RDF"):
            assert [str(node) for node in record_nodes(rdf.parse(record, "xml", 10**8).g)] == []


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
def test_a_catalogue_api_of_data_gouv_fr(catalogue_server, harvest_consumers) -> None:
    source = make_aggregator("ecologie_dcat", _serve(catalogue_server, "udata.xml"))
    job = harvest(source, harvest_consumers)
    assert (job["gather_errors"], job["object_errors"]) == ([], {})
    assert job["stats"]["added"] == 3

    datasets = datasets_of(source)  # a dataset search: the API is not among them
    assert sorted(extra(dataset, "harvest_identifier") for dataset in datasets.values()) == VANVES_DATASETS
    (service,) = _services(source)
    assert _stored(service) == {
        "type": "dataservice",
        "title": "Explore API v2 https://vanves-seineouest.opendatasoft.com",
        "notes": None,
        "url": "https://vanves-seineouest.opendatasoft.com/api/explore/v2.1/console",
        "endpoint_url": VANVES_API,
        "endpoint_description": "https://vanves-seineouest.opendatasoft.com/api/explore/v2.1/swagger.json",
        "served_datasets": VANVES_DATASETS,
        "access_rights": "open",
        "license_id": "notspecified",
        "license_title": "Licence non précisée",
        "isopen": False,
        "organization": "Organisation de source-de-test",  # no publisher: the source's
        "author": None,
        "author_email": None,
        "maintainer": "",
        "maintainer_email": "",
        "version": None,
        "private": False,
        "state": "active",
        "num_resources": 0,
        "num_tags": 0,
        "resources": [],
        "tags": [],
        "groups": [],
        "relationships_as_subject": [],
        "relationships_as_object": [],
        "discussion_count": 0,
        "extras": {
            "issued": "2024-07-12T00:03:38.764000",
            "identifier": VANVES_API,
            "uri": VANVES_API,
            "source_record_url": "https://vanves-seineouest.opendatasoft.com/api/explore/v2.1/console",
            "harvest_identifier": VANVES_API,
            "provenance": "Source source-de-test",
            "harvest_source_title": "Source source-de-test",
        },
    }
    # the served datasets, harvested from the same page: ours
    by_identifier = {extra(dataset, "harvest_identifier"): dataset["id"] for dataset in datasets.values()}
    assert served.dataset_ids(service["served_datasets"]) == by_identifier
    anonymous = served.served_datasets({"user": ""}, service)
    assert sorted(dataset["id"] for dataset in anonymous["results"]) == sorted(by_identifier.values())


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
def test_an_api_with_relative_served_datasets(catalogue_server, harvest_consumers) -> None:
    source = make_aggregator("ecologie_dcat", _serve(catalogue_server, "bnodes.xml"))
    job = harvest(source, harvest_consumers)
    assert (job["gather_errors"], job["object_errors"]) == ([], {})

    datasets = datasets_of(source)
    (service,) = _services(source)
    assert (service["title"], service["endpoint_url"], service["endpoint_description"], service["url"]) == (
        "Explore API v2",
        "https://data.paris2024.org/api/explore/v2.1/",
        "https://data.paris2024.org/api/explore/v2.1/swagger.json",
        "https://data.paris2024.org/api/explore/v2.1/console",
    )
    # rdf:resource="dataset-2" and "dataset-3": the identifiers those datasets are stored under
    served_ones = {
        extra(datasets[title], "harvest_identifier"): datasets[title]["id"] for title in ("Dataset 2", "Dataset 3")
    }
    assert service["served_datasets"] == sorted(served_ones)
    assert served.dataset_ids(service["served_datasets"]) == served_ones


VANVES_SERVICE_MORE = """<dct:description>API d'exploration des données de Vanves</dct:description>
    <dct:publisher rdf:resource="https://www.data.gouv.fr/organizations/54884a24c751df7226a3fc16/"/>
    <dcat:contactPoint><vcard:Kind><vcard:fn>Service SIG</vcard:fn>
      <vcard:hasEmail rdf:resource="mailto:sig@vanves.fr"/></vcard:Kind></dcat:contactPoint>
    <dcat:keyword>stationnement</dcat:keyword>
    <dct:license rdf:resource="https://www.etalab.gouv.fr/licence-ouverte-open-licence"/>
    <dct:accessRights rdf:resource="http://publications.europa.eu/resource/authority/access-right/PUBLIC"/>"""


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
def test_publisher_contact_keywords_licence_and_access_as_for_datasets(catalogue_server, harvest_consumers) -> None:
    url = _serve(catalogue_server, "udata.xml", replace={"<dct:description></dct:description>": VANVES_SERVICE_MORE})
    source = make_aggregator("ecologie_dcat", url)
    job = harvest(source, harvest_consumers)
    assert (job["gather_errors"], job["object_errors"]) == ([], {})

    (service,) = _services(source)
    assert {
        "notes": service["notes"],
        "organization": service["organization"]["title"],
        "maintainer": service["maintainer"],
        "maintainer_email": service["maintainer_email"],
        "tags": [tag["name"] for tag in service["tags"]],
        "license_id": service["license_id"],
        "access_rights": service["access_rights"],
    } == {
        "notes": "API d'exploration des données de Vanves",
        "organization": "Ville de Vanves",
        "maintainer": "Service SIG",
        "maintainer_email": "sig@vanves.fr",
        "tags": ["stationnement"],
        "license_id": "lov2",
        "access_rights": "open",
    }


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
def test_updates_and_deletions_go_as_for_datasets(catalogue_server, harvest_consumers) -> None:
    path = "/catalogue.xml"
    source = make_aggregator("ecologie_dcat", _serve(catalogue_server, "udata.xml", path=path), max_deletion_share=0.5)
    harvest(source, harvest_consumers)
    (first,) = _services(source)

    _serve(catalogue_server, "udata.xml", path=path, replace={"swagger.json": "openapi.yaml"})
    job = harvest(source, harvest_consumers)
    assert {key: job["stats"][key] for key in ("added", "updated", "not modified", "deleted")} == {
        "added": 0,
        "updated": 1,
        "not modified": 2,
        "deleted": 0,
    }
    (updated,) = _services(source)
    assert (updated["id"], updated["endpoint_description"]) == (first["id"], f"{VANVES_API}openapi.yaml")

    # gone from the catalogue: deleted, as a dataset would be
    gone = {
        '<dcat:service rdf:resource="https://vanves-seineouest.opendatasoft.com/api/explore/v2.1/"/>': "",
        '<rdf:type rdf:resource="http://www.w3.org/ns/dcat#DataService"/>': "",
    }
    _serve(catalogue_server, "udata.xml", path=path, replace=gone)
    job = harvest(source, harvest_consumers)
    assert (job["gather_errors"], job["stats"]["deleted"]) == ([], 1)
    assert call("package_show", id=first["id"])["state"] == "deleted"
    assert len(datasets_of(source)) == 2


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
def test_an_api_without_endpoint_is_refused_naming_the_field(catalogue_server, harvest_consumers) -> None:
    no_endpoint = {f'<dcat:endpointURL rdf:resource="{VANVES_API}"/>': ""}
    source = make_aggregator("ecologie_dcat", _serve(catalogue_server, "udata.xml", replace=no_endpoint))
    job = harvest(source, harvest_consumers)
    assert job["stats"]["added"] == 2
    # ckanext-harvest's report runs outside any request: English, the field prettified
    assert list(job["object_errors"].values()) == [["The record is not a valid dataset: Endpoint URL: Missing value"]]
