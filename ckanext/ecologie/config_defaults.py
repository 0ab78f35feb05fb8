"""Config declarations: ours from config_declaration.yaml, plus French
defaults for the core options that make a French state portal."""

from __future__ import annotations

import os

import yaml
from ckan.config.declaration import Declaration, Key

DECLARATION_FILE = os.path.join(os.path.dirname(__file__), "config_declaration.yaml")

# Core options whose stock default does not fit the portal. An operator's
# explicit setting in the ini file still wins over these.
CORE_DEFAULTS = {
    "ckan.locale_default": "fr",
    "ckan.locales_offered": ["fr", "en"],
    "ckan.site_title": "Catalogue de la transition écologique",
}


def declare(declaration: Declaration, key: Key) -> None:
    with open(DECLARATION_FILE, encoding="utf-8") as stream:
        declaration.load_dict(yaml.safe_load(stream))
    for name, default in CORE_DEFAULTS.items():
        option = declaration.get(name)
        if option is not None:
            option.set_default(default)
