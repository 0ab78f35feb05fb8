"""The WSGI application, built as CKAN builds it for `ckan run`, for
gunicorn or uWSGI: `ckanext.ecologie.serving.wsgi:create_app()` with the
ini file in `CKAN_INI`."""

from __future__ import annotations

import os
from typing import Any

from ckan.cli import CKANConfigLoader
from ckan.config.middleware import make_app

from ckanext.ecologie.serving import static


def create_app(ini: str | None = None) -> Any:
    """CKAN's app for `ini` (default: `$CKAN_INI`), its public files served
    before it (see `static`). The loader also sets up logging from the ini."""
    path = ini or os.environ.get("CKAN_INI")
    if not path:
        raise RuntimeError("CKAN_INI is not set: give the path of the portal's ini file")
    config = CKANConfigLoader(os.path.abspath(path)).get_config()
    return static.serve_public_files(make_app(config))
