"""`ckan ecologie sources load` (idempotent), per-source configuration
checked by each harvester's `validate_config`, the job report's pending
deletions in the API and on the job page."""

from __future__ import annotations

import os

import pytest
from ckan.cli.cli import ckan
from ckan.tests import factories

from ckanext.ecologie.harvest import sources
from ckanext.ecologie.tests.harvest.servers import Answer
from ckanext.ecologie.tests.harvest.support import harvest, make_source
from ckanext.ecologie.tests.harvest.support_catalogues import catalogue
from ckanext.ecologie.tests.helpers import call

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))
DEMO = os.path.join(ROOT, "demo", "sources.yaml")
EXAMPLE = os.path.join(ROOT, "ckanext", "ecologie", "harvest", "data", "sources.example.yaml")


def test_sources_load_is_idempotent(cli, tmp_path) -> None:
    result = cli.invoke(ckan, ["ecologie", "sources", "load", DEMO])
    assert result.exit_code == 0, result.output
    assert [line for line in result.output.splitlines() if line.startswith("demo-")] == [
        "demo-ministere-transition-ecologique: created",
        "demo-dreal-auvergne-rhone-alpes: created",
        "demo-agence-transition-ecologique: created",
    ]
    source = call("harvest_source_show", id="demo-dreal-auvergne-rhone-alpes")
    assert source["source_type"] == "ecologie_dcat"
    assert source["url"] == "http://127.0.0.1:8766/dreal.ttl"
    assert source["frequency"] == "MANUAL"
    organization = call("organization_show", id="dreal-auvergne-rhone-alpes")
    assert source["owner_org"] == organization["id"]
    assert organization["organization_type"] == "service-deconcentre"

    result = cli.invoke(ckan, ["ecologie", "sources", "load", DEMO])
    assert result.exit_code == 0, result.output
    assert [line for line in result.output.splitlines() if line.startswith("demo-")] == [
        "demo-ministere-transition-ecologique: unchanged",
        "demo-dreal-auvergne-rhone-alpes: unchanged",
        "demo-agence-transition-ecologique: unchanged",
    ]

    changed = tmp_path / "sources.yaml"
    with open(DEMO, encoding="utf-8") as stream:
        changed.write_text(stream.read().replace("dreal.ttl", "dreal-v2.ttl"), encoding="utf-8")
    result = cli.invoke(ckan, ["ecologie", "sources", "load", str(changed)])
    assert "demo-dreal-auvergne-rhone-alpes: updated" in result.output
    assert call("harvest_source_show", id="demo-dreal-auvergne-rhone-alpes")["url"].endswith("dreal-v2.ttl")
    assert len(call("harvest_source_list")) == 3


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("sources: nope", "sources"),
        ("sources:\n  - name: source-a\n    url: http://127.0.0.1/x\n    type: ecologie_dcat\n", "organization"),
        (
            "sources:\n  - {name: source-a, url: 'http://127.0.0.1/x', type: ecologie_dcat, organization: org-a,"
            " frequency: HOURLY}",
            "HOURLY",
        ),
        (
            "sources:\n  - {name: source-a, url: 'http://127.0.0.1/x', type: ecologie_csw, organization: org-a,"
            " config: {page_size: 0}}",
            "page_size",
        ),
        (
            "sources:\n  - {name: source-a, url: 'http://127.0.0.1/x', type: nope, organization: org-a}",
            "nope",
        ),
    ],
)
def test_sources_load_refuses_bad_files(cli, tmp_path, content, message) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text(content, encoding="utf-8")
    result = cli.invoke(ckan, ["ecologie", "sources", "load", str(path)])
    assert result.exit_code != 0
    assert message in result.output


def test_the_example_file_is_well_formed() -> None:
    with open(EXAMPLE, encoding="utf-8") as stream:
        specs = sources.parse(stream.read())
    assert {spec.source_type for spec in specs} == {"ecologie_dcat", "ecologie_csw", "ecologie_udata"}
    assert {spec.organization.get("type") for spec in specs} >= {
        "administration-centrale",
        "service-deconcentre",
        "operateur",
        "association",
    }


@pytest.mark.parametrize(
    ("source_type", "config", "message"),
    [
        ("ecologie_dcat", "{not json", "JSON"),
        ("ecologie_dcat", '["a"]', "object"),
        ("ecologie_dcat", '{"timeout": "slow"}', "timeout"),
        ("ecologie_dcat", '{"max_deletion_share": 2}', "max_deletion_share"),
        ("ecologie_dcat", '{"rdf_format": "pdf"}', "rdf_format"),
        ("ecologie_dcat", '{"colour": "green"}', "colour"),
        ("ecologie_dcat", '{"organization_type": "ministere"}', "ministere"),
        ("ecologie_dcat", '{"publisher_mapping": {"DREAL": {"type": "operateur"}}}', "DREAL"),
        ("ecologie_csw", '{"output_schema": "fgdc"}', "output_schema"),
        ("ecologie_csw", '{"page_size": 1000}', "page_size"),
        ("ecologie_udata", '{"organizations": [""]}', "organizations"),
        ("ecologie_udata", '{"page_size": 101}', "page_size"),
    ],
)
def test_validate_config_gives_clear_errors(source_type, config, message) -> None:
    import ckan.plugins.toolkit as tk

    org = factories.Organization()
    with pytest.raises(tk.ValidationError) as raised:
        call(
            "harvest_source_create",
            name="source-invalide",
            url="http://127.0.0.1:9/catalogue",
            source_type=source_type,
            owner_org=org["id"],
            config=config,
        )
    assert message in str(raised.value.error_dict["config"])


def test_valid_config_is_accepted() -> None:
    org = factories.Organization()
    source = call(
        "harvest_source_create",
        name="source-valide",
        url="http://127.0.0.1:9/csw",
        source_type="ecologie_csw",
        owner_org=org["id"],
        config='{"output_schema": "dcat", "page_size": 50, "keywords": "eau", "timeout": 10, '
        '"publisher_mapping": {"DDT 80": "ddt-somme"}, "organization_type": "service-deconcentre"}',
    )
    assert source["source_type"] == "ecologie_csw"


@pytest.mark.usefixtures("clean_index")
def test_pending_deletions_in_the_report(app, catalogue_server, harvest_consumers) -> None:
    url = catalogue_server.add("/c.ttl", Answer(content_type="text/turtle", body=catalogue(range(1, 6))))
    source = make_source("ecologie_dcat", url)
    harvest(source, harvest_consumers)
    catalogue_server.add("/c.ttl", Answer(content_type="text/turtle", body=catalogue(range(1, 3))))
    job = harvest(source, harvest_consumers)

    assert call("harvest_job_show", id=job["id"])["deletions_pending"] == 3
    assert call("harvest_source_show_status", id=source["id"])["deletions_pending"] == 3
    sysadmin = factories.Sysadmin()
    token = factories.APIToken(user=sysadmin["name"])["token"]
    page = app.get(f"/harvest/{source['name']}/job/{job['id']}", headers={"Authorization": token})
    assert "ckan ecologie harvest confirm-deletions source-de-test" in page.body
