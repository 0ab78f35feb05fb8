"""The shapes of spatial and temporal coverage that no corpus record shows,
read by harvest/geometry.py and the DCAT-AP-FR profile's reading.py (the
corpus records are harvested in test_corpus_dcat.py)."""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef

from ckanext.ecologie.dcat import reading
from ckanext.ecologie.harvest import geometry

SQUARE = [[[1.0, 45.0], [2.0, 45.0], [2.0, 46.0], [1.0, 46.0], [1.0, 45.0]]]


@pytest.mark.parametrize(
    ("text", "datatype"),
    [
        ("POLYGON((1 45, 2 45, 2 46, 1 46, 1 45))", "http://www.opengis.net/ont/geosparql#wktLiteral"),
        ("  polygon ((1 45, 2 45, 2 46, 1 46))  ", None),  # lower case, ring left open
        ("<http://www.opengis.net/def/crs/OGC/1.3/CRS84> Polygon((1 45,2 45,2 46,1 46,1 45))", None),
        # GeoSPARQL: EPSG:4326 is latitude first
        ("<http://www.opengis.net/def/crs/EPSG/0/4326> POLYGON((45 1, 45 2, 46 2, 46 1, 45 1))", None),
        ("SRID=4326;POLYGON((1 45, 2 45, 2 46, 1 46, 1 45))", None),  # EWKT: longitude first
        ('{"type":"Polygon","coordinates":[[[1,45],[2,45],[2,46],[1,46],[1,45]]]}', "geoJSONLiteral"),
        ('{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[1,45],[2,45],[2,46],[1,46],[1,45]]]}}', ""),
        (
            '<gml:Envelope srsName="http://www.opengis.net/def/crs/OGC/1.3/CRS84">'
            "<gml:lowerCorner>1 45</gml:lowerCorner><gml:upperCorner>2 46</gml:upperCorner></gml:Envelope>",
            "http://www.opengis.net/ont/geosparql#gmlLiteral",
        ),
        (
            '<gml:Envelope srsName="urn:ogc:def:crs:EPSG::4326">'
            "<gml:lowerCorner>45 1</gml:lowerCorner><gml:upperCorner>46 2</gml:upperCorner></gml:Envelope>",
            None,
        ),
    ],
)
def test_every_encoding_gives_the_same_polygon(text, datatype) -> None:
    found = geometry.from_literal(text, datatype)

    assert found is not None
    assert geometry.bbox(found) == [1.0, 45.0, 2.0, 46.0]
    assert found["type"] == "Polygon" and len(found["coordinates"][0]) == 5


@pytest.mark.parametrize(
    "text",
    [
        "wrong wkt",
        '{"type":"Polygon","coordinates":[[[4, 45], [4, NaN], [4, 46], [4, 45]]]}',
        "POLYGON((159 -25, 159 -11, 212 -11, 212 -25, 159 -25))",  # longitude past 180
        "<http://www.opengis.net/def/crs/EPSG/0/2154> POINT(652000 6862000)",  # Lambert 93: not reprojected
        '{"type":"Polygon","coordinates":[[[1,45],[2,45]]]}',
        '{"type":"Feature"}',
    ],
)
def test_what_is_no_longitude_latitude_geometry_is_dropped(text) -> None:
    assert geometry.from_literal(text) is None


def test_the_same_extent_in_several_encodings_counts_once() -> None:
    as_wkt = geometry.from_wkt("POLYGON((1 46, 2 46, 2 45, 1 45, 1 46))")
    as_box = geometry.from_bbox(1, 45, 2, 46)
    other = geometry.from_bbox(3, 47, 4, 48)

    assert geometry.merge([as_wkt, as_box, None]) == as_wkt
    merged = geometry.merge([as_wkt, as_box, other])
    assert merged == {"type": "MultiPolygon", "coordinates": [as_wkt["coordinates"], other["coordinates"]]}
    assert geometry.merge([]) is None


TURTLE = """
@prefix dct: <http://purl.org/dc/terms/> .
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix time: <http://www.w3.org/2006/time#> .
<http://example.org/years> dct:temporal "2010/2020" .
<http://example.org/months> dct:temporal "2019-02 / 2019-03-15T12:00:00Z" .
<http://example.org/year> dct:temporal "2018" .
<http://example.org/owl-time> dct:temporal [ time:hasBeginning [ time:inXSDDate "2001-05-01" ] ;
    time:hasEnd [ time:inXSDDateTime "2002-06-30T00:00:00" ] ] .
<http://example.org/open> dct:temporal [ dcat:startDate "2015-03-01" ] .
<http://example.org/text> dct:temporal "pendant les travaux" .
"""


@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        ("years", ("2010-01-01", "2020-12-31")),
        ("months", ("2019-02-01", "2019-03-15T12:00:00Z")),
        ("year", ("2018-01-01", "2018-12-31")),
        ("owl-time", ("2001-05-01", "2002-06-30T00:00:00")),
        ("open", ("2015-03-01", None)),
        ("text", (None, None)),
    ],
)
def test_temporal_coverage(subject, expected) -> None:
    graph = Graph().parse(data=TURTLE, format="turtle")

    assert reading.temporal(graph, URIRef(f"http://example.org/{subject}")) == expected
