"""Access-rights fields, search hardening, harvest mapping and the pages."""

from __future__ import annotations

import ckan.plugins.toolkit as tk
import pytest
from ckan.tests import factories
from ckan.tests.helpers import call_action

from ckanext.ecologie.access import harvest_hook
from ckanext.ecologie.access.rights import from_limitations
from ckanext.ecologie.tests.helpers import make_dataset

SECRET = "https://secret.example.org/zones-de-captage.zip"


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["http://inspire.ec.europa.eu/metadata-codelist/LimitationsOnPublicAccess/noLimitations"], ("open", None)),
        (["Pas de restriction d'accès public selon INSPIRE"], ("open", None)),
        (
            ["Aucun des articles de la loi ne peut être invoqué pour justifier d'une restriction d'accès public."],
            ("open", None),
        ),
        (
            ["L124-4-I-1 du code de l'environnement (Directive 2007/2/CE (INSPIRE), Article 13.1.d)"],
            ("restricted", "d"),
        ),
        (
            ["http://inspire.ec.europa.eu/metadata-codelist/LimitationsOnPublicAccess/INSPIRE_Directive_Article13_1b"],
            ("restricted", "b"),
        ),
        (["Usage libre sous réserve de mentionner la source"], None),
        ([], None),
    ],
)
def test_inspire_limitations_map_onto_access_rights(values, expected) -> None:
    assert from_limitations(values) == expected


def test_a_restriction_wins_over_a_no_restriction_statement() -> None:
    values = [
        "Pas de restriction d'accès public selon INSPIRE",
        "L124-5-II-1 du code de l'environnement (Directive 2007/2/CE (INSPIRE), Article 13.1.b)",
    ]
    assert from_limitations(values) == ("restricted", "b")


def test_harvested_access_rights_become_ours() -> None:
    record = {"extras": [{"key": "access_rights", "value": "Article 13.1.h"}, {"key": "other", "value": "x"}]}
    harvest_hook.map_access_rights(record)
    assert record["access_rights"] == "restricted" and record["access_reason_category"] == "h"
    assert record["extras"] == [{"key": "other", "value": "x"}]
    public = {"access_rights": "http://publications.europa.eu/resource/authority/access-right/PUBLIC"}
    harvest_hook.map_access_rights(public)
    assert public["access_rights"] == "open"
    silent = {"access_rights": "Voir les conditions"}
    harvest_hook.map_access_rights(silent)
    assert "access_rights" not in silent  # the stored value stays


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
class TestFields:
    def test_defaults_to_open_and_shows_every_field(self) -> None:
        dataset = make_dataset()
        assert call_action("package_show", id=dataset["id"])["access_rights"] == "open"
        restricted = make_dataset(
            access_rights="restricted",
            access_reason_category="f",
            access_reason="Données nominatives",
            access_audiences=["Services instructeurs", "Collectivités"],
            authorization_request_url="https://demarches.example.org/acces",
        )
        shown = call_action("package_show", id=restricted["id"])
        assert shown["access_audiences"] == ["Services instructeurs", "Collectivités"]
        assert shown["authorization_request_url"] == "https://demarches.example.org/acces"

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("access_rights", "secret"),
            ("access_reason_category", "z"),
            ("authorization_request_url", "javascript:alert(1)"),
            ("access_audiences", ["x" * 101]),
            ("access_reason", "x" * 2001),
        ],
    )
    def test_bad_values_are_refused_naming_the_field(self, field, value) -> None:
        org = factories.Organization()
        with pytest.raises(tk.ValidationError) as raised:
            call_action("package_create", name="refuse", owner_org=org["id"], **{field: value})
        assert field in raised.value.error_dict

    def test_a_restricted_dataset_carries_no_licence(self) -> None:
        dataset = make_dataset(access_rights="restricted", license_id="cc-by")
        assert call_action("package_show", id=dataset["id"])["license_id"] == ""

    def test_an_update_without_access_rights_keeps_them(self) -> None:
        sysadmin = {"user": factories.Sysadmin()["name"]}
        dataset = make_dataset(access_rights="restricted")
        shown = call_action("package_show", id=dataset["id"])
        shown.pop("access_rights")
        call_action("package_update", context=sysadmin, **shown)
        assert call_action("package_show", id=dataset["id"])["access_rights"] == "restricted"

    def test_the_access_facet(self) -> None:
        make_dataset(access_rights="restricted")
        make_dataset()
        make_dataset()
        facets = call_action("package_search", **{"facet.field": ["vocab_access_rights"]})["facets"]
        assert facets["vocab_access_rights"] == {"open": 2, "restricted": 1}


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
class TestSearchHardening:
    @pytest.fixture
    def restricted(self) -> dict:
        return make_dataset(access_rights="restricted", resources=[{"url": SECRET, "name": "Zones"}])

    def test_fl_aliases_and_globs_are_refused_to_non_sysadmins(self, app, restricted) -> None:
        for fl in ("leak:res_url", "res_*", "*", "[json]"):
            response = app.get("/api/3/action/package_search", params={"fl": fl}, status=409)
            assert "fl" in response.json["error"]
        token = factories.APIToken(user=factories.Sysadmin()["name"])["token"]
        response = app.get("/api/3/action/package_search", params={"fl": "x:res_url"}, headers={"Authorization": token})
        assert response.json["success"]

    def test_resource_urls_of_restricted_datasets_are_not_searchable(self, app, restricted) -> None:
        token = factories.APIToken(user=factories.Sysadmin()["name"])["token"]
        as_sysadmin = {"Authorization": token}
        facets = app.get(
            "/api/3/action/package_search", params={"facet.field": '["res_url"]'}, headers=as_sysadmin
        ).json["result"]["facets"]
        assert SECRET not in str(facets)
        found = app.get(
            "/api/3/action/package_search", params={"q": 'res_url:"' + SECRET + '"'}, headers=as_sysadmin
        ).json["result"]
        assert found["count"] == 0
        open_one = make_dataset(resources=[{"url": "https://example.org/ouvert.csv"}])
        found = app.get("/api/3/action/package_search", params={"q": 'res_url:"https://example.org/ouvert.csv"'}).json[
            "result"
        ]
        assert [item["id"] for item in found["results"]] == [open_one["id"]]


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
class TestPages:
    @pytest.fixture
    def setup(self) -> dict:
        admin, agent = factories.User(name="chef"), factories.User(name="agente")
        org = factories.Organization(users=[{"name": admin["name"], "capacity": "admin"}])
        dataset = make_dataset(
            owner_org=org["id"],
            name="captages",
            access_rights="restricted",
            access_reason_category="h",
            access_reason="Protection des captages d'eau potable",
            resources=[{"url": SECRET, "name": "Zones"}],
        )
        return {
            "dataset": dataset,
            "admin": {"Authorization": factories.APIToken(user=admin["name"])["token"]},
            "agent": {"Authorization": factories.APIToken(user=agent["name"])["token"]},
        }

    def test_the_banner_says_why_and_how_to_ask(self, app, setup) -> None:
        anonymous = app.get("/dataset/captages").body
        assert "Accès restreint" in anonymous
        assert "Protection des captages d&#39;eau potable" in anonymous
        assert "L124-4-I-2" in anonymous
        assert "Connectez-vous" in anonymous and "Demander l'accès" not in anonymous
        logged_in = app.get("/dataset/captages", headers=setup["agent"]).body
        assert "Demander l'accès" in logged_in
        assert "Vous avez accès" in app.get("/dataset/captages", headers=setup["admin"]).body

    def test_ask_from_the_page_and_approve_from_the_dashboard(self, app, setup, smtp_server) -> None:
        app.post(
            "/dataset/captages/access-request", data={"reason": "Instruction d'un dossier"}, headers=setup["agent"]
        )
        dashboard = app.get("/dashboard/access-requests", headers=setup["admin"]).body
        assert "Instruction d&#39;un dossier" in dashboard
        request_id = call_action("ecologie_access_request_list", context={"user": "chef"})[0]["id"]
        app.post(
            f"/dashboard/access-requests/{request_id}/decide", data={"decision": "approve"}, headers=setup["admin"]
        )
        assert SECRET in app.get("/dataset/captages", headers=setup["agent"]).body
        mine = app.get("/dashboard/access-requests", headers=setup["agent"]).body
        assert "Acceptée" in mine

    def test_an_empty_reason_is_refused_with_a_message(self, app, setup) -> None:
        page = app.post("/dataset/captages/access-request", data={"reason": "  "}, headers=setup["agent"]).body
        assert "Valeur manquante" in page
        assert call_action("ecologie_access_request_list", context={"user": "chef"}) == []

    def test_the_form_offers_the_access_fields(self, app, setup) -> None:
        body = app.get("/dataset/edit/captages", headers=setup["admin"]).body
        for name in (
            "access_rights",
            "access_reason_category",
            "access_reason",
            "access_audiences",
            "authorization_request_url",
        ):
            assert f'name="{name}"' in body
