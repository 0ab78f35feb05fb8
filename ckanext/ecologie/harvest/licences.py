"""Licence normalisation: the URIs, labels and ids French catalogues use for
a licence, onto one licence id (data.gouv.fr's ids where CKAN has none:
`lov2` and `fr-lo` for the Licence Ouverte 2.0 and 1.0)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

LICENCE_OUVERTE_2 = "lov2"
LICENCE_OUVERTE_1 = "fr-lo"

_IDS = {
    "lov2": LICENCE_OUVERTE_2,
    "etalab-2.0": LICENCE_OUVERTE_2,
    "fr-lo": LICENCE_OUVERTE_1,
    "odc-odbl": "odc-odbl",
    "odbl": "odc-odbl",
    "odbl-1.0": "odc-odbl",
    "cc-by": "cc-by",
    "cc-by-4.0": "cc-by",
    "cc-by-sa": "cc-by-sa",
    "cc-by-sa-4.0": "cc-by-sa",
    "cc-zero": "cc-zero",
    "cc0-1.0": "cc-zero",
    "odc-by": "odc-by",
    "odc-pddl": "odc-pddl",
    "other-open": "other-open",
    "other-pd": "other-pd",
    "other-at": "other-at",
    "notspecified": "notspecified",
}

# (pattern on the folded text, licence id): most specific first.
_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"licence[ -]?ouverte.*(?:1\.0|v1\b|version 1\b)|licence_ouverte\.pdf|/2014/05/"), LICENCE_OUVERTE_1),
    (re.compile(r"licence[ -]?ouverte|open[ -]?licen[cs]e|etalab"), LICENCE_OUVERTE_2),
    (re.compile(r"odbl|open ?database ?licen[cs]e|opendatacommons\.org/licenses/odbl"), "odc-odbl"),
    (re.compile(r"opendatacommons\.org/licenses/by|open data commons attribution"), "odc-by"),
    (re.compile(r"pddl|opendatacommons\.org/licenses/pddl"), "odc-pddl"),
    (re.compile(r"publicdomain/zero|\bcc0\b|cc[ -]zero"), "cc-zero"),
    (re.compile(r"licenses/by-sa|cc[ -]by[ -]sa|attribution[ -]share ?alike"), "cc-by-sa"),
    (re.compile(r"licenses/by/|\bcc[ -]by\b|creative commons attribution"), "cc-by"),
]


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(char for char in decomposed if not unicodedata.combining(char)).split())


def normalise(values: Iterable[str | None]) -> str | None:
    """The licence id of the first value that names a known licence."""
    for value in values:
        if not value:
            continue
        folded = _fold(str(value))
        if folded in _IDS:
            return _IDS[folded]
        for pattern, licence_id in _PATTERNS:
            if pattern.search(folded):
                return licence_id
    return None
