"""Logging in through the real OpenID Connect provider of `make services`
(mock-oauth2-server on 127.0.0.1, ProConnect's stand-in), as a browser
would: the portal's redirect, the provider's login form with the agent's
claims, the way back to the portal's callback."""

from __future__ import annotations

import base64
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import ckan.plugins.toolkit as tk
import requests

CLIENT_ID = "ecologie-test"


def discovery_url() -> str:
    return tk.config["ckanext.ecologie.proconnect.discovery_url"]


def issuer() -> str:
    return requests.get(discovery_url(), timeout=10).json()["issuer"]


def at_provider(authorize_url: str, username: str, claims: dict[str, Any]) -> str:
    """Fill the provider's login form; the address it sends the browser back to."""
    answer = requests.post(
        authorize_url, data={"username": username, "claims": json.dumps(claims)}, allow_redirects=False, timeout=10
    )
    assert answer.status_code == 302, answer.text[:500]
    return answer.headers["Location"]


def local_path(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return f"{parts.path}?{parts.query}"


def log_in(app: Any, username: str, claims: dict[str, Any], came_from: str = "") -> Any:
    """The whole login of an agent; the portal's answer to the callback."""
    start = app.get(
        "/user/login/proconnect",
        query_string={"came_from": came_from} if came_from else None,
        follow_redirects=False,
    )
    assert start.status_code == 302, start.body[:500]
    back = at_provider(start.headers["Location"], username, claims)
    return app.get(local_path(back), follow_redirects=False)


def payload(token: str) -> dict[str, Any]:
    part = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def dashboard(app: Any) -> Any:
    """The dashboard: 200 with the user's name for a logged-in session,
    a redirect to the login page for an anonymous one."""
    return app.get("/dashboard/datasets", follow_redirects=False)


class TamperingFront:
    """A front of the provider on 127.0.0.1 that changes the ID token on its
    way to the portal, as a forger on the path would: the portal is pointed
    at this front's discovery document, which names the front's token
    endpoint and the real provider for everything else."""

    def __init__(self, tamper: Any) -> None:
        self.tamper = tamper
        # ID tokens changed on their way; a test checks it is 1, so that a
        # refused login proves the check and not a broken exchange.
        self.tampered = 0
        self.failures: list[str] = []
        real = requests.get(discovery_url(), timeout=10).json()
        front = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _send(self, status: int, body: bytes, content_type: str = "application/json") -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                document = {**real, "token_endpoint": f"{front.url}/token"}
                self._send(200, json.dumps(document).encode())

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                headers = {key: value for key, value in self.headers.items() if key.lower() == "authorization"}
                headers["Content-Type"] = self.headers.get("Content-Type", "application/x-www-form-urlencoded")
                try:
                    answer = requests.post(real["token_endpoint"], data=body, headers=headers, timeout=10)
                    token = answer.json()
                    if "id_token" in token:
                        token["id_token"] = front.tamper(token["id_token"])
                        front.tampered += 1
                except Exception as error:  # kept for the test to report, not dumped by the server thread
                    front.failures.append(repr(error))
                    self._send(502, b"{}")
                    return
                self._send(answer.status_code, json.dumps(token).encode())

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> TamperingFront:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
