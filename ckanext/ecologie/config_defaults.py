"""Config declarations: ours from config_declaration.yaml, plus French
defaults for the core options that make a French state portal."""

from __future__ import annotations

import os

import yaml
from ckan.common import CKANConfig
from ckan.config.declaration import Declaration, Key

from ckanext.ecologie.harvest.licences import REGISTER_URL

DECLARATION_FILE = os.path.join(os.path.dirname(__file__), "config_declaration.yaml")

# Core options whose stock default does not fit the portal. An operator's
# explicit setting in the ini file still wins over these.
CORE_DEFAULTS = {
    "ckan.locale_default": "fr",
    "ckan.locales_offered": ["fr", "en"],
    "ckan.site_title": "Catalogue de la transition écologique",
    # No avatar from gravatar.com: nothing on a page comes from another host,
    # and a visitor's address is not sent to a third party.
    "ckan.gravatar_default": "disabled",
    # French licences (Licence Ouverte...), with what the harvest matches
    "licenses_group_url": REGISTER_URL,
}
# Left empty by `ckan generate config`, as CKAN's own default: empty is unset.
EMPTY_IS_UNSET = ("licenses_group_url",)


def declare(declaration: Declaration, key: Key) -> None:
    with open(DECLARATION_FILE, encoding="utf-8") as stream:
        declaration.load_dict(yaml.safe_load(stream))
    for name, default in CORE_DEFAULTS.items():
        option = declaration.get(name)
        if option is not None:
            option.set_default(default)


def fill_empty(config: CKANConfig) -> None:
    """Our default for the options of EMPTY_IS_UNSET an ini file left empty."""
    for name in EMPTY_IS_UNSET:
        if not config.get(name):
            config[name] = CORE_DEFAULTS[name]
