"""`ckanext.ecologie.proconnect.password_login = sysadmins`: passwords still
open the portal to sysadmins, to nobody else; the login page folds the form."""

from __future__ import annotations

import pytest
from ckan.tests import factories

from ckanext.ecologie.tests.agents.provider import dashboard

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")

PASSWORD = "Un-mot-de-passe-solide-2026"


def _password_login(app, name: str) -> int:
    app.post("/user/login", data={"login": name, "password": PASSWORD}, follow_redirects=False)
    return dashboard(app).status_code


@pytest.mark.ckan_config("ckanext.ecologie.proconnect.password_login", "sysadmins")
def test_only_sysadmins_log_in_with_a_password(app) -> None:
    factories.User(name="agent", password=PASSWORD)
    factories.Sysadmin(name="root", password=PASSWORD)

    assert _password_login(app, "agent") != 200
    assert _password_login(app, "root") == 200


@pytest.mark.ckan_config("ckanext.ecologie.proconnect.password_login", "sysadmins")
def test_the_login_page_folds_the_password_form_for_administrators(app) -> None:
    page = app.get("/user/login").body

    assert page.index("S'identifier avec") < page.index('<details class="ecologie-admin-login">')
    assert page.index('<details class="ecologie-admin-login">') < page.index('id="field-login"')
    assert "/user/register" not in page


def test_by_default_everyone_logs_in_with_a_password(app) -> None:
    factories.User(name="agent", password=PASSWORD)

    assert _password_login(app, "agent") == 200
    assert "ecologie-admin-login" not in app.get("/user/login").body
