"""A harvest source is a request the server makes for whoever declared it:
an outsider's source reaches public addresses only (not the portal's Solr,
database or intranet), and what a source answers never comes back quoted in
the job report. Sources the sources file declares may reach private ones."""

from __future__ import annotations

import os

import pytest
import yaml
from ckan.cli.cli import ckan
from ckan.tests import factories

from ckanext.ecologie.tests.harvest.servers import Answer
from ckanext.ecologie.tests.harvest.support import datasets_of, harvest, make_source
from ckanext.ecologie.tests.harvest.support_catalogues import catalogue
from ckanext.ecologie.tests.helpers import HarvestConsumers, call

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

SECRET = "https://secret.example.org/restricted/releves-7f3a9c.csv"


@pytest.fixture
def declared_only(request, tmp_path, clean_queues):
    """Consumers under the default policy (test.ini lets every source reach
    127.0.0.1, where the fixture servers run)."""
    from ckanext.harvest.queue import purge_queues

    purge_queues()
    base = os.path.abspath(request.config.getoption("ckan_ini"))
    ini = tmp_path / "declared.ini"
    ini.write_text(
        f"[app:main]\nuse = config:{base}\nckanext.ecologie.harvest.private_addresses = trusted\n", encoding="utf-8"
    )
    log_dir = os.path.join(os.path.dirname(base), "test-artifacts", "consumers-declared")
    with HarvestConsumers(str(ini), log_dir) as consumers:
        yield consumers


def _outsider_source(app, url: str) -> dict:
    user = factories.User(name="curieux")
    factories.Organization(name="org-curieux", users=[{"name": user["name"], "capacity": "admin"}])
    response = app.post(
        "/api/3/action/harvest_source_create",
        json={"name": "sonde", "url": url, "source_type": "ecologie_dcat", "owner_org": "org-curieux"},
        headers={"Authorization": factories.APIToken(user=user["name"])["token"]},
    )
    assert response.status_code == 200, response.json
    return response.json["result"]


def test_an_outsider_source_does_not_reach_the_portal_network(app, catalogue_server, declared_only) -> None:
    url = catalogue_server.add("/c.ttl", Answer(content_type="text/turtle", body=catalogue([1])))
    source = _outsider_source(app, url)

    job = harvest(source, declared_only)

    assert job["gather_errors"] == [f"{url} is not a public address: not contacted"], job
    assert datasets_of(source) == {}
    solr = _outsider_source_named(app, "sonde-solr", "http://127.0.0.1:8983/solr/ckan/select?q=*:*&wt=json")
    job = harvest(solr, declared_only)
    assert len(job["gather_errors"]) == 1 and "not a public address" in job["gather_errors"][0], job


def _outsider_source_named(app, name: str, url: str) -> dict:
    user = factories.User()
    factories.Organization(name=f"org-{name}", users=[{"name": user["name"], "capacity": "admin"}])
    response = app.post(
        "/api/3/action/harvest_source_create",
        json={
            "name": name,
            "url": url,
            "source_type": "ecologie_dcat",
            "owner_org": f"org-{name}",
            "config": '{"rdf_format": "nt"}',
        },
        headers={"Authorization": factories.APIToken(user=user["name"])["token"]},
    )
    assert response.status_code == 200, response.json
    return response.json["result"]


def test_only_a_trusted_source_reaches_an_intranet_catalogue(tmp_path, cli, catalogue_server, declared_only) -> None:
    url = catalogue_server.add("/intranet.ttl", Answer(content_type="text/turtle", body=catalogue([1, 2])))
    path = tmp_path / "sources.yaml"
    entry = {"name": "intranet", "url": url, "type": "ecologie_dcat", "organization": "service-intranet"}
    for trust, expected in (
        ({}, ([f"{url} is not a public address: not contacted"], 0)),  # declared is not enough
        ({"private_addresses": True}, ([], 2)),
    ):
        path.write_text(yaml.safe_dump({"sources": [{**entry, "trust": trust}]}), encoding="utf-8")
        assert cli.invoke(ckan, ["ecologie", "sources", "load", str(path)]).exit_code == 0
        job = harvest(call("harvest_source_show", id="intranet"), declared_only)
        assert (job["gather_errors"], job["stats"]["added"]) == expected, job


def test_a_malformed_redirect_ends_the_job_not_the_consumer(catalogue_server, harvest_consumers) -> None:
    for number, target in enumerate(("http://x:99999/", "http://[::1/", f"http://{'a' * 70}.example/")):
        url = catalogue_server.add(f"/moved-{number}", Answer(status=302, headers={"Location": target}))
        source = make_source("ecologie_dcat", url, name=f"redirigee-{number}")

        job = harvest(source, harvest_consumers)  # fails if a consumer died

        assert job["gather_errors"] == [f"{url} leads to an invalid address"], job


def test_a_page_is_never_quoted_in_the_report(catalogue_server, harvest_consumers) -> None:
    """What a server answers reaches the report only as a kind of error (a
    source pointed at an internal service would read it back otherwise)."""
    body = f'{{"response": {{"docs": [{{"url": "{SECRET}"}}]}}}}\n'.encode()
    url = catalogue_server.add("/page.nt", Answer(content_type="application/n-triples", body=body))
    source = make_source("ecologie_dcat", url, rdf_format="nt")

    job = harvest(source, harvest_consumers)

    assert len(job["gather_errors"]) == 1, job
    assert job["gather_errors"][0].startswith(f"{url}: Malformed RDF (nt): "), job
    assert "secret" not in job["gather_errors"][0]
