"""`ckan ecologie agents load-mapping | mapping | link`: a wrong mapping file
changes nothing and says which entry and field are wrong; an administrator
links a ProConnect identity to an existing account."""

from __future__ import annotations

import ckan.model as model
import pytest
from ckan.cli.cli import ckan
from ckan.tests import factories

from ckanext.ecologie.agents.model import AgentRule
from ckanext.ecologie.tests.agents.provider import dashboard, issuer, log_in
from ckanext.ecologie.tests.agents.test_proconnect import CAMILLE

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")


def _invoke(cli, *args: str):
    return cli.invoke(ckan, ["ecologie", "agents", *args])


def _write(tmp_path, text: str) -> str:
    path = tmp_path / "agents.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def _rules() -> list[tuple[str, str, str]]:
    model.Session.remove()
    return sorted((rule.kind, rule.value, rule.organization_id) for rule in model.Session.query(AgentRule))


def test_a_mapping_is_loaded_and_printed(cli, tmp_path) -> None:
    dreal = factories.Organization(name="dreal-occitanie")
    path = _write(
        tmp_path,
        "organizations:\n"
        "  - organization: dreal-occitanie\n"
        "    siret: ['130 000 000 00001']\n"
        "    email_domains: [DREAL.example.org]\n",
    )

    result = _invoke(cli, "load-mapping", path)

    assert result.exit_code == 0, result.output
    assert f"2 rules loaded from {path}" in result.output
    assert _rules() == [("email_domain", "dreal.example.org", dreal["id"]), ("siret", "13000000000001", dreal["id"])]
    printed = _invoke(cli, "mapping")
    assert printed.output.splitlines() == [
        "dreal-occitanie\temail_domain\tdreal.example.org",
        "dreal-occitanie\tsiret\t13000000000001",
    ]


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("organizations:\n  - organization: nowhere\n    siret: ['13000000000001']\n", "organizations[0]"),
        ("organizations:\n  - organization: dreal-occitanie\n    siret: ['1234']\n", "A SIRET is 14 digits"),
        ("organizations:\n  - organization: dreal-occitanie\n    email_domains: ['not a domain']\n", "not a domain"),
        ("organizations:\n  - organization: dreal-occitanie\n    sirets: ['13000000000001']\n", "sirets"),
        ("organisations: []\n", "organizations"),
        ("organizations: [\n", "is not YAML"),
    ],
    ids=["unknown organisation", "short siret", "bad domain", "unknown key", "no list", "not yaml"],
)
def test_a_wrong_mapping_changes_nothing(cli, tmp_path, text: str, named: str) -> None:
    dreal = factories.Organization(name="dreal-occitanie")
    _invoke(
        cli,
        "load-mapping",
        _write(tmp_path, f"organizations: [{{organization: {dreal['name']}, siret: ['13000000000002']}}]\n"),
    )
    before = _rules()

    result = _invoke(cli, "load-mapping", _write(tmp_path, text))

    assert result.exit_code == 1
    assert named in result.output
    assert _rules() == before == [("siret", "13000000000002", dreal["id"])]


def test_an_administrator_links_a_proconnect_identity_to_an_existing_account(app, cli) -> None:
    factories.User(name="camille", email=CAMILLE["email"])
    assert log_in(app, "agent-camille", CAMILLE).status_code == 403

    result = _invoke(cli, "link", "camille", "agent-camille")

    assert result.exit_code == 0, result.output
    account = model.User.get("camille")
    assert result.output.splitlines() == [
        f"camille: {account.fullname} <{CAMILLE['email']}>, created {account.created:%Y-%m-%d}: "
        "check with its owner that the account is theirs (CKAN does not verify addresses).",
        f"{issuer()} agent-camille now logs into camille",
    ]
    answer = log_in(app, "agent-camille", CAMILLE)
    assert answer.status_code == 302
    assert dashboard(app).status_code == 200
    assert model.Session.query(model.User).filter_by(email=CAMILLE["email"]).count() == 1
    again = _invoke(cli, "link", "camille", "agent-camille")
    assert again.exit_code == 1
    assert "already has an account" in again.output
