"""Small DCAT catalogues written on the fly for the harvest tests."""

from __future__ import annotations

PREFIXES = """@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
"""


LIMITATIONS = "http://inspire.ec.europa.eu/metadata-codelist/LimitationsOnPublicAccess/"
RESTRICTED = LIMITATIONS + "INSPIRE_Directive_Article13_1h"
OPEN = LIMITATIONS + "noLimitations"


def dataset(
    number: int,
    title: str | None = None,
    url: str | None = None,
    base: str = "https://id.example.test",
    access: str | None = None,
    publisher: str = "Producteur commun",
) -> str:
    url = url or f"https://files.example.test/{number}.csv"
    rights = f"dct:accessRights <{access}> ;" if access else ""
    return f"""
<{base}/dataset/{number}> a dcat:Dataset ;
    dct:identifier "{base}/dataset/{number}" ;
    dct:title "{title or f"Jeu de données {number}"}"@fr ;
    dct:description "Description {number}."@fr ;
    dct:publisher [ a foaf:Organization ; foaf:name "{publisher}" ] ;
    {rights}
    dcat:distribution [
        a dcat:Distribution ; dct:title "Fichier {number}" ; dcat:downloadURL <{url}> ; dct:format "CSV"
    ] .
"""


def catalogue(numbers: range | list[int], **kwargs: str | None) -> bytes:
    return (PREFIXES + "".join(dataset(number, **kwargs) for number in numbers)).encode()
