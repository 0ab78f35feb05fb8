"""Bouquets through the API, as an agent would use them: the round trip of
the issue, and bad input that stores nothing and says why."""

from __future__ import annotations

import csv
import io

import pytest
import rdflib
from ckan import model
from ckan.tests import factories
from ckan.tests.helpers import call_action
from rdflib.namespace import DCAT, DCTERMS

from ckanext.ecologie.bouquets.model import BouquetItem
from ckanext.ecologie.tests.helpers import make_dataset

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


def _api(app, action: str, payload: dict, headers: dict, status: int = 200) -> dict:
    response = app.post(f"/api/3/action/{action}", json=payload, headers=headers)
    assert response.status_code == status, response.json
    return response.json


@pytest.fixture
def bouquet(app, editor) -> dict:
    return _api(
        app,
        "package_create",
        {
            "type": "bouquet",
            "name": "renovation-energetique",
            "title": "Rénovation énergétique des logements",
            "notes": "Cibler les **passoires thermiques** d'un territoire.",
            "themes": ["mieux-se-loger", "construction-et-renovation-des-logements"],
            "spatial_coverage": "Occitanie",
            "private": False,
        },
        editor["headers"],
    )["result"]


def test_round_trip(app, editor, bouquet, fixture_server, cli) -> None:
    dpe = make_dataset(title="Diagnostics de performance énergétique", themes=["habitat-et-politique-de-la-ville"])
    created = _api(
        app,
        "ecologie_bouquet_item_create",
        {
            "bouquet_id": bouquet["id"],
            "items": [
                {"package_id": dpe["id"], "purpose": "Repérer les logements", "group": "Bâti"},
                {"label": "Aides locales", "uri": f"{fixture_server.url}/dcat/three-datasets.ttl", "group": "Aides"},
                {"label": "Consommations réelles par logement", "purpose": "Mesurer l'effet des travaux"},
            ],
        },
        editor["headers"],
    )["result"]
    assert [item["availability"] for item in created] == ["available", "url available", "missing"]
    assert created[0]["label"] == "Diagnostics de performance énergétique"

    ids = [item["id"] for item in created]
    reordered = _api(
        app, "ecologie_bouquet_item_reorder", {"bouquet_id": bouquet["id"], "order": ids[::-1]}, editor["headers"]
    )["result"]
    assert [item["id"] for item in reordered] == ids[::-1]

    clone = _api(app, "ecologie_bouquet_clone", {"id": bouquet["id"], "with_items": True}, editor["headers"])["result"]
    assert clone["private"] is True and clone["cloned_from"] == bouquet["id"]
    assert clone["creator_user_id"] == editor["user"]["id"] and clone["owner_org"] is None
    listed = _api(app, "ecologie_bouquet_item_list", {"bouquet_id": clone["id"]}, editor["headers"])["result"]
    assert [item["label"] for item in listed] == [item["label"] for item in reordered]

    exported = app.get(f"/bouquet/{bouquet['name']}.csv").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert [row["label"] for row in rows] == [item["label"] for item in reordered]
    assert rows[2]["title"] == "Diagnostics de performance énergétique" and rows[2]["group"] == "Bâti"
    assert rows[2]["uri"].endswith(f"/dataset/{dpe['name']}")
    assert set(rows[0]) == {"label", "purpose", "availability", "uri", "title", "organisation", "last_update", "group"}

    turtle = app.get(f"/bouquet/{bouquet['name']}.ttl").get_data(as_text=True)
    graph = rdflib.Graph().parse(data=turtle, format="turtle")
    catalogues = list(graph.subjects(predicate=DCAT.dataset))
    assert len(set(catalogues)) == 1
    titles = {str(graph.value(node, DCTERMS.title)) for node in graph.objects(catalogues[0], DCAT.dataset)}
    assert titles == {item["label"] for item in reordered}
    for extension in ("rdf", "jsonld"):
        assert app.get(f"/bouquet/{bouquet['name']}.{extension}").status_code == 200

    assert [item["id"] for item in call_action("ecologie_bouquet_list_for_dataset", id=dpe["id"])] == [bouquet["id"]]

    call_action("package_delete", context={"user": factories.Sysadmin()["name"]}, id=dpe["id"])
    report = _api(app, "ecologie_bouquet_check", {"id": bouquet["id"]}, editor["headers"])["result"]
    assert [(problem["label"], problem["problem"]) for problem in report["problems"]] == [
        ("Diagnostics de performance énergétique", "dataset_deleted")
    ]
    assert model.Session.query(BouquetItem).filter_by(bouquet_id=bouquet["id"]).count() == 3


def test_health_check_reports_private_restricted_and_dead_addresses(app, editor, bouquet, fixture_server, cli) -> None:
    org = factories.Organization()
    private, restricted = make_dataset(owner_org=org["id"]), make_dataset(owner_org=org["id"])
    _api(
        app,
        "ecologie_bouquet_item_create",
        {
            "bouquet_id": bouquet["id"],
            "items": [
                {"package_id": private["id"]},
                {"package_id": restricted["id"]},
                {"label": "Page disparue", "uri": f"{fixture_server.url}/n-existe-pas.csv"},
                {"label": "Page présente", "uri": f"{fixture_server.url}/dcat/three-datasets.ttl"},
            ],
        },
        editor["headers"],
    )
    sysadmin = {"user": factories.Sysadmin()["name"]}
    call_action("package_patch", context=sysadmin, id=private["id"], private=True)
    call_action("package_patch", context=sysadmin, id=restricted["id"], access_rights="restricted")
    problems = _api(app, "ecologie_bouquet_check", {"id": bouquet["id"]}, editor["headers"])["result"]["problems"]
    assert sorted((problem["problem"], problem["detail"]) for problem in problems) == [
        ("dataset_private", ""),
        ("dataset_restricted", ""),
        ("url_unreachable", "HTTP 404"),
    ]
    from ckan.cli.cli import ckan

    result = cli.invoke(ckan, ["ecologie", "bouquets", "check"])
    assert result.exit_code == 0, result.output
    assert "3 problems in 1 owners' bouquets." in result.output
    assert "Page disparue" in result.output and "Page présente" not in result.output


def test_an_item_on_a_dataset_the_viewer_may_not_see_is_unavailable(app, editor, bouquet) -> None:
    org = factories.Organization(users=[{"name": editor["user"]["name"], "capacity": "editor"}])
    secret = make_dataset(owner_org=org["id"], private=True, title="Titre confidentiel")
    _api(
        app,
        "ecologie_bouquet_item_create",
        {"bouquet_id": bouquet["id"], "items": [{"package_id": secret["id"]}]},
        editor["headers"],
    )
    seen = app.get("/api/3/action/ecologie_bouquet_item_list", params={"bouquet_id": bouquet["id"]}).json["result"]
    assert seen[0]["unavailable"] is True
    assert "Titre confidentiel" not in str(seen) and secret["id"] not in str(seen)
    page = app.get(f"/bouquet/{bouquet['name']}").get_data(as_text=True)
    assert "Titre confidentiel" not in page and "Indisponible" in page
    mine = app.get(
        "/api/3/action/ecologie_bouquet_item_list", params={"bouquet_id": bouquet["id"]}, headers=editor["headers"]
    ).json["result"]
    assert mine[0]["label"] == "Titre confidentiel"


@pytest.mark.parametrize(
    ("payload", "error"),
    [
        ({"themes": ["pas-un-theme"]}, "themes"),
        ({"themes": ["mieux-se-loger", "mieux-produire"]}, "themes"),
        ({"themes": ["mieux-se-loger", "eau"]}, "themes"),
        ({"themes": []}, "themes"),
        ({"title": ""}, "title"),
    ],
)
def test_bad_bouquets_are_refused(app, editor, payload, error) -> None:
    data = {"type": "bouquet", "name": "refuse", "title": "Refusé", "themes": ["mieux-se-loger"], **payload}
    answer = _api(app, "package_create", data, editor["headers"], status=409)
    assert error in answer["error"]
    assert (
        app.get("/api/3/action/package_show", params={"id": "refuse"}, headers=editor["headers"], status=404).json[
            "success"
        ]
        is False
    )


@pytest.mark.parametrize(
    ("item", "field"),
    [
        ({"purpose": "ni libellé ni jeu de données"}, "label"),
        ({"label": "x", "availability": "peut-être"}, "availability"),
        ({"label": "x", "uri": "ftp://example.org/data.csv"}, "uri"),
        ({"label": "x", "uri": "javascript:alert(1)"}, "uri"),
        ({"label": "x", "group": "g" * 101}, "group"),
        ({"label": "x", "availability": "available"}, "package_id"),
        ({"package_id": "pas-un-jeu"}, "package_id"),
    ],
)
def test_bad_items_store_nothing_and_say_why(app, editor, bouquet, item, field) -> None:
    good = {"label": "Valide"}
    answer = _api(
        app,
        "ecologie_bouquet_item_create",
        {"bouquet_id": bouquet["id"], "items": [good, item]},
        editor["headers"],
        status=409,
    )
    errors = answer["error"]["items"]
    assert errors[0] == {} and field in errors[1]
    assert model.Session.query(BouquetItem).filter_by(bouquet_id=bouquet["id"]).count() == 0


def test_items_of_someone_elses_bouquet_are_refused(app, editor, bouquet) -> None:
    other = factories.User()
    headers = {"Authorization": factories.APIToken(user=other["name"])["token"]}
    answer = _api(
        app,
        "ecologie_bouquet_item_create",
        {"bouquet_id": bouquet["id"], "items": [{"label": "x"}]},
        headers,
        status=403,
    )
    assert answer["success"] is False
    _api(app, "package_patch", {"id": bouquet["id"], "title": "Piraté"}, headers, status=403)
    anonymous = app.post(
        "/api/3/action/ecologie_bouquet_item_create",
        json={"bouquet_id": bouquet["id"], "items": [{"label": "x"}]},
        status=403,
    )
    assert anonymous.json["success"] is False
    assert model.Session.query(BouquetItem).count() == 0
