"""Classification at harvest import, through the real queues: new records get
themes, an editor's choice survives a re-harvest, `--source` reclassifies
one source only."""

from __future__ import annotations

import json

import pytest
from ckan import model
from ckan.cli.cli import ckan
from ckan.tests import factories
from ckan.tests.helpers import call_action

from ckanext.ecologie.tests.helpers import call, make_dataset, run_harvest_job

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


def _by_title(source_id: str) -> dict[str, dict]:
    found = call("package_search", fq=f"harvest_source_id:{source_id}", rows=10)
    return {dataset["title"]: dataset for dataset in found["results"]}


def test_harvested_records_are_classified_and_editor_themes_survive(fixture_server, harvest_consumers, cli) -> None:
    org = factories.Organization()
    source = call(
        "harvest_source_create",
        name="catalogue-classe",
        url=f"{fixture_server.url}/dcat/three-datasets.ttl",
        source_type="dcat_rdf",
        owner_org=org["id"],
    )
    run_harvest_job(source["id"], harvest_consumers)

    datasets = _by_title(source["id"])
    stations = datasets["Stations hydrométriques de test"]
    cycling = datasets["Aménagements cyclables de test"]
    assert stations["themes"] == ["surveillance-de-la-ressource-en-eau"]
    assert stations["themes_origin"] == "classifier"
    assert cycling["themes"] == ["circulation-douce"]
    assert "themes" not in datasets["Linéaire de haies bocagères de test"]  # no evidence, no guess

    editor = {"user": factories.Sysadmin()["name"]}
    call_action("package_patch", context=editor, id=cycling["id"], themes=["transport-collectif"])

    job = run_harvest_job(source["id"], harvest_consumers)
    assert not job["stats"].get("errored"), job

    datasets = _by_title(source["id"])
    assert datasets["Aménagements cyclables de test"]["themes"] == ["transport-collectif"]
    assert datasets["Aménagements cyclables de test"]["themes_origin"] == "editor"
    assert datasets["Stations hydrométriques de test"]["themes"] == ["surveillance-de-la-ressource-en-eau"]

    # --source reclassifies the records of that source, and nothing else
    outsider = make_dataset(title="PLU de Cartigny")
    package = model.Package.get(stations["id"])
    package.extras = {key: value for key, value in package.extras.items() if key not in ("themes", "themes_origin")}
    model.Session.commit()
    result = cli.invoke(ckan, ["ecologie", "themes", "classify", "--source", source["name"]])
    assert result.exit_code == 0, result.output
    assert "3 datasets: 1 classified, 0 unchanged, 1 unclassified, 1 kept as set by an editor" in result.output
    assert json.loads(model.Package.get(stations["id"]).extras["themes"]) == ["surveillance-de-la-ressource-en-eau"]
    assert "themes" not in call_action("package_show", id=outsider["id"])
