"""A Solr server of a test's own, that the test may kill and start again
while the rest of the suite keeps the shared one."""

from __future__ import annotations

import os
import socket
import subprocess
import tempfile
import time
import urllib.request

import ckan

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))
SOLR_SH = os.path.join(ROOT, "tools", "solr", "solr.sh")
CACHE = os.path.join(ROOT, ".cache", "solr")  # built by `make services`
SCHEMA = os.path.join(os.path.dirname(ckan.__file__), "config", "solr", "schema.xml")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class OwnSolr:
    def __init__(self) -> None:
        self.home = tempfile.mkdtemp(prefix="ecologie-solr-")
        self.port = free_port()
        self.log = os.path.join(self.home, "solr.log")
        self.process: subprocess.Popen[bytes] | None = None
        subprocess.run([SOLR_SH, "home", self.home, SCHEMA], check=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/solr/ckan"

    def answers(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/admin/ping", timeout=2) as response:
                return b'"OK"' in response.read()
        except OSError:
            return False

    def start(self, timeout: float = 120) -> None:
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [SOLR_SH, "run", CACHE, self.home, str(self.port)], stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + timeout
        while not self.answers():
            assert self.process.poll() is None, f"the test's Solr exited: see {self.log}"
            assert time.monotonic() < deadline, f"the test's Solr does not answer after {timeout} s: see {self.log}"
            time.sleep(0.25)

    def kill(self) -> None:
        """As a crash would: no shutdown, uncommitted updates left in its log."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)
