"""Bouquet pages, drafts' visibility, and bouquets kept out of dataset
searches; the 200-item page with a constant number of SQL queries."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pytest
from ckan import model
from ckan.tests import factories
from ckan.tests.helpers import call_action
from sqlalchemy import event

from ckanext.ecologie.bouquets import items as bouquet_items
from ckanext.ecologie.tests.helpers import make_dataset

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


def _token(user: dict) -> dict:
    return {"Authorization": factories.APIToken(user=user["name"])["token"]}


def _bouquet(user: dict, **fields) -> dict:
    data = {"type": "bouquet", "title": "Bouquet", "themes": ["mieux-se-deplacer"], "private": False, **fields}
    data.setdefault("name", f"bouquet-{abs(hash(data['title'])) % 10**8}")
    return call_action("package_create", context={"user": user["name"], "ignore_auth": False}, **data)


@contextlib.contextmanager
def counted_queries() -> Iterator[list[str]]:
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        statements.append(statement)

    engine = model.meta.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def _add_items(bouquet: dict, count: int, datasets: list[dict]) -> None:
    rows = []
    for index in range(count):
        if index % 3 == 0:
            rows.append(
                {
                    "label": f"Élément {index}",
                    "package_id": datasets[index % len(datasets)]["id"],
                    "availability": "available",
                    "group": f"Groupe {index % 4}",
                    "purpose": "Pour *mesurer*",
                }
            )
        elif index % 3 == 1:
            rows.append(
                {
                    "label": f"Élément {index}",
                    "uri": f"https://example.org/{index}.csv",
                    "availability": "url available",
                    "group": f"Groupe {index % 4}",
                    "purpose": "",
                }
            )
        else:
            rows.append({"label": f"Élément {index}", "availability": "missing", "group": None, "purpose": ""})
    bouquet_items.add_all(bouquet["id"], [{"uri": None, "package_id": None, **row} for row in rows])
    model.Session.commit()


def test_the_bouquet_page_costs_the_same_queries_for_10_or_200_items(app) -> None:
    owner = factories.User()
    datasets = [make_dataset(title=f"Jeu {index}") for index in range(20)]
    small, large = _bouquet(owner, title="Petit"), _bouquet(owner, title="Grand")
    _add_items(small, 10, datasets)
    _add_items(large, 200, datasets)
    app.get(f"/bouquet/{small['name']}")  # warm caches (taxonomies, templates)
    with counted_queries() as for_small:
        small_page = app.get(f"/bouquet/{small['name']}").get_data(as_text=True)
    with counted_queries() as for_large:
        large_page = app.get(f"/bouquet/{large['name']}").get_data(as_text=True)
    assert "Élément 9" in small_page and "Élément 199" in large_page
    assert large_page.count('class="ecologie-bouquet-item') == 200
    assert len(for_large) == len(for_small), (len(for_small), len(for_large))


def test_the_bouquet_page_shows_groups_badges_permalinks_and_actions(app) -> None:
    owner = factories.User()
    bouquet = _bouquet(owner, title="Mobilités douces", notes="Développer le **vélo**.")
    dataset = make_dataset(title="Pistes cyclables")
    call_action(
        "ecologie_bouquet_item_create",
        context={"user": owner["name"]},
        bouquet_id=bouquet["id"],
        items=[
            {"package_id": dataset["id"], "group": "Infrastructures"},
            {"label": "Comptages vélo", "uri": "https://example.org/comptages.csv", "group": "Usages"},
            {"label": "Stationnements sécurisés", "group": "Usages"},
        ],
    )
    item_ids = [item["id"] for item in call_action("ecologie_bouquet_item_list", bouquet_id=bouquet["id"])]
    page = app.get(f"/bouquet/{bouquet['name']}").get_data(as_text=True)
    assert "<strong>vélo</strong>" in page
    assert "Sommaire" in page and 'href="#group-1"' in page
    assert all(f'id="item-{item_id}"' in page for item_id in item_ids)
    assert "Dans le catalogue" in page and "Ailleurs sur le web" in page and "Manquante" in page
    assert "Aidez-nous à trouver cette donnée" in page
    assert f"/bouquet/{bouquet['name']}.csv" in page and "Gérer les données" not in page
    owner_page = app.get(f"/bouquet/{bouquet['name']}", headers=_token(owner)).get_data(as_text=True)
    assert "Gérer les données" in owner_page and "Copier ce bouquet" in owner_page
    filtered = app.get(f"/bouquet/{bouquet['name']}", params={"filter": "comptages"}).get_data(as_text=True)
    assert "Comptages vélo" in filtered and "Stationnements sécurisés" not in filtered
    assert "Utilisé dans ces bouquets" in app.get(f"/dataset/{dataset['name']}").get_data(as_text=True)


def test_items_page_adds_moves_and_removes(app) -> None:
    owner = factories.User()
    headers = _token(owner)
    bouquet = _bouquet(owner, title="Eau potable")
    dataset = make_dataset(title="Captages d'eau potable")
    picker = app.get(f"/bouquet/{bouquet['name']}/items", params={"dataset_q": "captages"}, headers=headers)
    assert "Captages d&#39;eau potable" in picker.get_data(as_text=True)
    url = f"/bouquet/{bouquet['name']}/items"
    app.post(url, data={"operation": "add", "package_id": dataset["id"], "purpose": "Périmètres"}, headers=headers)
    app.post(
        url,
        data={
            "operation": "add",
            "availability": "url available",
            "label": "Qualité",
            "uri": "https://example.org/qualite.csv",
        },
        headers=headers,
    )
    app.post(url, data={"operation": "add", "availability": "missing", "label": "Prélèvements"}, headers=headers)
    labels = lambda: [item["label"] for item in call_action("ecologie_bouquet_item_list", bouquet_id=bouquet["id"])]  # noqa: E731
    assert labels() == ["Captages d'eau potable", "Qualité", "Prélèvements"]
    last = call_action("ecologie_bouquet_item_list", bouquet_id=bouquet["id"])[-1]["id"]
    app.post(url, data={"operation": "up", "id": last}, headers=headers)
    assert labels() == ["Captages d'eau potable", "Prélèvements", "Qualité"]
    app.post(url, data={"operation": "delete", "id": last}, headers=headers)
    assert labels() == ["Captages d'eau potable", "Qualité"]
    refused = app.post(
        url,
        data={"operation": "add", "availability": "url available", "label": "x", "uri": "javascript:alert(1)"},
        headers=headers,
    )
    assert "Indiquez une adresse http ou https" in refused.get_data(as_text=True)
    stranger = _token(factories.User())
    assert app.get(url, headers=stranger).status_code == 403


def test_creating_a_bouquet_from_the_form(app) -> None:
    owner = factories.User()
    headers = _token(owner)
    form = app.get("/bouquet/new", headers=headers).get_data(as_text=True)
    assert 'name="themes"' in form and 'name="spatial_coverage"' in form and "_ckan_phase" not in form
    app.post(
        "/bouquet/new",
        data={
            "title": "Alimentation locale",
            "name": "alimentation-locale",
            "themes": ["mieux-se-nourrir", "alimentation"],
            "spatial_coverage": "Gironde",
            "owner_org": "",
            "private": "True",
            "save": "",
        },
        headers=headers,
    )
    created = call_action("package_show", id="alimentation-locale")
    assert created["type"] == "bouquet" and created["private"] is True
    assert created["themes"] == ["mieux-se-nourrir", "alimentation"]
    assert "Alimentation locale" in app.get("/dashboard/bouquets", headers=headers).get_data(as_text=True)


def test_drafts_are_seen_by_their_owners_only(app) -> None:
    admin, editor, member, stranger = (factories.User() for _ in range(4))
    org = factories.Organization(
        users=[
            {"name": admin["name"], "capacity": "admin"},
            {"name": editor["name"], "capacity": "editor"},
            {"name": member["name"], "capacity": "member"},
        ]
    )
    draft = _bouquet(editor, title="Brouillon", owner_org=org["id"], private=True)
    personal = _bouquet(stranger, title="Perso", private=True)

    def sees(user: dict | None, bouquet: dict) -> bool:
        headers = _token(user) if user else {}
        shown = app.get("/api/3/action/package_show", params={"id": bouquet["id"]}, headers=headers)
        found = app.get(
            "/api/3/action/package_search",
            headers=headers,
            params={"fq": "dataset_type:bouquet", "include_private": "true"},
        ).json["result"]
        in_search = bouquet["id"] in [item["id"] for item in found["results"]]
        assert (shown.status_code == 200) == in_search
        return in_search

    assert [sees(user, draft) for user in (admin, editor, member, stranger, None)] == [True, True, False, False, False]
    assert [sees(user, personal) for user in (stranger, editor, None)] == [True, False, False]
    assert sees(factories.Sysadmin(), personal)


def test_bouquets_stay_out_of_dataset_searches_unless_asked(app) -> None:
    owner = factories.User()
    bouquet = _bouquet(owner, title="Bouquet des mobilités")
    dataset = make_dataset(title="Jeu des mobilités")
    default = app.get("/api/3/action/package_search", params={"q": "mobilités"}).json["result"]
    assert [item["id"] for item in default["results"]] == [dataset["id"]]
    typed = app.get("/api/3/action/package_search", params={"q": "mobilités", "fq": "dataset_type:bouquet"}).json
    assert [item["id"] for item in typed["result"]["results"]] == [bouquet["id"]]
    assert "Bouquet des mobilités" not in app.get("/dataset/").get_data(as_text=True)
    assert "Bouquet des mobilités" not in app.get("/catalog.ttl").get_data(as_text=True)
    listing = app.get("/bouquet/").get_data(as_text=True)
    assert "Bouquet des mobilités" in listing and "Jeu des mobilités" not in listing
    for facet in ("Thèmes", "Sous-thèmes", "Couverture géographique", "Date de création"):
        assert facet in listing


def test_the_theme_page_shows_bouquets_of_its_bouquet_theme(app) -> None:
    owner = factories.User()
    _bouquet(owner, title="Bouquet transports", themes=["mieux-se-deplacer", "mobilite-courte-distance-hors-voiture"])
    page = app.get("/theme/transport-et-deplacements").get_data(as_text=True)
    assert "Bouquet transports" in page
    themes = {theme["id"]: theme for theme in call_action("ecologie_theme_list", context={"user": ""})}
    assert themes["transport-et-deplacements"]["bouquet_count"] == 1
