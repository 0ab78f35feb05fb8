"""Field by field: every corpus fixture has hand-checked expectations
(fixtures/corpus/expected/); each is harvested through the queues by a
source trusted with its publishers' organisations, as aggregators are, and
each stored dataset is compared with what its record shows. Every dataset is
then read back whole (resources, extras, JSON held in strings): no value is a
blank-node id (rdflib's names, or a label the fixture gives a blank node) or
names the portal's own address, and no organisation is named after an
address. The last test writes the README's table
(test-artifacts/corpus-fields.md) and holds the target: 95% of the checked
fields right."""

from __future__ import annotations

import glob
import json
import os
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from ckan.plugins import toolkit as tk

from ckanext.ecologie.tests.harvest.servers import RDF, CswCatalogue, records_of
from ckanext.ecologie.tests.harvest.support import extra, harvest, make_aggregator
from ckanext.ecologie.tests.helpers import CORPUS, ROOT, call

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

EXPECTED = sorted(glob.glob(os.path.join(CORPUS, "expected", "*", "*.yaml")))
LABELLED_THEMES = os.path.join(CORPUS, "themes-labelled.yaml")
MEDIA_TYPES = {
    ".xml": "application/rdf+xml",
    ".rdf": "application/rdf+xml",
    ".jsonld": "application/ld+json",
    ".json": "application/ld+json",
    ".ttl": "text/turtle",
}
TARGET = 0.95
# long texts: the expectation is their beginning
PREFIXES = {"notes_start": "notes", "provenance_start": "provenance"}
# rdflib's blank-node ids: "N" + 32 hex digits (RDF/XML, JSON-LD), "n" or "f"
# + 32 hex digits + "b" + a number (Turtle, N3), and "_:" labels
BLANK_NODE = re.compile(r"_:\S+|N[0-9a-f]{32}|[nf][0-9a-f]{32}b\d+")
# the labels a document gives its blank nodes (JSON-LD "_:x", RDF/XML rdf:nodeID)
BLANK_NODE_LABELS = re.compile(r"\"_:([^\"\s]+)\"|rdf:nodeID=\"([^\"]+)\"")
# dataset and organisation names are CKAN's slugs of titles ("Dataset 1" is
# "dataset-1", also a JSON-LD label): not harvested values
SLUG_KEYS = {"name"}


@dataclass
class FixtureScore:
    shape: str
    records: int = 0
    checked: Counter[str] = field(default_factory=Counter)
    right: Counter[str] = field(default_factory=Counter)
    wrong: list[str] = field(default_factory=list)


SCORES: dict[str, FixtureScore] = {}


def _labelled_themes(fixture: str, source_id: str) -> dict[str, list[str]]:
    """The hand-labelled themes of a fixture's records, by identifier
    (`{source}` in an identifier stands for the harvest source's id)."""
    with open(LABELLED_THEMES, encoding="utf-8") as stream:
        entries = yaml.safe_load(stream)["records"]
    return {
        entry["identifier"].replace("{source}", source_id): sorted(entry.get("themes") or [])
        for entry in entries
        if entry.get("source") == fixture
    }


def _value(dataset: dict[str, Any], key: str) -> Any:
    value = dataset.get(key)
    return value if value not in (None, "") else extra(dataset, key)


def _plain(value: Any) -> str:
    return " ".join(str(value or "").split())


def _bbox(dataset: dict[str, Any]) -> list[float] | None:
    spatial = extra(dataset, "spatial")
    if not spatial:
        return None
    numbers: list[list[float]] = []

    def walk(node: Any) -> None:
        if isinstance(node, list) and len(node) >= 2 and all(isinstance(n, (int, float)) for n in node[:2]):
            numbers.append([float(node[0]), float(node[1])])
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(json.loads(spatial).get("coordinates"))
    xs, ys = [point[0] for point in numbers], [point[1] for point in numbers]
    return [round(min(xs), 2), round(min(ys), 2), round(max(xs), 2), round(max(ys), 2)]


def _empty(value: Any) -> bool:
    return value in (None, "", [], "notspecified")


def field_is_right(dataset: dict[str, Any], key: str, expected: Any) -> bool:
    """One expectation of the YAML files against the stored dataset."""
    if key == "organization":
        actual: Any = (dataset.get("organization") or {}).get("title")
    elif key == "spatial_bbox":
        actual = _bbox(dataset)
        if expected is not None and actual is not None:
            return all(abs(a - e) <= 0.011 for a, e in zip(actual, expected, strict=True))
    elif key == "resources":
        actual = sorted([res["name"], res["url"], res["format"]] for res in dataset.get("resources") or [])
        return actual == sorted([list(item) for item in expected or []])
    elif key in PREFIXES:
        actual = _plain(_value(dataset, PREFIXES[key]))
        return actual.startswith(_plain(expected)) if expected else actual == ""
    elif key in ("temporal_start", "temporal_end", "issued", "modified"):
        actual = _value(dataset, key)
        actual = str(actual)[:10] if actual else None
    elif key == "themes":
        actual = sorted(dataset.get("themes") or [])
        return actual == sorted(expected)
    else:
        actual = _value(dataset, key)
    if expected is None:
        return _empty(actual)
    return actual == expected


def _strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    """(where, text) of every string in a value, JSON held in strings included."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, f"{path}.{key}")
    elif isinstance(value, list):
        for number, item in enumerate(value):
            yield from _strings(item, f"{path}[{number}]")
    elif isinstance(value, str):
        yield path, value
        if value.strip()[:1] in ("[", "{"):
            try:
                decoded = json.loads(value)
            except ValueError:
                return
            yield from _strings(decoded, f"{path}(json)")


def _fixture_labels(fixture: str) -> set[str]:
    with open(os.path.join(CORPUS, fixture), encoding="utf-8") as stream:
        return {label for found in BLANK_NODE_LABELS.findall(stream.read()) for label in found if label}


def junk_in(dataset: dict[str, Any], labels: set[str], portal: str) -> list[str]:
    """Where the dataset holds a blank-node id or the portal's address."""
    shown = {**dataset, "extras": {item["key"]: item["value"] for item in dataset.get("extras") or []}}
    found = []
    for where, text in _strings(shown, dataset["name"]):
        stripped = text.strip()
        slug = where.rsplit(".", 1)[-1] in SLUG_KEYS
        if BLANK_NODE.fullmatch(stripped) or portal in text.lower() or (not slug and stripped in labels):
            found.append(f"{where}={text[:80]}")
    return found


def _source_for(spec: dict[str, Any], catalogue_server: Any) -> dict[str, Any]:
    path = os.path.join(CORPUS, spec["fixture"])
    config = spec.get("config") or {}
    name = re.sub(r"[^a-z0-9]+", "-", spec["fixture"].lower()).strip("-")[:90]
    if spec["harvester"] == "ecologie_csw":
        tag = (
            f"{{{RDF}}}RDF"
            if config.get("output_schema") == "dcat"
            else "{http://www.isotc211.org/2005/gmd}MD_Metadata"
        )
        url = catalogue_server.add("/csw", CswCatalogue(records_of(path, tag)))
    elif "paged-collection-" in path:  # its Hydra pages, at the server's address
        for page in (1, 2):
            catalogue_server.add_file(
                f"/catalog.jsonld?page={page}",
                path.replace("-1.jsonld", f"-{page}.jsonld"),
                "application/ld+json",
                replace={"http://data.test.org/catalog.jsonld": "{base}/catalog.jsonld"},
            )
        url = f"{catalogue_server.url}/catalog.jsonld?page=1"
    else:
        media_type = MEDIA_TYPES[os.path.splitext(path)[1]]
        url = catalogue_server.add_file("/" + os.path.basename(path), path, media_type)
    return make_aggregator(spec["harvester"], url, name=name, **config)


def _with_places(value: Any, places: dict[str, str]) -> Any:
    """Expectations with `{source}` (the harvest source's id) and `{base}`
    (the address fixtures are served from) filled in."""
    if isinstance(value, dict):
        return {_with_places(key, places): _with_places(item, places) for key, item in value.items()}
    if isinstance(value, list):
        return [_with_places(item, places) for item in value]
    if isinstance(value, str):
        for place, filled in places.items():
            value = value.replace(place, filled)
    return value


def _load(path: str) -> dict[str, Any]:
    with open(path, encoding="utf-8") as stream:
        return yaml.safe_load(stream)


@pytest.mark.parametrize("path", EXPECTED, ids=[os.path.relpath(path, CORPUS) for path in EXPECTED])
def test_fixture_fields(path: str, catalogue_server: Any, harvest_consumers: Any) -> None:
    spec = _load(path)
    source = _source_for(spec, catalogue_server)
    job = harvest(source, harvest_consumers)
    assert not job["gather_errors"], job["gather_errors"]

    # datasets and APIs (dataservices, out of dataset searches unless asked for)
    fq = f"+harvest_source_id:{source['id']} +dataset_type:(dataset OR dataservice)"
    found = call("package_search", fq=fq, rows=1000, include_private=True)
    datasets = [call("package_show", id=result["id"]) for result in found["results"]]
    by_identifier = {extra(dataset, "harvest_identifier"): dataset for dataset in datasets}
    records = _with_places(spec["records"], {"{source}": source["id"], "{base}": catalogue_server.url})
    assert sorted(by_identifier) == sorted(records), job["object_errors"]

    themes = _labelled_themes(spec["fixture"], source["id"])
    score = SCORES.setdefault(spec["fixture"], FixtureScore(spec["shape"]))
    for identifier, expectations in records.items():
        score.records += 1
        if identifier in themes:
            expectations = {**expectations, "themes": themes[identifier]}
        for key, expected in expectations.items():
            score.checked[key] += 1
            if field_is_right(by_identifier[identifier], key, expected):
                score.right[key] += 1
            else:
                score.wrong.append(f"{identifier} {key}")
    portal = urlsplit(tk.config["ckan.site_url"]).netloc.lower()
    assert portal == "test.ckan.net"  # the test configuration's
    labels = _fixture_labels(spec["fixture"])
    assert [place for dataset in datasets for place in junk_in(dataset, labels, portal)] == []
    for organization in call("organization_list", all_fields=True, limit=1000):
        assert not re.match(r"https?[-:]|urn[-:]", organization["name"]), organization["name"]
        assert "://" not in organization["title"] and portal not in organization["title"], organization


def _table(scores: dict[str, FixtureScore]) -> str:
    by_shape: dict[str, FixtureScore] = {}
    for score in scores.values():
        total = by_shape.setdefault(score.shape, FixtureScore(score.shape))
        total.records += score.records
        total.checked.update(score.checked)
        total.right.update(score.right)
    lines = ["| shape | records | fields checked | right | % |", "|---|---|---|---|---|"]
    for shape, score in sorted(by_shape.items()):
        checked, right = sum(score.checked.values()), sum(score.right.values())
        lines.append(f"| {shape} | {score.records} | {checked} | {right} | {100 * right / checked:.1f} |")
    fields: Counter[str] = Counter()
    fields_right: Counter[str] = Counter()
    for score in scores.values():
        fields.update(score.checked)
        fields_right.update(score.right)
    checked, right = sum(fields.values()), sum(fields_right.values())
    records = sum(score.records for score in scores.values())
    lines.append(f"| **all** | {records} | {checked} | {right} | {100 * right / checked:.1f} |")
    lines += ["", "| field | checked | right |", "|---|---|---|"]
    lines += [f"| {key} | {fields[key]} | {fields_right[key]} |" for key in sorted(fields)]
    lines += ["", "Wrong:", ""] + [f"- {fixture}: {item}" for fixture, score in scores.items() for item in score.wrong]
    return "\n".join(lines) + "\n"


def test_fields_right_overall() -> None:
    assert len(SCORES) == len(EXPECTED), f"run the whole module: {len(SCORES)} of {len(EXPECTED)} fixtures ran"
    os.makedirs(os.path.join(ROOT, "test-artifacts"), exist_ok=True)
    with open(os.path.join(ROOT, "test-artifacts", "corpus-fields.md"), "w", encoding="utf-8") as stream:
        stream.write(_table(SCORES))
    checked = sum(sum(score.checked.values()) for score in SCORES.values())
    right = sum(sum(score.right.values()) for score in SCORES.values())
    wrong = [item for score in SCORES.values() for item in score.wrong]
    assert right / checked >= TARGET, wrong
