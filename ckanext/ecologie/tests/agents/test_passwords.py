"""`ckanext.ecologie.proconnect.password_login = sysadmins`: passwords still
open the portal to sysadmins, to nobody else; the login page folds the form."""

from __future__ import annotations

import ckan.model as model
import pytest
from ckan.tests import factories

from ckanext.ecologie.tests.agents.provider import dashboard, log_in
from ckanext.ecologie.tests.agents.test_proconnect import CAMILLE

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")

PASSWORD = "Un-mot-de-passe-solide-2026"


REFUSED = "refused"
LOGGED_IN = "logged in"


def _password_login(app, name: str, password: str = PASSWORD) -> str:
    answer = app.post("/user/login", data={"login": name, "password": password}, follow_redirects=False)
    if dashboard(app).status_code == 200:
        return LOGGED_IN
    assert answer.status_code == 200  # the login page again, as for a wrong password
    assert "Authentification échouée. Mauvais login ou mot de passe." in answer.body
    return REFUSED


@pytest.mark.ckan_config("ckanext.ecologie.proconnect.password_login", "sysadmins")
def test_only_sysadmins_log_in_with_a_password(app) -> None:
    factories.User(name="agent", password=PASSWORD)
    factories.Sysadmin(name="root", password=PASSWORD)

    assert _password_login(app, "agent") == REFUSED
    assert _password_login(app, "agent", "a-wrong-password") == REFUSED  # the same answer: no oracle
    assert _password_login(app, "root") == LOGGED_IN


@pytest.mark.ckan_config("ckanext.ecologie.proconnect.password_login", "sysadmins")
def test_the_login_page_folds_the_password_form_for_administrators(app) -> None:
    page = app.get("/user/login").body

    assert page.index("S'identifier avec") < page.index('<details class="ecologie-admin-login">')
    assert page.index('<details class="ecologie-admin-login">') < page.index('id="field-login"')
    assert "/user/register" not in page


def test_by_default_everyone_logs_in_with_a_password(app) -> None:
    factories.User(name="agent", password=PASSWORD)

    assert _password_login(app, "agent") == LOGGED_IN
    assert "ecologie-admin-login" not in app.get("/user/login").body


def test_an_agents_account_never_opens_with_a_password(app) -> None:
    log_in(app, "agent-camille", CAMILLE)
    app.get("/user/_logout", follow_redirects=False)
    agent = model.User.get("camille-martin")
    agent.password = PASSWORD  # as a password reset through the e-mail address would set it
    model.Session.commit()

    assert _password_login(app, "camille-martin") == REFUSED
    assert _password_login(app, CAMILLE["email"]) == REFUSED
