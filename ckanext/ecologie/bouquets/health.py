"""Health of a bouquet's items: datasets deleted, made private or restricted,
external addresses that no longer answer.

External addresses are checked from the server, so by default only public
hosts are contacted (an item must not make the portal probe its own network);
`ckanext.ecologie.bouquets.check_private_addresses` lifts that, for tests and
intranets.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.ecologie.bouquets import items, probe
from ckanext.ecologie.bouquets.model import URL_AVAILABLE, BouquetItem

MAX_REDIRECTS = 5

DATASET_DELETED = "dataset_deleted"
DATASET_PRIVATE = "dataset_private"
DATASET_RESTRICTED = "dataset_restricted"
URL_UNREACHABLE = "url_unreachable"
URL_NOT_CHECKED = "url_not_checked"


def check_url(url: str) -> tuple[str | None, str]:
    """(problem or None, detail), following at most a few redirects and
    checking each host before contacting it (probe.py)."""
    timeout = tk.config.get("ckanext.ecologie.bouquets.check_timeout")
    allow_private = tk.config.get("ckanext.ecologie.bouquets.check_private_addresses")
    for _ in range(MAX_REDIRECTS + 1):
        try:
            answer = probe.head(url, timeout, allow_private)
        except probe.PrivateAddress:
            return URL_NOT_CHECKED, tk._("private address, not checked")
        except probe.Unreachable as error:
            return URL_UNREACHABLE, str(error)
        if answer.status in (301, 302, 303, 307, 308) and answer.location:
            url = urljoin(url, answer.location)
            continue
        if answer.status >= 400:
            return URL_UNREACHABLE, f"HTTP {answer.status}"
        return None, f"HTTP {answer.status}"
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
