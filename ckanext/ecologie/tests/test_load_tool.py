"""`tools/load.py` (`make load`) against a small stand-in portal on
127.0.0.1: it finds the names through the API, its counts are the server's,
failures are counted by kind and make it exit 1, other hosts are refused."""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import ModuleType
from typing import ClassVar
from urllib.parse import parse_qs, urlsplit

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))


def _load_tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("load_tool", os.path.join(ROOT, "tools", "load.py"))
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


load = _load_tool()

DATASETS = [{"name": "qualite-eau", "title": "Qualité des rivières"}, {"name": "air", "title": "Mesures air"}]
BOUQUETS = [{"name": "se-loger", "title": "Se loger"}]
ACTIONS = {
    "organization_list": ["dreal"],
    "ecologie_theme_list": [{"id": "eau", "dataset_count": 2}, {"id": "sol", "dataset_count": 0}],
}
# the kind of each page path, by its start (the API by its action)
PREFIXES = {
    "/dataset/?": "search",
    "/dataset/": "dataset",
    "/bouquet/": "bouquet",
    "/organization/": "organization",
    "/theme/": "theme",
    "/api/3/action/package_search": "api_search",
    "/api/3/action/package_show": "api_show",
}


class Portal(BaseHTTPRequestHandler):
    """The API answers discovery; pages answer 200, organisations 500."""

    seen: ClassVar[Counter[str]] = Counter()

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        query = parse_qs(parts.query)
        if parts.path.startswith("/api/") and "rows" in query and query["rows"] == ["100"]:
            results = BOUQUETS if query.get("fq") == ["dataset_type:bouquet"] else DATASETS
            return self._json({"success": True, "result": {"count": len(results), "results": results}})
        if parts.path.split("/")[-1] in ACTIONS:
            return self._json({"success": True, "result": ACTIONS[parts.path.split("/")[-1]]})
        kind = "home" if self.path == "/" else next(k for p, k in PREFIXES.items() if self.path.startswith(p))
        self.seen[kind] += 1
        self._answer(500 if kind == "organization" else 200, b"ok", "text/html")

    def _json(self, body: object) -> None:
        self._answer(200, json.dumps(body).encode(), "application/json")

    def _answer(self, status: int, body: bytes, kind: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def portal() -> Iterator[str]:
    Portal.seen = Counter()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Portal)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_the_names_come_from_the_api(portal: str) -> None:
    import requests

    with requests.Session() as session:
        targets = load.discover(session, portal)
    assert targets == load.Targets(
        datasets=["qualite-eau", "air"],
        bouquets=["se-loger"],
        organizations=["dreal"],
        themes=["eau"],
        words=["mesures", "qualité", "rivières"],
    )
    assert load.paths(targets)["bouquet"] == ["/bouquet/se-loger"]
    assert load.paths(targets)["search"] == [
        "/dataset/?q=mesures",
        "/dataset/?q=qualit%C3%A9",
        "/dataset/?q=rivi%C3%A8res",
    ]


def test_counts_are_the_servers_and_errors_fail(portal: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert load.main(["--url", portal, "--clients", "4", "--seconds", "2"]) == 1
    output = capsys.readouterr().out
    rows = {
        line.split()[0]: line.split() for line in output.splitlines()[1:] if line.split()[0] in (*load.KINDS, "all")
    }
    # every kind asked, and each request the tool counted is one the server saw
    assert {kind: int(row[1]) for kind, row in rows.items() if kind != "all"} == dict(Portal.seen)
    assert set(Portal.seen) == set(load.KINDS)
    assert int(rows["all"][1]) == sum(Portal.seen.values())
    # the failing kind, and only it, has errors: all of its requests
    assert {kind: int(row[-1]) for kind, row in rows.items()} == {
        **{kind: 0 for kind in load.KINDS},
        "organization": Portal.seen["organization"],
        "all": Portal.seen["organization"],
    }
    assert f"errors of organization: {Portal.seen['organization']} x HTTP 500" in output
    assert output.strip().endswith(f"{Portal.seen['organization']} errors")


def test_no_errors_exit_zero(portal: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(ACTIONS, "organization_list", [])
    assert load.main(["--url", portal, "--clients", "2", "--seconds", "1"]) == 0
    output = capsys.readouterr().out
    assert "(no organization to ask)" in output.splitlines()[0]
    assert "organization" not in Portal.seen
    assert output.strip().endswith("no errors")


@pytest.mark.parametrize(
    "url", ["http://example.org:5000", "http://10.0.0.1:5000", "http://localhost:5000", "ftp://127.0.0.1/"]
)
def test_other_hosts_are_refused(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert load.main(["--url", url, "--seconds", "1"]) == 2
    assert capsys.readouterr().err == (
        f"error: {url} is not on the loopback: give an address such as http://127.0.0.1:5000\n"
    )


def test_loopback_addresses_are_accepted() -> None:
    assert load.loopback_base("http://127.0.0.1:5000/") == "http://127.0.0.1:5000"
    assert load.loopback_base("http://[::1]:5000") == "http://[::1]:5000"


def test_percentile_is_the_nearest_rank() -> None:
    values = [float(n) for n in range(1, 101)]
    assert (load.percentile(values, 0.5), load.percentile(values, 0.95), load.percentile([], 0.95)) == (50, 95, 0)
