"""Public files are the portal's and CKAN's public folders only: never
CKAN's own source code, which an empty `extra_public_paths` used to serve."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.usefixtures("with_plugins")


@pytest.mark.ckan_config("extra_public_paths", "")
@pytest.mark.parametrize("path", ["/flask_app.py", "/common_middleware.py", "/__init__.py"])
def test_no_source_file_is_served(app, path) -> None:
    assert app.get(path).status_code == 404


def test_public_files_still_are(app) -> None:
    ours = app.get("/vendor/dsfr/dsfr.min.css")
    assert ours.status_code == 200 and ours.content_type.startswith("text/css")
    core = app.get("/base/images/placeholder-organization.png")
    assert core.status_code == 200 and core.content_type == "image/png"
