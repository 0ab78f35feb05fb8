"""The DSFR assets: `make assets` copies them from npm into public/vendor;
the webassets library `ecologie` (assets/webassets.yml) bundles them."""

from __future__ import annotations

import logging
import os

import ckan.plugins.toolkit as tk

log = logging.getLogger(__name__)

HERE = os.path.dirname(__file__)
DSFR = os.path.join(HERE, "..", "public", "vendor", "dsfr")


def register() -> None:
    """Register the webassets library; say how to build the DSFR copy when
    it is missing (the pages would fail to bundle it)."""
    if not os.path.isfile(os.path.join(DSFR, "dsfr.min.css")):
        log.error("DSFR assets missing in %s: run `make assets` (npm ci and copy)", os.path.normpath(DSFR))
    tk.add_resource("../assets", "ecologie")
