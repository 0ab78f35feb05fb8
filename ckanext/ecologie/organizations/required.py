"""The `ecologie` plugin needs `ecologie_organizations`: harvest sources
create organisations with a type, and search facets datasets on it."""

from __future__ import annotations

import ckan.plugins as p

PLUGIN = "ecologie_organizations"


def check_loaded() -> None:
    """Stop the start of a site whose `ckan.plugins` lacks the plugin: without
    it an organisation's type would be dropped without a word."""
    if not p.plugin_loaded(PLUGIN):
        raise RuntimeError(f"the ecologie plugin needs {PLUGIN}: add it to ckan.plugins (see README, Plugins)")
