"""`make dev`'s demo: demo/sources.yaml declared with `ckan ecologie sources
load`, the demo catalogues harvested through `ecologie_dcat` into the demo
organisations, then the demo bouquets built on them; a second run changes
nothing."""

from __future__ import annotations

import importlib.util
import os

import pytest
from ckan.cli.cli import ckan

from ckanext.ecologie.tests.harvest.support import harvest
from ckanext.ecologie.tests.helpers import call

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))
DEMO = os.path.join(ROOT, "demo")
ORGANIZATIONS = {
    "demo-ministere-transition-ecologique": "ministere-transition-ecologique",
    "demo-dreal-auvergne-rhone-alpes": "dreal-auvergne-rhone-alpes",
    "demo-agence-transition-ecologique": "agence-transition-ecologique",
}


def _demo_script():
    spec = importlib.util.spec_from_file_location("demo_script", os.path.join(ROOT, "tools", "demo.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_demo_sources_through_our_harvesters(cli, catalogue_server, harvest_consumers, tmp_path) -> None:
    for name in ("ministere.ttl", "dreal.ttl", "operateur.ttl"):
        catalogue_server.add_file(f"/{name}", os.path.join(DEMO, "catalogues", name), "text/turtle")
    with open(os.path.join(DEMO, "sources.yaml"), encoding="utf-8") as stream:
        text = stream.read().replace("http://127.0.0.1:8766", catalogue_server.url)
    sources_file = tmp_path / "sources.yaml"
    sources_file.write_text(text, encoding="utf-8")

    result = cli.invoke(ckan, ["ecologie", "sources", "load", str(sources_file)])
    assert result.exit_code == 0, result.output
    totals = {}
    for source_name, organization in ORGANIZATIONS.items():
        source = call("harvest_source_show", id=source_name)
        assert source["source_type"] == "ecologie_dcat"
        job = harvest(source, harvest_consumers)
        assert not job["gather_errors"] and not job["object_errors"], job
        found = call("package_search", fq=f"harvest_source_id:{source['id']}", rows=100)["results"]
        totals[source_name] = len(found)
        assert found and {dataset["organization"]["name"] for dataset in found} == {organization}
        assert any(dataset.get("themes") for dataset in found)
    assert len(call("organization_list")) == 3  # publishers mapped onto the demo organisations

    result = cli.invoke(ckan, ["ecologie", "sources", "load", str(sources_file)])
    assert (
        sorted(line.split(": ")[1] for line in result.output.splitlines() if line.startswith("demo-"))
        == ["unchanged"] * 3
    )
    for source_name, total in totals.items():
        job = harvest(call("harvest_source_show", id=source_name), harvest_consumers)
        assert job["stats"]["not modified"] == total, job

    demo = _demo_script()
    demo.create_bouquets(os.path.join(DEMO, "bouquets.yaml"))
    demo.create_bouquets(os.path.join(DEMO, "bouquets.yaml"))  # idempotent
    bouquets = call("package_search", fq="dataset_type:bouquet", rows=10)["results"]
    assert len(bouquets) == 3
    renovation = call("ecologie_bouquet_item_list", bouquet_id="renovation-energetique-des-logements")
    assert [item["availability"] for item in renovation] == ["available", "available", "available", "missing"]
    assert renovation[0]["dataset"]["title"] == "Diagnostics de performance énergétique des logements (DPE)"
