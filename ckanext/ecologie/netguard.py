"""Requests the server makes on a user's behalf (harvest sources, bouquet
link checks) reach public addresses only, unless allowed.

Each request, and each redirect, resolves its host once, checks every
address, and connects to the address it checked, with the host name kept
for the `Host` header and TLS: a second lookup, which a plain HTTP client
makes, could answer the portal's own network to a host that answered a
public address a moment before (DNS rebinding). Built on requests' adapter
hook (`build_connection_pool_key_attributes`, meant to be overridden).
"""

from __future__ import annotations

import ipaddress
import os
import socket
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.util import Retry

DEFAULT_PORTS = {"http": 80, "https": 443}


class PrivateAddress(requests.RequestException):
    """The host has an address that is not public (loopback, private,
    link-local, shared, reserved...)."""


NAT64 = ipaddress.ip_network("64:ff9b::/96")


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one leads to (mapped, 6to4, Teredo, NAT64,
    IPv4-compatible), which a router in between may reach."""
    if ip.ipv4_mapped or ip.sixtofour:
        return ip.ipv4_mapped or ip.sixtofour
    if ip.teredo:
        return ip.teredo[1]
    if ip in NAT64 or int(ip) >> 32 == 0:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    embedded = _embedded_ipv4(ip) if isinstance(ip, ipaddress.IPv6Address) else None
    return ip.is_global and (embedded is None or embedded.is_global)


def checked_address(host: str, port: int, allow_private: bool) -> str:
    """The address to connect to; PrivateAddress, requests' InvalidURL for a
    name that is none, or its ConnectionError when the host does not resolve."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except UnicodeError:  # a label IDNA refuses
        raise requests.exceptions.InvalidURL(host) from None
    except OSError as error:
        raise requests.ConnectionError(f"{host}: {type(error).__name__}") from None
    addresses = list(dict.fromkeys(str(info[4][0]) for info in found))
    if not addresses:
        raise requests.ConnectionError(f"{host}: no address")
    if not allow_private and not all(_public(address) for address in addresses):
        raise PrivateAddress(host)
    return addresses[0]


class GuardedAdapter(HTTPAdapter):
    """Sends each request to the address it checked."""

    def __init__(self, allow_private: bool, **kwargs: Any) -> None:
        self.allow_private = allow_private
        super().__init__(**kwargs)

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        asked = request.url or ""
        try:  # a redirect's target reaches here unchecked by requests
            parts = urlsplit(asked)
            port = parts.port or DEFAULT_PORTS.get(parts.scheme)
        except ValueError:
            raise requests.exceptions.InvalidURL(asked) from None
        if parts.scheme not in DEFAULT_PORTS or not parts.hostname or port is None:
            raise requests.exceptions.InvalidURL(asked)
        address = checked_address(parts.hostname, port, self.allow_private)
        host = f"[{address}]" if ":" in address else address
        request.headers["Host"] = parts.netloc.rsplit("@", 1)[-1]
        request.url = urlunsplit(parts._replace(netloc=f"{host}:{port}"))
        request.checked_host = parts.hostname  # type: ignore[attr-defined]  # read below, for TLS
        response = super().send(request, **kwargs)
        request.url = response.url = asked  # redirects resolve against what was asked
        return response

    def build_connection_pool_key_attributes(
        self, request: requests.PreparedRequest, verify: Any, cert: Any = None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        host_params, pool_kwargs = super().build_connection_pool_key_attributes(request, verify, cert)
        name = getattr(request, "checked_host", None)
        if name and host_params.get("scheme") == "https":
            # connected by address: the certificate is checked for the name
            pool_kwargs["server_hostname"] = name
            pool_kwargs["assert_hostname"] = name
        return host_params, pool_kwargs


def session(allow_private: bool, retries: Retry | None = None) -> requests.Session:
    """A requests session whose every request goes through the guard;
    `retries`: urllib3's retry policy for what the guard let through (a
    refused address is refused before it, and not retried)."""
    guarded = requests.Session()
    # an environment proxy would make its own lookups: none is used; an
    # environment CA bundle (an intranet's authority) still is
    guarded.trust_env = False
    guarded.verify = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True
    adapter = GuardedAdapter(allow_private, max_retries=retries or 0)  # 0: requests' default, no retry
    guarded.mount("http://", adapter)
    guarded.mount("https://", adapter)
    return guarded
