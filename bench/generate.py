"""Generate N realistic DCAT-AP-FR records as Turtle pages with Hydra paging,
in the shapes of the public samples in ckanext/ecologie/tests/fixtures/corpus:
French titles and keywords, publishers of the kinds the ministry harvests,
INSPIRE access rights (one in ten restricted), licences, spatial and
temporal coverage, 1 to 5 distributions.

    python bench/generate.py N OUT_DIR [--page-size 1000] [--base-url URL]
        [--changed-percent P]

Deterministic (seeded): the same N gives the same files, so a second harvest
of them is an unchanged re-harvest. With --changed-percent P, the records
whose number is a multiple of 100/P get " Révision." appended to their
description and every other record stays byte-identical (the random
sequence is the same): a re-harvest with P% of records changed.
"""

from __future__ import annotations

import argparse
import os
import random

SUBJECTS = [
    ("Qualité de l'air", ["pollution atmosphérique", "particules", "ozone"]),
    ("Stations hydrométriques", ["hydrométrie", "eau", "prévision de crue"]),
    ("Zones humides", ["zones humides", "biodiversité", "eau"]),
    ("Plan local d'urbanisme", ["plu", "urbanisme", "document d'urbanisme"]),
    ("Plan de prévention des risques d'inondation", ["inondation", "risque inondation", "ppri"]),
    ("Installations classées pour la protection de l'environnement", ["ICPE", "industrie"]),
    ("Parcs éoliens", ["eolien", "énergies renouvelables"]),
    ("Bornes de recharge pour véhicules électriques", ["mobilité", "véhicule électrique"]),
    ("Aménagements cyclables", ["vélo", "circulation douce", "mobilité"]),
    ("Parc locatif social", ["logement-locatif-social", "logement"]),
    ("Déchèteries et collecte des déchets", ["déchetterie", "déchets"]),
    ("Bruit des infrastructures routières", ["bruit", "classement sonore"]),
    ("Sites Natura 2000", ["Natura 2000", "biodiversité"]),
    ("Réseau de chaleur urbain", ["chaleur", "énergie"]),
    ("Occupation du sol", ["usage du sol", "occupation sol"]),
    ("Consommation d'énergie des bâtiments tertiaires", ["consommation-d-energie", "tertiaire"]),
    ("Trafic moyen journalier annuel", ["tmja", "trafic"]),
    ("Captages d'eau potable", ["Eau/AEP", "eau potable"]),
    ("Mouvements de terrain", ["mouvement-de-terrain", "risques"]),
    ("Budget annexe", ["finances", "budget"]),  # an unclassifiable subject, as in real catalogues
]
TERRITORIES = [
    "France",
    "Occitanie",
    "Bretagne",
    "Auvergne-Rhône-Alpes",
    "Gironde",
    "Nord",
    "Haute-Savoie",
    "Hauts-de-France",
    "Normandie",
    "Corse",
    "Guadeloupe",
    "Île-de-France",
]
PUBLISHERS = (
    [
        f"DREAL {region}"
        for region in (
            "Occitanie",
            "Bretagne",
            "Normandie",
            "Grand Est",
            "Hauts-de-France",
            "Auvergne-Rhône-Alpes",
            "Nouvelle-Aquitaine",
            "Centre-Val de Loire",
        )
    ]
    + [f"DDT{m} {number:02d}" for number in range(1, 40) for m in ("",)]
    + [
        "Ministère de la Transition écologique",
        "IGN",
        "Météo-France",
        "OFB",
        "Cerema",
        "ADEME",
        "BRGM",
        "Agence de l'eau Adour-Garonne",
        "Association Atmo France",
        "GIP Bretagne environnement",
    ]
)
ACCESS = [
    ("Pas de restriction d'accès public selon INSPIRE", 90),
    ("L124-4-I-1 du code de l'environnement (Directive 2007/2/CE (INSPIRE), Article 13.1.d)", 4),
    ("L124-5-II-1 du code de l'environnement (Directive 2007/2/CE (INSPIRE), Article 13.1.b)", 3),
    ("L124-4-I-2 du code de l'environnement (Directive 2007/2/CE (INSPIRE), Article 13.1.h)", 3),
]
LICENCES = [
    "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
    "https://opendatacommons.org/licenses/odbl/1-0/",
    "https://creativecommons.org/licenses/by/4.0/",
]
FORMATS = [
    ("CSV", "text/csv"),
    ("GeoJSON", "application/geo+json"),
    ("SHP", "application/zip"),
    ("JSON", "application/json"),
    ("WMS", None),
]


def _literal(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def changed_step(changed_percent: float) -> int:
    """Every `changed_step`-th record is changed (0: none)."""
    return round(100 / changed_percent) if changed_percent > 0 else 0


def record(number: int, rng: random.Random, base: str, changed: bool = False) -> str:
    subject, keywords = SUBJECTS[number % len(SUBJECTS)]
    territory = rng.choice(TERRITORIES)
    year = 2010 + rng.randrange(16)
    publisher = PUBLISHERS[number % len(PUBLISHERS)]
    access = rng.choices([label for label, _ in ACCESS], weights=[weight for _, weight in ACCESS])[0]
    uri = f"{base}/dataset/{number}"
    description = f"{subject} sur le territoire {territory}, édition {year}. Jeu n° {number}."
    if changed:
        description += " Révision."
    lines = [
        f"<{uri}> a dcat:Dataset ;",
        f"  dct:identifier {_literal(uri)} ;",
        f"  dct:title {_literal(f'{subject} - {territory} {year}')}@fr ;",
        f"  dct:description {_literal(description)}@fr ;",
        "  dcat:keyword " + ", ".join(_literal(keyword) + "@fr" for keyword in keywords) + " ;",
        f"  dct:publisher [ a foaf:Organization ; foaf:name {_literal(publisher)} ] ;",
        f"  dct:accessRights [ a dct:RightsStatement ; rdfs:label {_literal(access)}@fr ] ;",
        f'  dct:issued "{year}-01-15"^^xsd:date ; dct:modified "{year}-06-{1 + number % 28:02d}"^^xsd:date ;',
        f"  dct:spatial [ a dct:Location ; skos:prefLabel {_literal(territory)} ] ;",
        f'  dct:temporal [ a dct:PeriodOfTime ; dcat:startDate "{year}-01-01"^^xsd:date ;'
        f' dcat:endDate "{year}-12-31"^^xsd:date ] ;',
    ]
    distributions = []
    for index in range(1 + rng.randrange(5)):
        label, mediatype = rng.choice(FORMATS)
        node = f"<{uri}/distribution/{index}>"
        lines.append(f"  dcat:distribution {node} ;")
        parts = [
            f"{node} a dcat:Distribution ;",
            f"  dct:title {_literal(f'{subject} ({label})')}@fr ;",
            f"  dcat:accessURL <https://data.example.org/files/{number}/{index}.{label.lower()}> ;",
            f"  dct:format {_literal(label)} ;",
            f"  dct:license <{rng.choice(LICENCES)}>",
        ]
        if mediatype:
            parts[-1] += f' ;\n  dcat:mediaType "{mediatype}"'
        distributions.append("\n".join(parts) + " .")
    lines[-1] = lines[-1].rstrip(" ;") + " ."
    return "\n".join(lines) + "\n" + "\n".join(distributions) + "\n"


PREFIXES = """@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix hydra: <http://www.w3.org/ns/hydra/core#> .
"""


def generate(count: int, out_dir: str, page_size: int, base_url: str, changed_percent: float = 0) -> int:
    os.makedirs(out_dir, exist_ok=True)
    step = changed_step(changed_percent)
    rng = random.Random(count)
    pages = max(1, -(-count // page_size))
    for page in range(1, pages + 1):
        parts = [PREFIXES]
        view = f"<{base_url}/page-{page}.ttl>"
        parts.append(f"{view} a hydra:PartialCollectionView ; hydra:totalItems {count}")
        if page < pages:
            parts[-1] += f" ;\n  hydra:next <{base_url}/page-{page + 1}.ttl>"
        parts[-1] += " .\n"
        for number in range((page - 1) * page_size, min(count, page * page_size)):
            changed = step > 0 and number % step == 0
            parts.append(record(number, rng, "https://bench.example.org", changed))
        with open(os.path.join(out_dir, f"page-{page}.ttl"), "w", encoding="utf-8") as stream:
            stream.write("\n".join(parts))
    return pages


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("count", type=int)
    parser.add_argument("out_dir")
    parser.add_argument("--page-size", type=int, default=1000)
    parser.add_argument("--base-url", default="http://127.0.0.1:8790")
    parser.add_argument(
        "--changed-percent", type=float, default=0, help="percent of records with a changed description"
    )
    arguments = parser.parse_args()
    pages = generate(
        arguments.count, arguments.out_dir, arguments.page_size, arguments.base_url, arguments.changed_percent
    )
    print(pages, "pages")
