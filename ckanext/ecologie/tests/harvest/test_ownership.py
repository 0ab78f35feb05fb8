"""A harvest source changes only what is its organisation's (issue 13).

An outsider who may create an organisation declares a source that serves
another organisation's restricted record; a source of the same organisation
tries to open it; sysadmin-declared links and publishers' organisations
widen a source's reach, and lapse when its editors change the source; the
stock harvesters are the sysadmins' alone, and their imports obey the same
rules. Everything runs through the real queues and consumers."""

from __future__ import annotations

import json

import ckan.plugins.toolkit as tk
import pytest
import yaml
from ckan.cli.cli import ckan
from ckan.tests import factories
from ckan.tests.helpers import call_action

from ckanext.ecologie.tests.harvest.servers import Answer
from ckanext.ecologie.tests.harvest.support import datasets_of, harvest, make_source
from ckanext.ecologie.tests.harvest.support_catalogues import OPEN, RESTRICTED, catalogue
from ckanext.ecologie.tests.helpers import call, run_harvest_job

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

SECRET = "https://files.example.test/secret/releves.csv"
IDENTIFIER = "https://id.example.test/dataset/1"


def _serve(server, path: str, body: bytes) -> str:
    return server.add(path, Answer(content_type="text/turtle", body=body))


def _victim(server, consumers) -> dict:
    """Organisation `producteur` and its source, which brings a restricted dataset."""
    factories.Organization(name="producteur", title="Producteur")
    body = catalogue([1], title="Releves restreints", url=SECRET, access=RESTRICTED)
    source = make_source(
        "ecologie_dcat", _serve(server, "/victim.ttl", body), name="source-victime", organization="producteur"
    )
    assert harvest(source, consumers)["stats"]["added"] == 1
    dataset = next(iter(datasets_of(source).values()))
    assert dataset["access_rights"] == "restricted"
    return dataset


def _state(dataset_id: str) -> tuple:
    shown = call("package_show", id=dataset_id)
    return (
        shown["owner_org"],
        shown["access_rights"],
        shown["title"],
        sorted(resource["url"] for resource in shown["resources"]),
        shown["state"],
    )


def _errors(job: dict) -> list[str]:
    return [message for messages in job["object_errors"].values() for message in messages]


def _outsider_source(app, server, body: bytes, name: str = "source-attaquant") -> dict:
    """A source declared through the API by a user who created an
    organisation of their own (dev.ini lets any user create one)."""
    attacker = factories.User(name=f"user-{name}")
    factories.Organization(name=f"org-{name}", users=[{"name": attacker["name"], "capacity": "admin"}])
    response = app.post(
        "/api/3/action/harvest_source_create",
        json={
            "name": name,
            "title": "Source",
            "url": _serve(server, f"/{name}.ttl", body),
            "source_type": "ecologie_dcat",
            "owner_org": f"org-{name}",
        },
        headers={"Authorization": factories.APIToken(user=attacker["name"])["token"]},
    )
    assert response.status_code == 200, response.json
    return response.json["result"]


def _moved_by(app, editor: dict, source: str, url: str):
    """An editor of the source's organisation points it at another address."""
    return app.post(
        "/api/3/action/harvest_source_patch",
        json={"id": source, "url": url},
        headers={"Authorization": factories.APIToken(user=editor["name"])["token"]},
    )


def test_a_source_of_another_organisation_takes_nothing_over(app, catalogue_server, harvest_consumers, cli) -> None:
    victim = _victim(catalogue_server, harvest_consumers)
    before = _state(victim["id"])
    body = catalogue([1], title="Pris", url=SECRET, access=OPEN, publisher="Producteur")
    source = _outsider_source(app, catalogue_server, body)

    job = harvest(source, harvest_consumers)

    assert _state(victim["id"]) == before
    # the record is the outsider's own dataset, in their organisation: merging
    # records of two organisations is a sysadmin's decision
    assert (job["stats"]["added"], job["stats"]["updated"], _errors(job)) == (1, 0, []), job
    (own,) = datasets_of(source).values()
    assert (own["organization"]["name"], own["title"]) == ("org-source-attaquant", "Pris")
    anonymous = app.get("/api/3/action/package_show", params={"id": victim["id"]}).get_data(as_text=True)
    assert SECRET not in anonymous
    # and the victim's source still updates its own dataset
    _serve(catalogue_server, "/victim.ttl", catalogue([1], title="Releves revus", url=SECRET, access=RESTRICTED))
    job = harvest(call("harvest_source_show", id="source-victime"), harvest_consumers)
    assert (job["stats"]["updated"], _errors(job)) == (1, []), job
    assert _state(victim["id"])[:3] == (before[0], "restricted", "Releves revus")


def test_identifiers_harvested_first_lock_nobody_out(app, catalogue_server, harvest_consumers) -> None:
    """An outsider harvesting an organisation's identifiers before it does."""
    factories.Organization(name="producteur", title="Producteur")
    squatter = _outsider_source(app, catalogue_server, catalogue([1], title="Squat"), name="squatteur")
    harvest(squatter, harvest_consumers)
    body = catalogue([1], title="Releves restreints", url=SECRET, access=RESTRICTED)
    owner = make_source(
        "ecologie_dcat", _serve(catalogue_server, "/own.ttl", body), name="proprio", organization="producteur"
    )

    job = harvest(owner, harvest_consumers)

    assert (job["stats"]["added"], _errors(job)) == (1, []), job
    (own,) = datasets_of(owner).values()
    assert (own["organization"]["name"], own["access_rights"]) == ("producteur", "restricted")


def test_a_private_dataset_shows_in_no_outsider_report(app, catalogue_server, harvest_consumers, cli) -> None:
    victim = _victim(catalogue_server, harvest_consumers)
    call("package_patch", id=victim["id"], private=True)
    source = _outsider_source(app, catalogue_server, catalogue([1], title="Sonde"))

    harvest(source, harvest_consumers)

    status = json.dumps(call("harvest_source_show", id=source["id"]), ensure_ascii=False)
    report = cli.invoke(ckan, ["ecologie", "harvest", "report", source["name"]]).output
    for text in (status, report):
        assert victim["name"] not in text and "Releves restreints" not in text and victim["id"] not in text


def test_a_record_never_moves_its_dataset(catalogue_server, harvest_consumers, cli) -> None:
    """A dataset an admin moved to another organisation by hand stays there."""
    victim = _victim(catalogue_server, harvest_consumers)
    factories.Organization(name="ailleurs", title="Ailleurs")
    admin = factories.Sysadmin()  # not the site user, which harvests: its writes never move a dataset
    call_action("package_patch", context={"user": admin["name"]}, id=victim["id"], owner_org="ailleurs")
    _serve(catalogue_server, "/victim.ttl", catalogue([1], title="Releves revus", url=SECRET, access=RESTRICTED))

    job = harvest(call("harvest_source_show", id="source-victime"), harvest_consumers)

    assert _errors(job) == ["The record would move its dataset from Ailleurs to Producteur: nothing was changed."]
    moved = call("package_show", id=victim["id"])
    assert (moved["organization"]["name"], moved["title"]) == ("ailleurs", "Releves restreints")
    report = cli.invoke(ckan, ["ecologie", "harvest", "report", "source-victime"])
    assert f"{IDENTIFIER}: The record would move its dataset from Ailleurs to Producteur" in report.output
    # gone from the catalogue: the source forgets it, and deletes nothing
    _serve(catalogue_server, "/victim.ttl", catalogue([2]))
    harvest(call("harvest_source_show", id="source-victime"), harvest_consumers)  # held back: 1 of 1 gone
    result = cli.invoke(ckan, ["ecologie", "harvest", "confirm-deletions", "source-victime"])
    assert result.exit_code == 0, result.output
    assert "1 deletions confirmed, 0 datasets deleted" in result.output
    assert call("package_show", id=victim["id"])["state"] == "active"


def test_a_source_of_the_same_organisation_never_lowers_access(catalogue_server, harvest_consumers) -> None:
    victim = _victim(catalogue_server, harvest_consumers)
    before = _state(victim["id"])
    opening = catalogue([1], title="Releves ouverts", url=SECRET, access=OPEN)
    second = make_source(
        "ecologie_dcat",
        _serve(catalogue_server, "/second.ttl", opening),
        name="seconde-source",
        organization="producteur",
    )

    job = harvest(second, harvest_consumers)

    assert _state(victim["id"]) == before
    assert _errors(job) == [
        "The record would lower the access rights of its dataset from restricted to open: "
        "nothing was changed. An admin of its organisation may change them by hand."
    ]
    # the same record saying nothing of access, or the same access, merges
    _serve(catalogue_server, "/second.ttl", catalogue([1], title="Releves mis a jour", url=SECRET))
    job = harvest(second, harvest_consumers)
    assert _errors(job) == [] and job["stats"]["updated"] == 1, job
    assert _state(victim["id"])[:3] == (before[0], "restricted", "Releves mis a jour")


def test_the_source_itself_never_lowers_access(catalogue_server, harvest_consumers) -> None:
    victim = _victim(catalogue_server, harvest_consumers)
    _serve(catalogue_server, "/victim.ttl", catalogue([1], title="Releves restreints", url=SECRET, access=OPEN))
    source = call("harvest_source_show", id="source-victime")

    job = harvest(source, harvest_consumers)

    assert call("package_show", id=victim["id"])["access_rights"] == "restricted"
    assert len(_errors(job)) == 1 and "would lower the access rights" in _errors(job)[0]


def _sources_file(tmp_path, server, entries: list[dict]) -> str:
    path = tmp_path / "sources.yaml"
    path.write_text(yaml.safe_dump({"sources": entries}, allow_unicode=True), encoding="utf-8")
    return str(path)


def test_linked_sources_merge_and_the_dataset_stays_home(tmp_path, cli, catalogue_server, harvest_consumers) -> None:
    victim = _victim(catalogue_server, harvest_consumers)
    mirror = catalogue([1], title="Releves (miroir)", url="https://mirror.example.test/releves.csv")
    entries = [
        {
            "name": "source-victime",
            "url": call("harvest_source_show", id="source-victime")["url"],
            "type": "ecologie_dcat",
            "organization": "producteur",
        },
        {
            "name": "source-miroir",
            "url": _serve(catalogue_server, "/mirror.ttl", mirror),
            "type": "ecologie_dcat",
            "organization": {"name": "miroir", "title": "Miroir"},
            "trust": {"merge_with": ["source-victime"]},
        },
    ]
    result = cli.invoke(ckan, ["ecologie", "sources", "load", _sources_file(tmp_path, catalogue_server, entries)])
    assert result.exit_code == 0, result.output
    mirror_source = call("harvest_source_show", id="source-miroir")

    job = harvest(mirror_source, harvest_consumers)

    assert (_errors(job), job["stats"]["updated"], job["stats"]["added"]) == ([], 1, 0), job
    merged = call("package_show", id=victim["id"])
    assert (merged["owner_org"], merged["access_rights"]) == (victim["owner_org"], "restricted")
    assert sorted(resource["url"] for resource in merged["resources"]) == sorted(
        [SECRET, "https://mirror.example.test/releves.csv"]
    )
    # linked, it still may not open the data
    _serve(catalogue_server, "/mirror.ttl", catalogue([1], url="https://mirror.example.test/releves.csv", access=OPEN))
    job = harvest(mirror_source, harvest_consumers)
    assert len(_errors(job)) == 1 and "would lower the access rights" in _errors(job)[0], job
    assert call("package_show", id=victim["id"])["access_rights"] == "restricted"
    # and its editors may not clear it: that would purge the other organisation's dataset
    editor = factories.User(name="editeur-miroir")
    call_action("organization_member_create", id="miroir", username=editor["name"], role="editor")
    for action in ("harvest_source_clear", "harvest_source_job_history_clear"):
        with pytest.raises(tk.NotAuthorized):
            call_action(action, context={"user": editor["name"], "ignore_auth": False}, id=mirror_source["id"])
    assert call("package_show", id=victim["id"])["state"] == "active"


def test_an_organisation_clears_its_own_source(catalogue_server, harvest_consumers) -> None:
    editor = factories.User(name="editrice-producteur")
    victim = _victim(catalogue_server, harvest_consumers)
    call_action("organization_member_create", id="producteur", username=editor["name"], role="editor")
    source = call("harvest_source_show", id="source-victime")
    call_action("harvest_source_clear", context={"user": editor["name"], "ignore_auth": False}, id=source["id"])
    with pytest.raises(tk.ObjectNotFound):
        call("package_show", id=victim["id"])


def test_publishers_organisations_only_when_trusted(tmp_path, cli, catalogue_server, harvest_consumers) -> None:
    body = catalogue([1, 2], publisher="Direction regionale de Kerbrat")
    entry = {
        "name": "agregateur",
        "url": _serve(catalogue_server, "/aggregator.ttl", body),
        "type": "ecologie_dcat",
        "organization": {"name": "agregateur-org", "title": "Agregateur"},
    }
    path = _sources_file(tmp_path, catalogue_server, [entry])
    assert cli.invoke(ckan, ["ecologie", "sources", "load", path]).exit_code == 0
    source = call("harvest_source_show", id="agregateur")
    harvest(source, harvest_consumers)
    assert {dataset["organization"]["name"] for dataset in datasets_of(source).values()} == {"agregateur-org"}
    assert "direction-regionale-de-kerbrat" not in call("organization_list")

    path = _sources_file(tmp_path, catalogue_server, [{**entry, "trust": {"publishers": True}}])
    assert cli.invoke(ckan, ["ecologie", "sources", "load", path]).exit_code == 0
    _serve(catalogue_server, "/aggregator.ttl", catalogue([1, 2, 3], publisher="Direction regionale de Kerbrat"))
    job = harvest(source, harvest_consumers)
    by_title = {title: dataset["organization"]["name"] for title, dataset in datasets_of(source).items()}
    # a new record goes to its publisher; the datasets the source holds do not move
    assert by_title == {
        "Jeu de données 1": "agregateur-org",
        "Jeu de données 2": "agregateur-org",
        "Jeu de données 3": "direction-regionale-de-kerbrat",
    }
    assert (
        _errors(job)
        == ["The record would move its dataset from Agregateur to Direction regionale de Kerbrat: nothing was changed."]
        * 2
    )


def test_trust_lapses_when_an_editor_changes_the_source(
    tmp_path, cli, app, catalogue_server, harvest_consumers
) -> None:
    editor = factories.User(name="editrice")
    entry = {
        "name": "agregateur",
        "url": _serve(catalogue_server, "/aggregator.ttl", catalogue([1], publisher="Kerbrat")),
        "type": "ecologie_dcat",
        "organization": {"name": "agregateur-org", "title": "Agregateur"},
        "trust": {"publishers": True},
    }
    assert (
        cli.invoke(ckan, ["ecologie", "sources", "load", _sources_file(tmp_path, catalogue_server, [entry])]).exit_code
        == 0
    )
    call_action("organization_member_create", id="agregateur-org", username=editor["name"], role="editor")
    moved = _serve(catalogue_server, "/elsewhere.ttl", catalogue([5], publisher="Kerbrat"))
    response = _moved_by(app, editor, "agregateur", moved)
    assert response.status_code == 200, response.json
    source = call("harvest_source_show", id="agregateur")

    job = harvest(source, harvest_consumers)

    assert len(job["gather_errors"]) == 1 and "suspended" in job["gather_errors"][0], job
    assert {dataset["organization"]["name"] for dataset in datasets_of(source).values()} == {"agregateur-org"}


def test_stock_harvesters_are_the_sysadmins(app, catalogue_server) -> None:
    editor = factories.User(name="editeur")
    factories.Organization(name="org-editeur", users=[{"name": editor["name"], "capacity": "admin"}])
    headers = {"Authorization": factories.APIToken(user=editor["name"])["token"]}
    url = _serve(catalogue_server, "/stock.ttl", catalogue([1]))
    for source_type in ("dcat_rdf", "ckan"):
        response = app.post(
            "/api/3/action/harvest_source_create",
            json={"name": f"stock-{source_type}", "url": url, "source_type": source_type, "owner_org": "org-editeur"},
            headers=headers,
        )
        assert response.status_code == 403, response.json
    ours = app.post(
        "/api/3/action/harvest_source_create",
        json={"name": "la-mienne", "url": url, "source_type": "ecologie_dcat", "owner_org": "org-editeur"},
        headers=headers,
    )
    assert ours.status_code == 200, ours.json
    switched = app.post(
        "/api/3/action/harvest_source_patch", json={"id": "la-mienne", "source_type": "ckan"}, headers=headers
    )
    assert switched.status_code == 403, switched.json
    assert call("harvest_source_show", id="la-mienne")["source_type"] == "ecologie_dcat"


def test_a_stock_harvester_import_neither_moves_nor_opens(catalogue_server, harvest_consumers) -> None:
    """Two sources of ckanext-dcat's harvester, both declared by a sysadmin:
    the second serves the first's record, moved and opened (a catalogue
    gone wrong). The import is refused by the dataset's validation."""
    factories.Organization(name="producteur", title="Producteur")
    restricted = catalogue([1], title="Releves restreints", url=SECRET, access=RESTRICTED)
    first = make_source(
        "dcat_rdf", _serve(catalogue_server, "/first.ttl", restricted), name="stock-1", organization="producteur"
    )
    run_harvest_job(first["id"], harvest_consumers)
    victim = call("package_show", id=next(iter(datasets_of(first).values()))["id"])
    assert victim["access_rights"] == "restricted"
    before = _state(victim["id"])
    factories.Organization(name="autre", title="Autre")
    opened = catalogue([1], title="Pris", url=SECRET, access=OPEN)
    second = make_source(
        "dcat_rdf", _serve(catalogue_server, "/second.ttl", opened), name="stock-2", organization="autre"
    )

    job = run_harvest_job(second["id"], harvest_consumers)
    report = call("harvest_job_report", id=job["id"])

    assert _state(victim["id"]) == before
    messages = json.dumps(report["object_errors"], ensure_ascii=False)
    assert "A harvest never moves a dataset to another organisation" in messages, report
    assert "A harvest never lowers the access rights of a dataset" in messages, report


def test_a_link_holds_while_both_sources_are_as_declared(
    tmp_path, cli, app, catalogue_server, harvest_consumers
) -> None:
    """An editor of one end moves it to their own catalogue: the other end's
    records no longer merge into its datasets."""
    body = catalogue([1], title="Releves", url=SECRET, access=RESTRICTED)
    entries = [
        {
            "name": "bout-a",
            "url": _serve(catalogue_server, "/a.ttl", catalogue([9])),
            "type": "ecologie_dcat",
            "organization": "org-a",
        },
        {
            "name": "bout-b",
            "url": _serve(catalogue_server, "/b.ttl", body),
            "type": "ecologie_dcat",
            "organization": "org-b",
            "trust": {"merge_with": ["bout-a"]},
        },
    ]
    assert (
        cli.invoke(ckan, ["ecologie", "sources", "load", _sources_file(tmp_path, catalogue_server, entries)]).exit_code
        == 0
    )
    editor = factories.User(name="editeur-a")
    call_action("organization_member_create", id="org-a", username=editor["name"], role="editor")
    moved = _serve(catalogue_server, "/theirs.ttl", catalogue([1], title="Leurre"))
    response = _moved_by(app, editor, "bout-a", moved)
    assert response.status_code == 200, response.json
    harvest(call("harvest_source_show", id="bout-a"), harvest_consumers)  # its decoy, in org-a

    job = harvest(call("harvest_source_show", id="bout-b"), harvest_consumers)

    assert (job["stats"]["added"], _errors(job)) == (1, []), job
    (own,) = datasets_of(call("harvest_source_show", id="bout-b")).values()
    assert (own["organization"]["name"], own["access_rights"]) == ("org-b", "restricted")
    (decoy,) = datasets_of(call("harvest_source_show", id="bout-a")).values()
    assert SECRET not in json.dumps(call("package_show", id=decoy["id"]))


def test_the_file_does_not_adopt_a_source_made_through_the_web(tmp_path, cli, app, catalogue_server) -> None:
    editor = factories.User(name="editeur-web")
    factories.Organization(name="org-web", users=[{"name": editor["name"], "capacity": "admin"}])
    url = _serve(catalogue_server, "/web.ttl", catalogue([1]))
    response = app.post(
        "/api/3/action/harvest_source_create",
        json={"name": "future-source", "url": url, "source_type": "ecologie_dcat", "owner_org": "org-web"},
        headers={"Authorization": factories.APIToken(user=editor["name"])["token"]},
    )
    assert response.status_code == 200, response.json
    entry = {
        "name": "future-source",
        "url": url,
        "type": "ecologie_dcat",
        "organization": "org-file",
        "trust": {"publishers": True},
    }

    result = cli.invoke(ckan, ["ecologie", "sources", "load", _sources_file(tmp_path, catalogue_server, [entry])])

    assert result.exit_code != 0
    assert "A source named future-source exists, made through the web: rename or delete it first" in result.output
    assert call("harvest_source_show", id="future-source")["owner_org"] == call("organization_show", id="org-web")["id"]
