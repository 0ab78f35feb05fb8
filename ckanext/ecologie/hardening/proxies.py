"""The client's address behind the declared reverse proxies only
(`ckanext.ecologie.trusted_proxies`), through werkzeug's ProxyFix."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from werkzeug.middleware.proxy_fix import ProxyFix


def trust_declared_proxies(app: Any) -> Any:
    """The Flask app, its WSGI callable wrapped when proxies are declared."""
    proxies = tk.config.get("ckanext.ecologie.trusted_proxies")
    if proxies > 0 and hasattr(app, "wsgi_app"):
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
    return app
