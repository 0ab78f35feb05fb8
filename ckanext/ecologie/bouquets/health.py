"""Health of a bouquet's items: datasets deleted, made private or restricted,
external addresses that no longer answer.

External addresses are checked from the server, so by default only public
hosts are contacted (an item must not make the portal probe its own network);
`ckanext.ecologie.bouquets.check_private_addresses` lifts that, for tests and
intranets.
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Any
from urllib.parse import urljoin, urlparse

import ckan.model as model
import ckan.plugins.toolkit as tk
import requests

from ckanext.ecologie.bouquets import items
from ckanext.ecologie.bouquets.model import URL_AVAILABLE, BouquetItem

MAX_REDIRECTS = 5

DATASET_DELETED = "dataset_deleted"
DATASET_PRIVATE = "dataset_private"
DATASET_RESTRICTED = "dataset_restricted"
URL_UNREACHABLE = "url_unreachable"
URL_NOT_CHECKED = "url_not_checked"


def _private_host(host: str) -> bool:
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except OSError:
        return False  # unresolvable: the request itself will fail
    return any(
        ipaddress.ip_address(address.split("%")[0]).is_private
        or ipaddress.ip_address(address.split("%")[0]).is_loopback
        or ipaddress.ip_address(address.split("%")[0]).is_link_local
        for address in addresses
    )


def check_url(url: str) -> tuple[str | None, str]:
    """(problem or None, detail), following at most a few redirects and
    checking each host before contacting it."""
    timeout = tk.config.get("ckanext.ecologie.bouquets.check_timeout")
    allow_private = tk.config.get("ckanext.ecologie.bouquets.check_private_addresses")
    for _ in range(MAX_REDIRECTS + 1):
        host = urlparse(url).hostname or ""
        if not allow_private and _private_host(host):
            return URL_NOT_CHECKED, tk._("private address, not checked")
        try:
            response = requests.head(url, timeout=timeout, allow_redirects=False)
            if response.status_code in (403, 405, 501):  # some servers refuse HEAD
                response = requests.get(url, timeout=timeout, allow_redirects=False, stream=True)
                response.close()
        except requests.RequestException as error:
            return URL_UNREACHABLE, type(error).__name__
        if response.is_redirect and response.headers.get("location"):
            url = urljoin(url, response.headers["location"])
            continue
        if response.status_code >= 400:
            return URL_UNREACHABLE, f"HTTP {response.status_code}"
        return None, f"HTTP {response.status_code}"
    return URL_UNREACHABLE, tk._("too many redirects")


def _dataset_problem(record: BouquetItem) -> str | None:
    if record.package_id is None:
        return DATASET_DELETED if record.dataset_removed else None
    package = model.Package.get(record.package_id)
    if package is None or package.state != "active":
        return DATASET_DELETED
    if package.private:
        return DATASET_PRIVATE
    if package.extras.get("access_rights") == "restricted":
        return DATASET_RESTRICTED
    return None


def check(bouquet: model.Package) -> list[dict[str, Any]]:
    problems = []
    for record in items.of_bouquet(bouquet.id):
        problem, detail = _dataset_problem(record), ""
        if problem is None and record.availability == URL_AVAILABLE and record.uri:
            problem, detail = check_url(record.uri)
        if problem:
            problems.append(
                {"item_id": record.id, "label": record.label, "problem": problem, "detail": detail, "uri": record.uri}
            )
    return problems


def problem_label(problem: str) -> str:
    return {
        DATASET_DELETED: tk._("the dataset was deleted"),
        DATASET_PRIVATE: tk._("the dataset became private"),
        DATASET_RESTRICTED: tk._("the dataset became restricted"),
        URL_UNREACHABLE: tk._("the address no longer answers"),
        URL_NOT_CHECKED: tk._("the address was not checked"),
    }.get(problem, problem)
