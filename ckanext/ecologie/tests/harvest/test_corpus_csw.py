"""The CSW samples of tests/fixtures/corpus behind a small CSW 2.0.2 server on
127.0.0.1 (GetCapabilities, GetRecords paged by startPosition/maxRecords),
harvested by `ecologie_csw` in ISO 19139 and in DCAT."""

from __future__ import annotations

import json
import os
from collections import Counter

import pytest
from lxml import etree

from ckanext.ecologie.tests.harvest.servers import RDF, CswCatalogue, records_of
from ckanext.ecologie.tests.harvest.support import datasets_of, extra, harvest, make_aggregator, make_source
from ckanext.ecologie.tests.helpers import CORPUS, call

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

CSW = os.path.join(CORPUS, "csw")
NAMESPACES = {"gmd": "http://www.isotc211.org/2005/gmd", "gco": "http://www.isotc211.org/2005/gco"}
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
    # a town plan: planning, from its keywords ("plu"); not the land cover nor the
    # land ownership that "Usage des sols" and planningCadastre used to add
    assert combles["themes"] == ["planification"]
    assert combles["themes_origin"] == "classifier"
    assert {tag["name"] for tag in combles["tags"]} >= {"plu", "combles", "usage des sols"}
    assert combles["maintainer_email"] == "ddtm-sap-bsig@somme.gouv.fr"
    # the links to the record itself are XML and HTML views, not MapInfo TAB data;
    # downloads are of the distribution's format, services of theirs
    assert sorted((res["name"], res["format"]) for res in combles["resources"]) == [
        ("Service de téléchargement associé", ""),
        ("Service de téléchargement associé", ""),
        ("Standard de données COVADIS : Plan local d'urbanisme v2.0", ""),
        ("Téléchargement direct du lot et des documents associés", ""),
        ("Téléchargement direct du lot et des documents associés", ""),
        ("Téléchargement simple (Atom) du lot et des documents associés via internet", "MapInfo TAB"),
        ("Téléchargement simple (Atom) du lot et des documents associés via intranet", "MapInfo TAB"),
        ("URL du GetCapabilities des services wms/wfs sur internet", "WFS"),
        ("URL du GetCapabilities des services wms/wfs sur internet", "WMS"),
        ("URL du GetCapabilities des services wms/wfs sur intranet", "WFS"),
        ("URL du GetCapabilities des services wms/wfs sur intranet", "WMS"),
        ("Vue HTML des métadonnées sur internet", "HTML"),
        ("Vue XML des métadonnées", "XML"),
    ]
    # identifier: the citation's URI, given whole (géo-IDE) or as code and
    # codeSpace (GeoNetwork), else scoped to the source
    assert extra(combles, "harvest_identifier") == (
        "http://catalogue.geo-ide.developpement-durable.gouv.fr/"
        "fr-120066022-orphan-residentifier-c46794fd-005d-499a-9a9b-0627761d31a4"
    )
    assert extra(cartigny, "harvest_identifier") == (
        "http://catalogue.geo-ide.developpement-durable.gouv.fr/"
        "fr-120066022-orphan-residentifier-140d31c6-643d-42a9-85df-2737a118e144"
    )
    assert extra(cartigny, "identifier") == extra(cartigny, "harvest_identifier")
    assert "request=GetRecordById" in extra(combles, "source_record_url")
    # the catalogue's page of the record is its landing page
    assert combles["url"] == (
        "http://catalogue.geo-ide.e2.rie.gouv.fr/catalogue/srv/fre/catalog.search#/metadata/"
        "fr-120066022-ldd-3f4cc8c8-5c3e-4a0e-8b56-0a569a7e12f6"
    )
    # géo-IDE writes the Somme's box with west and east swapped
    assert json.loads(extra(combles, "spatial")) == {
        "type": "Polygon",
        "coordinates": [
            [
                [1.31279111, 49.38547516],
                [3.28133559, 49.38547516],
                [3.28133559, 50.48188019],
                [1.31279111, 50.48188019],
                [1.31279111, 49.38547516],
            ]
        ],
    }
    assert extra(combles, "issued") == "2017-10-07"
    # no revision date: the record's dateStamp dates the metadata, not the data
    assert extra(combles, "modified") is None
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
    # a fiscal zoning like the ZRR ("bassin urbain à dynamiser"), not industry from "ECONOMIE"
    assert zonage["themes"] == ["zonages-d-amenagement"]


def test_same_record_from_two_catalogues_merges(catalogue_server, harvest_consumers) -> None:
    """géo-IDE gives Combles' identifier whole, GeoNetwork as code and
    codeSpace: one dataset, with the links of both (two sources of one
    organisation: across organisations, only linked sources merge)."""
    single = records_of(os.path.join(CSW, "geoide-iso19139-single-dataset.xml"))
    page = records_of(os.path.join(CSW, "geonetwork-iso19139-page-5.xml"))
    geoide = make_source("ecologie_csw", catalogue_server.add("/geoide", CswCatalogue(single)), name="geo-ide")
    geonetwork = make_source(
        "ecologie_csw",
        catalogue_server.add("/geonetwork", CswCatalogue(page)),
        name="geonetwork",
        organization="geo-ide-org",
    )
    assert harvest(geoide, harvest_consumers)["stats"]["added"] == 1
    job = harvest(geonetwork, harvest_consumers)
    assert not job["gather_errors"] and not job["object_errors"], job

    found = call("package_search", q="*:*", rows=100, include_private=True)["results"]
    assert sorted(dataset["title"] for dataset in found) == [
        "Plan local d'urbanisme de la commune de Combles",
        "Plan local d'urbanisme de la commune de Naours",
    ]
    combles = next(dataset for dataset in found if dataset["title"].endswith("Combles"))
    assert extra(combles, "harvest_identifier") == (
        "http://catalogue.geo-ide.developpement-durable.gouv.fr/"
        "fr-120066022-orphan-residentifier-c46794fd-005d-499a-9a9b-0627761d31a4"
    )
    by_source = {
        source["id"]: sorted(res["url"] for res in combles["resources"] if res["harvest_source_id"] == source["id"])
        for source in (geoide, geonetwork)
    }
    # the intranet page of géo-IDE's record, the internet one of GeoNetwork's
    assert (
        "http://catalogue.geo-ide.e2.rie.gouv.fr/catalogue/srv/fre/catalog.search#/metadata/"
        "fr-120066022-ldd-3f4cc8c8-5c3e-4a0e-8b56-0a569a7e12f6"
    ) in by_source[geoide["id"]]
    assert (
        "http://catalogue.geo-ide.developpement-durable.gouv.fr/catalogue/srv/fre/catalog.search#/metadata/"
        "fr-120066022-ldd-3f4cc8c8-5c3e-4a0e-8b56-0a569a7e12f6"
    ) in by_source[geonetwork["id"]]
    # a link both give is kept once, as the last harvest's
    assert len(combles["resources"]) == len({res["url"] for res in combles["resources"]}) == 13 + 11 - 8


def test_geoplateforme_layers(catalogue_server, harvest_consumers) -> None:
    """80 links, 70 of them WMS, WMTS and WFS layers behind 4 GetCapabilities
    addresses: one resource each, named after its layer, whose id survives
    the next harvest."""
    records = records_of(os.path.join(CSW, "geoplateforme-iso19139-IGNF_RPG.xml"))
    catalogue = CswCatalogue(records)
    source = make_aggregator("ecologie_csw", catalogue_server.add("/csw", catalogue))
    job = harvest(source, harvest_consumers)
    assert not job["gather_errors"] and not job["object_errors"], job

    rpg = datasets_of(source)["RPG"]
    resources = rpg["resources"]
    assert len(resources) == 80
    assert Counter(res["format"] for res in resources) == Counter(
        {"WFS": 24, "WMS": 23, "WMTS": 23, "PDF": 5, "CSV": 3, "ZIP": 1, "GPKG": 1}
    )
    wms = [res for res in resources if res["format"] == "WMS"]
    assert {res["url"] for res in wms} == {
        "https://data.geopf.fr/wms-r/wms?service=wms&version=1.3.0&request=GetCapabilities",
        "https://data.geopf.fr/wms-r?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetCapabilities",
    }
    latest = next(res for res in wms if res["layer"] == "LANDUSE.AGRICULTURE2024")
    assert (latest["name"], latest["description"], latest["protocol"]) == (
        "LANDUSE.AGRICULTURE2024",
        "RPG 2024 Parcelles agricoles constatées",
        "OGC:WMS",  # in a gmx:MimeFileType, which OWSLib does not read
    )
    download = next(res for res in resources if res["url"] == "https://data.geopf.fr/telechargement/resource/RPG")
    assert (download["name"], download["format"], download["protocol"]) == (
        "RPG",
        "GPKG",
        "WWW:DOWNLOAD-1.0-http--download",
    )
    assert {res["name"] for res in resources if res["format"] == "CSV"} == {
        "Table référentielle historisée des cultures",
        "Table référentielle des cultures dérobées",
        "Table référentielle des cultures et des groupes de cultures",
    }
    assert extra(rpg, "frequency") == "http://publications.europa.eu/resource/authority/frequency/ANNUAL"
    assert (extra(rpg, "temporal_start"), extra(rpg, "temporal_end")) == ("2007-01-01", "2025-01-01")
    assert (extra(rpg, "issued"), extra(rpg, "modified")) == ("2007-01-01", "2025-01-01")
    assert rpg["version"] == "3.0"
    assert rpg["license_id"] == "lov2"  # an anchor to Etalab's Licence Ouverte
    assert rpg["access_rights"] == "open"
    assert rpg["maintainer_email"] == "contact.geoservices@ign.fr"
    # metropolitan France and the five overseas departments
    spatial = json.loads(extra(rpg, "spatial"))
    assert spatial["type"] == "MultiPolygon"
    assert [polygon[0][0] for polygon in spatial["coordinates"]] == [
        [-5.15, 41.32],
        [-63.15, 15.82],
        [-54.61, 2.1],
        [-61.24, 14.38],
        [45.01, -13.02],
        [55.21, -21.4],
    ]
    # no resource identifier URI: scoped to the source
    assert extra(rpg, "harvest_identifier") == f"urn:ecologie:source:{source['id']}:IGNF_RPG"

    # the next harvest, one WMS layer fewer and a new abstract: the ids stay
    ids = {(res["url"], res.get("layer")): res["id"] for res in resources}
    tree = etree.fromstring(records[0])
    gone = next(
        online
        for online in tree.iterfind(".//gmd:onLine", NAMESPACES)
        if online.findtext(".//gmd:name/gco:CharacterString", namespaces=NAMESPACES) == "LANDUSE.AGRICULTURE2007"
        and online.findtext(".//gmd:URL", namespaces=NAMESPACES).startswith("https://data.geopf.fr/wms-r")
    )
    gone.getparent().remove(gone)
    abstract = tree.find(".//gmd:abstract/gco:CharacterString", NAMESPACES)
    abstract.text = "Le RPG, mis à jour."
    catalogue.records[:] = [etree.tostring(tree)]
    job = harvest(source, harvest_consumers)
    assert job["stats"]["updated"] == 1, job

    rpg = datasets_of(source)["RPG"]
    assert rpg["notes"] == "Le RPG, mis à jour."
    after = {(res["url"], res.get("layer")): res["id"] for res in rpg["resources"]}
    removed = (
        "https://data.geopf.fr/wms-r?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetCapabilities",
        "LANDUSE.AGRICULTURE2007",
    )
    assert after == {key: value for key, value in ids.items() if key != removed}


def test_geonetwork_jdd_record(catalogue_server, harvest_consumers) -> None:
    """A DDTM 62 record through GeoNetwork: revision date, edition, shapefile."""
    records = records_of(os.path.join(CSW, "geonetwork-iso19139-page-3.xml"))
    source = make_aggregator("ecologie_csw", catalogue_server.add("/csw", CswCatalogue(records)))
    harvest(source, harvest_consumers)

    js1 = datasets_of(source)[
        "Table contenant les générateurs surfaciques liés aux servitudes de la catégorie JS1 en Pas-de-Calais"
    ]
    assert (
        extra(js1, "harvest_identifier")
        == "http://descartes-dev.cete-mediterranee.i2/242416db-3527-42f5-b452-7e3a8db6f1fb"
    )
    assert (extra(js1, "issued"), extra(js1, "modified")) == ("2021-06-18", "2021-11-19")
    assert js1["version"] == "3"
    assert js1["license_id"] == "lov2"
    assert (
        js1["organization"]["title"]
        == "DDTM 62 (Direction départementale des territoires et de la mer du Pas-de-Calais)"
    )
    formats = {res["name"]: res["format"] for res in js1["resources"]}
    assert formats["Téléchargement simple (Atom) du jeu et des documents associés via internet"] == "SHP"
    assert formats["Vue HTML des métadonnées sur internet"] == "HTML"
    # the base address of both services, which no protocol names
    assert formats["URL de base des services wms/wfs sur internet"] == ""


def test_a_record_identified_otherwise_by_an_earlier_mapping_keeps_its_dataset(
    catalogue_server, harvest_consumers
) -> None:
    """Pipeline version 1 identified Cartigny by its fileIdentifier within the
    source (its code was not joined to its codeSpace): the next harvest
    carries its row over to the new identifier, and neither makes a second
    dataset nor plans the first one's deletion."""
    from ckan import model
    from ckanext.harvest.model import HarvestObject

    from ckanext.ecologie.harvest.model import HarvestPage, HarvestRecord

    source = make_source("ecologie_csw", catalogue_server.add("/csw", CswCatalogue(iso_records())))
    harvest(source, harvest_consumers)
    before = {extra(dataset, "harvest_identifier"): dataset["id"] for dataset in datasets_of(source).values()}
    identifier = (
        "http://catalogue.geo-ide.developpement-durable.gouv.fr/"
        "fr-120066022-orphan-residentifier-140d31c6-643d-42a9-85df-2737a118e144"
    )
    assert identifier in before
    former = f"urn:ecologie:source:{source['id']}:fr-120066022-ldd-56fce164-04b2-41ae-be87-9f256f39dd44"
    # as version 1 left it: the row and the current object under the former identifier, pages read under v1
    model.Session.query(HarvestRecord).filter_by(source_id=source["id"], identifier=identifier).update(
        {"identifier": former}
    )
    model.Session.query(HarvestObject).filter_by(harvest_source_id=source["id"], guid=identifier).update(
        {"guid": former}
    )
    model.Session.query(HarvestPage).filter_by(source_id=source["id"]).delete()
    model.Session.commit()

    job = harvest(source, harvest_consumers)

    assert not job["gather_errors"] and not job["object_errors"], job
    assert (job["stats"].get("added", 0), job["stats"].get("deleted", 0)) == (0, 0), job["stats"]
    after = {extra(dataset, "harvest_identifier"): dataset["id"] for dataset in datasets_of(source).values()}
    assert after == before
    rows = model.Session.query(HarvestRecord.identifier, HarvestRecord.deletion_pending).filter_by(
        source_id=source["id"]
    )
    assert sorted(rows) == sorted((key, False) for key in before)
    current = model.Session.query(HarvestObject.guid).filter_by(harvest_source_id=source["id"], current=True)
    assert sorted(guid for (guid,) in current) == sorted(before)
