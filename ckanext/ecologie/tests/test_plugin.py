"""The plugin loads, declares its configuration and makes French the default."""

from __future__ import annotations

import ckan.plugins as p
import pytest
from ckan.common import config_declaration
from ckan.tests import factories


@pytest.mark.usefixtures("with_plugins")
def test_plugin_is_loaded() -> None:
    assert p.plugin_loaded("ecologie")


@pytest.mark.usefixtures("with_plugins")
def test_french_is_the_declared_default_locale() -> None:
    # The declaration, not test.ini: an operator who sets nothing gets French.
    assert config_declaration["ckan.locale_default"].default == "fr"
    assert config_declaration["ckan.locales_offered"].default == ["fr", "en"]


@pytest.mark.usefixtures("with_plugins", "clean_db")
def test_user_pages_fetch_no_avatar_from_gravatar(app) -> None:
    factories.User(name="agente", image_url="")  # the factory gives every user a picture
    assert config_declaration["ckan.gravatar_default"].default == "disabled"
    page = app.get("/user/agente", status=200).get_data(as_text=True)
    assert "gravatar.com" not in page
    assert "/base/images/placeholder-user.png" in page


@pytest.mark.usefixtures("with_plugins", "clean_db")
def test_status_show_lists_the_portal_plugins(app) -> None:
    result = app.get("/api/3/action/status_show").json["result"]
    for plugin in ("ecologie", "harvest", "ckan_harvester", "dcat", "dcat_rdf_harvester", "activity"):
        assert plugin in result["extensions"]
    assert result["locale_default"] == "fr"
