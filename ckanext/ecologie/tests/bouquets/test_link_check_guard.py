"""The bouquet link check, with the guard on: private addresses are not
contacted, and the address that was checked is the one connected to.

test.ini lets the check reach private addresses (the fixture servers are
on 127.0.0.1); these tests turn the guard back on."""

from __future__ import annotations

import http.server
import socket
import threading
from collections.abc import Iterator
from typing import ClassVar

import pytest

from ckanext.ecologie.bouquets import health, probe

GUARDED = pytest.mark.ckan_config("ckanext.ecologie.bouquets.check_private_addresses", "false")
pytestmark = pytest.mark.usefixtures("with_plugins")


class Recorder(http.server.BaseHTTPRequestHandler):
    """Answers 200 to /data.csv, 404 elsewhere, and notes each request's Host."""

    received: ClassVar[list[str]] = []

    def do_HEAD(self) -> None:
        self.received.append(self.headers["Host"])
        self.send_response(200 if self.path.startswith("/data.csv") else 404)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def local_server() -> Iterator[tuple[int, list[str]]]:
    received: ClassVar[list[str]] = []
    handler = type("Handler", (Recorder,), {"received": received})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server.server_address[1], received
    finally:
        server.shutdown()
        server.server_close()


@GUARDED
def test_private_addresses_are_not_contacted(local_server) -> None:
    port, received = local_server
    for url in (
        f"http://127.0.0.1:{port}/data.csv",
        f"http://localhost:{port}/data.csv",
        f"http://[::1]:{port}/",
        "http://10.1.2.3/",
    ):
        assert health.check_url(url)[0] == health.URL_NOT_CHECKED, url
    assert received == []


def test_without_the_guard_the_local_server_answers(local_server) -> None:
    port, received = local_server
    assert health.check_url(f"http://localhost:{port}/data.csv") == (None, "HTTP 200")
    assert health.check_url(f"http://localhost:{port}/missing.csv") == (health.URL_UNREACHABLE, "HTTP 404")
    assert received == [f"localhost:{port}"] * 2  # connected by address, the host name kept


@GUARDED
def test_a_host_rebound_to_a_private_address_is_not_reached(local_server, monkeypatch) -> None:
    """DNS rebinding: the host answers a public address to the check, then
    the portal's own loopback. No DNS server can be made to answer so here
    (the machine's resolver is not ours to change), so the resolver is
    replaced by one that answers as a rebinding server would; the HTTP server
    on 127.0.0.1 is real, and must receive nothing."""
    port, received = local_server
    answers = iter(["93.184.216.34"] + ["127.0.0.1"] * 10)
    real = socket.getaddrinfo

    def rebinding(host, *args, **kwargs):
        if host == "rebind.example.test":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers), port))]
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)

    problem, _ = health.check_url(f"http://rebind.example.test:{port}/data.csv")

    assert problem == health.URL_UNREACHABLE  # the checked, public address: no route from here
    assert received == []


def test_an_unsupported_address_is_not_contacted() -> None:
    with pytest.raises(probe.Unreachable):
        probe.head("file:///etc/passwd", timeout=1, allow_private=True)
