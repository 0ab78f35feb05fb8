"""Browser fixtures: Playwright's Chromium (Debian's, never a downloaded
one), and the portal served on the test database once a test has made its
data."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import ckan.plugins.toolkit as tk
import pytest
from playwright.sync_api import Browser, BrowserContext, Playwright, sync_playwright

from ckanext.ecologie.tests.browser.portal import CHROMIUM, CHROMIUM_ARGS, Portal


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as instance:
        yield instance


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} not found: apt-get install chromium (make test does it)")
    browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def portal(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Portal]:
    """The portal of the test, started by `portal.start()` once the test's
    data is in the database. Its address is the site URL of the test's own
    process too, so the addresses CKAN stores (uploads) and sends (e-mails)
    lead to it."""
    portal = Portal(request.config.getoption("ckan_ini"), tk.config["ckan.storage_path"], request.node.name)
    monkeypatch.setitem(tk.config, "ckan.site_url", portal.url)
    yield portal
    portal.stop()


@pytest.fixture
def new_context(browser: Browser) -> Iterator[Callable[[], BrowserContext]]:
    """A fresh browser profile (its own cookies) per user of a journey, in French."""
    contexts: list[BrowserContext] = []

    def make() -> BrowserContext:
        context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900}, accept_downloads=True)
        context.set_default_timeout(20_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()
