"""The DSFR assets: `make assets` copies them from npm into public/vendor;
the webassets library `ecologie` (assets/webassets.yml) bundles them."""

from __future__ import annotations

import functools
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


@functools.cache
def _version() -> str:
    try:
        with open(os.path.join(DSFR, "VERSION"), encoding="utf-8") as source:
            return source.read().strip()
    except OSError:
        return ""


def dsfr_script_url() -> str:
    """The DSFR's script (an ES module: webassets cannot tag it), with its
    version in the address so that browsers fetch a new release."""
    return f"{tk.h.url_for_static('/vendor/dsfr/dsfr.module.min.js')}?v={_version()}"
