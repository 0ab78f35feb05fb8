"""The CSW samples of tests/fixtures/corpus behind a small CSW 2.0.2 server on
127.0.0.1 (GetCapabilities, GetRecords paged by startPosition/maxRecords),
harvested by `ecologie_csw` in ISO 19139 and in DCAT."""

from __future__ import annotations

import os

import pytest

from ckanext.ecologie.tests.harvest.servers import RDF, CswCatalogue, records_of
from ckanext.ecologie.tests.harvest.support import datasets_of, extra, harvest, make_aggregator
from ckanext.ecologie.tests.helpers import CORPUS

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

CSW = os.path.join(CORPUS, "csw")
DDTM = "ddtm-80-direction-departementale-des-territoires-et-de-la-mer-de-la-somme"


def iso_records() -> list[bytes]:
    return records_of(os.path.join(CSW, "geonetwork-iso19139-page-1.xml")) + records_of(
        os.path.join(CSW, "geoide-iso19139-single-dataset.xml")
    )


def test_iso_records_paged(catalogue_server, harvest_consumers) -> None:
    catalogue = CswCatalogue(iso_records())
    source = make_aggregator("ecologie_csw", catalogue_server.add("/csw", catalogue), page_size=2)
    job = harvest(source, harvest_consumers)

    assert job["stats"]["added"] == 3, job
    assert not job["gather_errors"] and not job["object_errors"]
    assert catalogue.requests == [
        {"startPosition": "1", "maxRecords": "2"},
        {"startPosition": "3", "maxRecords": "2"},
    ]
    datasets = datasets_of(source)
    cartigny = datasets["Plan local d'urbanisme de la commune de Cartigny"]
    combles = datasets["Plan local d'urbanisme de la commune de Combles"]

    # the publisher (point of contact) becomes the organisation, of the source's type
    assert cartigny["organization"]["name"] == DDTM
    assert cartigny["organization"]["title"].startswith("DDTM 80")
    # INSPIRE 13.1.d among the constraints wins over "no restriction"
    assert cartigny["access_rights"] == "restricted"
    assert cartigny["access_reason_category"] == "d"
    assert cartigny["license_id"] == ""
    # "Pas de restriction d'accès public selon INSPIRE", Licence Ouverte 1.0
    assert combles["access_rights"] == "open"
    assert combles["license_id"] == "fr-lo"
    # planningCadastre and "Usage des sols" (INSPIRE) -> land use and planning themes
    assert {"occupation-du-sol", "planification"} <= set(combles["themes"])
    assert combles["themes_origin"] == "classifier"
    assert {tag["name"] for tag in combles["tags"]} >= {"plu", "combles", "usage des sols"}
    assert combles["maintainer_email"] == "ddtm-sap-bsig@somme.gouv.fr"
    urls = [res["url"] for res in combles["resources"]]
    assert len(urls) == len(set(urls)) >= 3
    assert any(res["name"] == "Vue XML des métadonnées" for res in combles["resources"])
    # identifier: the citation's URI when it has one, else scoped to the source
    assert extra(combles, "harvest_identifier") == (
        "http://catalogue.geo-ide.developpement-durable.gouv.fr/"
        "fr-120066022-orphan-residentifier-c46794fd-005d-499a-9a9b-0627761d31a4"
    )
    assert extra(cartigny, "harvest_identifier").endswith(":fr-120066022-ldd-56fce164-04b2-41ae-be87-9f256f39dd44")
    assert "request=GetRecordById" in extra(combles, "source_record_url")
    assert '"Polygon"' in extra(combles, "spatial")
    assert extra(combles, "provenance").startswith("Les limites d'une zone")


def test_organization_type_and_mapping_from_config(catalogue_server, harvest_consumers) -> None:
    url = catalogue_server.add("/csw", CswCatalogue(iso_records()))
    source = make_aggregator(
        "ecologie_csw",
        url,
        organization_type="service-deconcentre",
        publisher_mapping={
            "DDTM 80 (Direction Départementale des Territoires et de la Mer de la Somme)": {
                "organization": "ddtm-somme",
                "type": "service-deconcentre",
            }
        },
    )
    harvest(source, harvest_consumers)

    datasets = datasets_of(source)
    assert {dataset["organization"]["name"] for dataset in datasets.values()} == {"ddtm-somme"}
    from ckanext.ecologie.tests.helpers import call

    assert call("organization_show", id="ddtm-somme")["organization_type"] == "service-deconcentre"


def test_geonetwork_dcat_output(catalogue_server, harvest_consumers) -> None:
    records = records_of(os.path.join(CSW, "geonetwork-dcat-page-1.xml"), f"{{{RDF}}}RDF")
    catalogue = CswCatalogue(records)
    source = make_aggregator("ecologie_csw", catalogue_server.add("/csw", catalogue), output_schema="dcat", page_size=1)
    job = harvest(source, harvest_consumers)

    assert job["stats"]["added"] == 2, job
    assert len(catalogue.requests) == 2
    datasets = datasets_of(source)
    insee = datasets["INSEE - Part des ménages présents depuis 5 ans ou plus dans leur logement actuel (2010)"]
    zonage = datasets["Zonage du bassin urbain à dynamiser (BUD) de la Région Hauts-de-France - (2018-2020)"]
    assert insee["organization"]["name"] == "geo2france"
    assert insee["access_rights"] == "open"
    assert extra(insee, "harvest_identifier") == "https://www.geo2france.fr/insee/partmenage5ans"
    formats = {res["url"]: res["format"] for res in insee["resources"]}
    assert formats["https://www.geo2france.fr/geoserver/insee/ows"] == "WMS"
    assert all(res["url"] for res in insee["resources"])
    assert zonage["themes"] == ["industrie"]
