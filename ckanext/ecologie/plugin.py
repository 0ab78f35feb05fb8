"""Plugin wiring: each interface hands over to the capability that owns it."""

from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.common import CKANConfig
from ckan.config.declaration import Declaration, Key
from ckan.lib.plugins import DefaultTranslation

from ckanext.ecologie import config_defaults


class EcologiePlugin(p.SingletonPlugin, DefaultTranslation):
    p.implements(p.IConfigDeclaration)
    p.implements(p.IConfigurer)
    p.implements(p.ITranslation)

    # IConfigDeclaration

    def declare_config_options(self, declaration: Declaration, key: Key) -> None:
        config_defaults.declare(declaration, key)

    # IConfigurer

    def update_config(self, config: CKANConfig) -> None:
        tk.add_template_directory(config, "templates")
        tk.add_public_directory(config, "public")
