"""Every DCAT sample of tests/fixtures/corpus, served on 127.0.0.1 and harvested by
`ecologie_dcat` through the stock queues (the paged collection with its Hydra
paging), checked record by record."""

from __future__ import annotations

import json
import os

import pytest

from ckanext.ecologie.tests.harvest.servers import RDF, CswCatalogue, records_of
from ckanext.ecologie.tests.harvest.support import datasets_of, extra, harvest, make_aggregator
from ckanext.ecologie.tests.helpers import CORPUS, call

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

DCAT = os.path.join(CORPUS, "dcat")
CSW = os.path.join(CORPUS, "csw")
MEDIA_TYPES = {".xml": "application/rdf+xml", ".rdf": "application/rdf+xml", ".jsonld": "application/ld+json"}


def _serve(server, name: str) -> str:
    return server.add_file(f"/{name}", os.path.join(DCAT, name), MEDIA_TYPES[os.path.splitext(name)[1]])


def _serve_csw_dcat(server, name: str) -> str:
    """A CSW serving the DCAT records (rdf:RDF) of a corpus GetRecords page."""
    return server.add(f"/{name}", CswCatalogue(records_of(os.path.join(CSW, name), f"{{{RDF}}}RDF")))


def _polygon(west: float, south: float, east: float, north: float, start: str = "sw") -> dict:
    """The rectangle as catalogues write it: from its south-west corner
    northwards (GeoNetwork's WKT), or from its north-west corner eastwards
    (GeoDCAT-AP's GeoJSON)."""
    if start == "sw":
        ring = [[west, south], [west, north], [east, north], [east, south], [west, south]]
    else:
        ring = [[west, north], [east, north], [east, south], [west, south], [west, north]]
    return {"type": "Polygon", "coordinates": [ring]}


def _geometry(dataset: dict, key: str = "spatial") -> dict | None:
    value = extra(dataset, key)
    return json.loads(value) if value else None


def _resources(dataset: dict) -> list[tuple[str, str, str]]:
    return sorted((res["name"], res["url"], res["format"]) for res in dataset["resources"])


@pytest.mark.parametrize("name", ["catalog.xml", "bnodes.xml", "bnodes.jsonld", "flat.jsonld"])
def test_sample_catalogues(catalogue_server, harvest_consumers, name) -> None:
    source = make_aggregator("ecologie_dcat", _serve(catalogue_server, name))
    job = harvest(source, harvest_consumers)

    datasets = datasets_of(source)
    assert not job["gather_errors"] and not job["object_errors"], job
    # bnodes.xml's dcat:DataService is harvested too, as an API (dataservices/)
    assert job["stats"]["added"] == len(datasets) + (name == "bnodes.xml") >= 3
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
    # the placeholders "Theme 1", "Theme 2" give no guess; bnodes.xml's concept
    # labelled "Répartition des espèces" (INSPIRE's species distribution) does
    assert first.get("themes") == (["inventaires-nature-et-biodiversite"] if name == "bnodes.xml" else None)
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
    assert "access_reason" not in third  # the limitation's URI is no reason: the category says it
    assert third["license_id"] == ""
    assert extra(third, "provenance") == "Description de la provenance des données du dataset 3"
    assert extra(third, "harvest_identifier") == "http://data.test.org/datasets/3"
    assert extra(third, "source_record_url") == "http://data.test.org/datasets/3"
    assert extra(third, "temporal_start") == "2016-01-01T00:00:00"
    assert extra(third, "temporal_end") == "2016-12-05T00:00:00"
    # a dct:ProvenanceStatement's dct:description, not the node's id
    assert extra(first, "provenance") == "Description de la provenance des données du dataset 1"
    # no dct:license: the licence named by dct:rights
    assert datasets["Dataset 2"]["license_id"] == "lov2"
    assert datasets["Dataset 4"]["license_id"] == "lov2"
    # ckanext-dcat's homepage default, the portal's own address, is not kept
    assert [extra(dataset, "homepage") for dataset in datasets.values()] == [None] * 4


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
    # locn:geometry and dcat:bbox, each in WKT, GML and GeoJSON: one polygon
    assert _geometry(dataset) == _polygon(2.06287814767608, 44.1154926129761, 7.18556459920588, 46.8042870493687, "nw")
    assert _geometry(dataset, "spatial_bbox") == _geometry(dataset)
    # a dct:Standard and a dct:ProvenanceStatement given as blank nodes: their labels
    assert extra(dataset, "conforms_to") == '["RGF93 / Lambert-93 (EPSG:2154)"]'
    assert extra(dataset, "provenance") == (
        "requête sur le champ nature='Camping' de la table PAI_CULTURE_SERVICE de la BDTopo et agrégation régionale"
    )
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


def test_geonetwork_dcat_and_geodcatap_through_csw(catalogue_server, harvest_consumers) -> None:
    """The same two Géo2France records in GeoNetwork's DCAT and GeoDCAT-AP
    outputs: their extent, licence and provenance are read from both."""
    dcat = make_aggregator(
        "ecologie_csw", _serve_csw_dcat(catalogue_server, "geonetwork-dcat-page-3.xml"), output_schema="dcat"
    )
    geodcatap = make_aggregator(
        "ecologie_csw",
        _serve_csw_dcat(catalogue_server, "geonetwork-geodcatap-page-3.xml"),
        name="geodcatap",
        output_schema="dcat",
    )
    for source in (dcat, geodcatap):
        job = harvest(source, harvest_consumers)
        assert not job["gather_errors"] and not job["object_errors"], job

    title = "Communes en état de catastrophe naturelle au 30 novembre 2023"
    extent = (1.26761534, 50.25455878, 3.25154517, 51.26912631)
    as_dcat, schools = datasets_of(dcat)[title], datasets_of(dcat)["Etablissements d'enseignement"]
    as_geodcatap = datasets_of(geodcatap)[title]
    # geo:asWKT typed http://www.opengis.net/rdf#wktLiteral, in a dct:spatial that is no dct:Location
    assert _geometry(as_dcat) == _polygon(*extent)
    # dcat:bbox typed geosparql#geoJSONLiteral
    assert _geometry(as_geodcatap) == _polygon(*extent, start="nw")
    assert _geometry(as_geodcatap, "spatial_bbox") == _polygon(*extent, start="nw")
    # the Licence Ouverte as dct:license, as dct:rights, and after an empty dct:license
    assert [as_dcat["license_id"], as_geodcatap["license_id"], schools["license_id"]] == ["lov2"] * 3
    # the lineage: GeoNetwork's dcat:dataQuality, a ProvenanceStatement's dct:description
    assert extra(as_dcat, "provenance") == extra(as_geodcatap, "provenance") == "Limites de communes BD Topo 2023."
    assert as_dcat["access_rights"] == as_geodcatap["access_rights"] == "open"
    # the contact named by vcard:organisation-name only
    assert as_geodcatap["maintainer"] == "Géo2France"
    # the landing page "…/srv/resources/https://www.geo2france.fr/risque/catnat2023"
    # holds two addresses: the record's page instead
    assert as_dcat["url"] == (
        "https://www.geo2france.fr/geonetwork/srv/fre/catalog.search#/metadata/093789e0-af10-4861-b661-febdaf543c5c"
    )
    # the GeoDCAT-AP access services conform to WMS and WFS
    assert sorted(res["format"] for res in as_geodcatap["resources"]) == ["WFS", "WMS"]


def test_geonetwork_exports(catalogue_server, harvest_consumers) -> None:
    """SIG OREME's GeoNetwork 3: publishers given by bare URIs, a literal
    temporal interval, URIs joined by a space, WKT after its CRS."""
    export = make_aggregator("ecologie_dcat", _serve(catalogue_server, "geonetwork.xml"))
    catalogue = make_aggregator("ecologie_dcat", _serve(catalogue_server, "sig.oreme.rdf"), name="oreme")
    for source in (export, catalogue):
        job = harvest(source, harvest_consumers)
        assert not job["gather_errors"] and not job["object_errors"], job

    (carnoules,) = datasets_of(export).values()
    (gravi,) = datasets_of(catalogue).values()
    # a publisher known by its URI only names no organisation: the source's
    assert carnoules["organization"]["name"] == "source-de-test-org"
    assert gravi["organization"]["name"] == "oreme-org"
    assert sorted(call("organization_list")) == ["oreme-org", "source-de-test-org"]
    # "https://…/datasets/0c456d2d-… https://…/resources0c456d2d-…": the first address
    assert extra(carnoules, "harvest_identifier") == (
        "https://sig.oreme.org/geonetwork/srv/resources/datasets/0c456d2d-9548-4a2a-94ef-231d9d890ce2"
    )
    assert extra(carnoules, "uri") == extra(carnoules, "harvest_identifier") == carnoules["url"]
    # dct:temporal "2004-11-03T00:00:00+01:00 / 2005-03-30T00:00:00+02:00"
    assert extra(carnoules, "temporal_start") == "2004-11-03T00:00:00+01:00"
    assert extra(carnoules, "temporal_end") == "2005-03-30T00:00:00+02:00"
    # "<http://www.opengis.net/def/crs/OGC/1.3/CRS84> Polygon((…))", typed rdf#WKTLiteral
    assert _geometry(carnoules) == _polygon(3.98197778, 44.05310833, 4.00346389, 44.11806389)
    # GeoNetwork writes dct:updated for dct:modified
    assert [extra(carnoules, "modified"), extra(gravi, "modified")] == ["2021-05-05", "2022-02-14"]
    assert carnoules["access_rights"] == "open"  # INSPIRE noLimitations, written as a dct:license
    assert gravi["license_id"] == "lov2"
    assert [extra(carnoules, "homepage"), extra(gravi, "homepage")] == [None, None]


def test_udata_export(catalogue_server, harvest_consumers) -> None:
    source = make_aggregator("ecologie_dcat", _serve(catalogue_server, "udata.xml"))
    job = harvest(source, harvest_consumers)
    assert not job["gather_errors"] and not job["object_errors"], job

    datasets = datasets_of(source)
    polling = datasets["Bureaux de vote - Vanves"]
    # dct:publisher: data.gouv.fr's API contact, a vcard:Kind named by vcard:fn
    assert {dataset["organization"]["title"] for dataset in datasets.values()} == {"Vanves"}
    # adms:identifier blank nodes: their skos:notation
    assert extra(polling, "alternate_identifier") == '["https://www.data.gouv.fr/datasets/61892c9d076a4d62434a1318/"]'
    assert polling["license_id"] == "notspecified"  # dct:rights "License Not Specified"
    assert sorted(res["format"] for res in polling["resources"]) == ["CSV", "JSON", "JSON", "ZIP"]


def test_blank_nodes_and_broken_geometries(catalogue_server, harvest_consumers) -> None:
    source = make_aggregator("ecologie_dcat", _serve(catalogue_server, "bnodes.xml"))
    job = harvest(source, harvest_consumers)
    assert not job["gather_errors"] and not job["object_errors"], job

    datasets = datasets_of(source)
    # a GeoJSON polygon with a NaN corner, "wrong wkt": no coverage rather than a broken one
    assert [_geometry(datasets[title]) for title in ("Dataset 1", "Dataset 3")] == [None, None]
    # a GeoJSON polygon, WKT and GeoJSON of the same line-thin polygon, and one
    # with longitudes past 180 (dropped): the two polygons
    assert _geometry(datasets["Dataset 2"]) == {
        "type": "MultiPolygon",
        "coordinates": [_polygon(-6, 40, 10, 51, "nw")["coordinates"], [[[4, 45], [4, 46], [4, 46], [4, 45], [4, 45]]]],
    }
    # dct:conformsTo rdf:nodeID="Ne0189…": the node's dct:title
    assert extra(datasets["Dataset 2"], "conforms_to") == '["RGF93 / Lambert-93 (EPSG:2154)"]'
    # rdf:about="dataset-2" is relative to the page; a blank node has no URI
    assert extra(datasets["Dataset 2"], "uri") == f"{catalogue_server.url}/dataset-2"
    assert extra(datasets["Dataset 1"], "uri") is None


def test_geonetwork4_on_localhost(catalogue_server, harvest_consumers) -> None:
    """A GeoNetwork 4 that writes its URIs on http://localhost:8080: no page
    to give readers, the record's content all the same."""
    source = make_aggregator(
        "ecologie_csw", _serve_csw_dcat(catalogue_server, "geonetworkv4-page-1.xml"), output_schema="dcat"
    )
    job = harvest(source, harvest_consumers)
    assert not job["gather_errors"] and not job["object_errors"], job

    accidents = datasets_of(source)["Localisation des accidents de la circulation routière en 2017"]
    assert extra(accidents, "harvest_identifier") == "https://www.geo2france.fr/2017/accidento"
    assert [accidents["url"], extra(accidents, "source_record_url")] == ["", None]
    assert accidents["organization"]["title"] == "Géo2France"
    assert extra(accidents, "provenance") == "Données issues de data.gouv.fr"
    assert _geometry(accidents) == _polygon(1.38022461103, 48.8372121327, 4.25573382669, 51.0890003105)
