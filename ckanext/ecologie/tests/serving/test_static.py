"""Public files answered by WhiteNoise before CKAN (`make serve`): hashed
webassets bundles cached for a year, other public files for an hour, pages
still CKAN's."""

from __future__ import annotations

import pytest
from ckan.common import config
from werkzeug.test import Client

from ckanext.ecologie.serving import static

pytestmark = pytest.mark.usefixtures("with_plugins")

IMMUTABLE = "max-age=315360000, public, immutable"
AN_HOUR = "max-age=3600, public"


@pytest.fixture
def served(app, tmp_path, monkeypatch) -> Client:
    bundles = tmp_path / "webassets"
    (bundles / "ecologie").mkdir(parents=True)
    (bundles / "ecologie" / "0123abcd_portal.css").write_text("main { margin: 0 }", encoding="utf-8")
    (bundles / "ecologie" / "portal.css").write_text("main { margin: 0 }", encoding="utf-8")
    monkeypatch.setitem(config, "ckan.webassets.path", str(bundles))
    return Client(static.serve_public_files(app.app))


def test_a_hashed_bundle_is_immutable(served: Client) -> None:
    response = served.get("/webassets/ecologie/0123abcd_portal.css")
    assert (response.status_code, response.headers["Cache-Control"]) == (200, IMMUTABLE)
    assert response.get_data(as_text=True) == "main { margin: 0 }"
    # a name without its hash may change content: an hour only
    assert served.get("/webassets/ecologie/portal.css").headers["Cache-Control"] == AN_HOUR


def test_public_files_of_ours_and_of_ckan_are_kept_an_hour(served: Client) -> None:
    for path in ("/vendor/dsfr/favicon/favicon.svg", "/base/images/ckan-logo.png"):
        response = served.get(path)
        assert (response.status_code, response.headers["Cache-Control"]) == (200, AN_HOUR), path
        assert "Set-Cookie" not in response.headers


def test_pages_and_missing_files_are_ckans(served: Client) -> None:
    page = served.get("/dataset/")
    assert page.status_code == 200
    assert "max-age=3600" not in page.headers["Cache-Control"]
    assert served.get("/vendor/dsfr/absent.css").status_code == 404


def test_the_folders_follow_ckans_order(app) -> None:
    folders = static.public_folders()
    assert folders[-1].endswith("/ckan/public")
    assert any(folder.endswith("/ckanext/ecologie/public") for folder in folders[:-1])
    assert "" not in folders
