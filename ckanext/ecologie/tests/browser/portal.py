"""The portal served for real (`ckan run` in a separate process, on the test
database) and driven by Debian's Chromium through Playwright; screenshots
and axe-core checks."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from typing import Any

from playwright.sync_api import Page

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))
ARTIFACTS = os.path.join(ROOT, "test-artifacts")
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Headless, no sandbox (root in CI), and none of Chromium's calls home.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE = os.path.join(ROOT, "node_modules", "axe-core", "axe.min.js")
BLOCKING_IMPACTS = ("serious", "critical")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Portal:
    """`ckan run` on the test configuration, with its own site URL and real
    CSRF protection, in a separate process; its log goes to test-artifacts."""

    def __init__(self, ini: str, storage_path: str, name: str) -> None:
        name = re.sub(r"[^A-Za-z0-9_-]+", "-", name)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        folder = os.path.join(ARTIFACTS, "browser")
        os.makedirs(folder, exist_ok=True)
        self.ini = os.path.join(folder, f"{name}.ini")
        self.log_path = os.path.join(folder, f"{name}.log")
        with open(self.ini, "w", encoding="utf-8") as out:
            out.write(
                "[app:main]\n"
                f"use = config:{os.path.abspath(ini)}\n"
                f"ckan.site_url = {self.url}\n"
                f"ckan.storage_path = {storage_path}\n"
                "WTF_CSRF_ENABLED = true\n"
            )
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> Portal:
        ckan = os.path.join(os.path.dirname(sys.executable), "ckan")
        log = open(self.log_path, "wb")  # noqa: SIM115 (closed with the process)
        command = [ckan, "-c", self.ini, "run", "--host", "127.0.0.1", "--port", str(self.port)]
        self.process = subprocess.Popen(
            [*command, "--disable-reloader", "--threaded"],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the portal exited with {self.process.returncode}: see {self.log_path}")
            try:
                with urllib.request.urlopen(f"{self.url}/api/3/action/status_show", timeout=2):
                    return self
            except OSError:
                time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"the portal did not answer within 90 s: see {self.log_path}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class Screenshots:
    """Full-page screenshots of a journey, numbered in order, in
    test-artifacts/screenshots/<journey>/."""

    def __init__(self, journey: str) -> None:
        self.folder = os.path.join(ARTIFACTS, "screenshots", journey)
        os.makedirs(self.folder, exist_ok=True)
        for old in os.listdir(self.folder):
            os.remove(os.path.join(self.folder, old))
        self.count = 0

    def take(self, page: Page, step: str) -> None:
        self.count += 1
        name = re.sub(r"[^a-z0-9]+", "-", step.lower()).strip("-")
        page.screenshot(path=os.path.join(self.folder, f"{self.count:02d}-{name}.png"), full_page=True)


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Run axe-core (from node_modules, injected into the page): every
    violation with its rule, impact, help and the elements concerned."""
    if not os.path.isfile(AXE):
        raise RuntimeError(f"{AXE} is missing: run `make assets`")
    with open(AXE, encoding="utf-8") as source:
        page.add_script_tag(content=source.read())
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {
            "rule": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "targets": [node["target"] for node in violation["nodes"]],
        }
        for violation in result["violations"]
    ]


def blocking(violations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The serious and critical ones."""
    return [violation for violation in violations if violation["impact"] in BLOCKING_IMPACTS]


def write_report(name: str, report: dict[str, Any]) -> str:
    folder = os.path.join(ARTIFACTS, "axe")
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, f"{name}.json")
    with open(path, "w", encoding="utf-8") as out:
        json.dump(report, out, ensure_ascii=False, indent=2)
    return path
