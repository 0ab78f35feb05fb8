#!/usr/bin/env python3
"""`make load`: many clients at once against a portal on 127.0.0.1.

Finds real dataset, bouquet, organisation and theme names through the API,
then runs N clients (threads, each with its own keep-alive session, no pause
between requests) for a fixed time over a mix of pages and API calls, and
prints requests/s, p50/p95/max latency and errors per kind and overall.
Exits 1 when any request failed (a status of 400 or more, or no answer).

    .venv/bin/python tools/load.py --url http://127.0.0.1:5000 --clients 50 --seconds 60

Only loopback addresses are accepted: this is a load generator, not to be
pointed at someone else's server. Standard library and requests only.
"""

from __future__ import annotations

import argparse
import ipaddress
import math
import random
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit

import requests

# The order of the report; each client walks them in turn from its own start.
KINDS = ("home", "search", "dataset", "bouquet", "organization", "theme", "api_search", "api_show")


class UsageError(Exception):
    """A refused URL or a portal that cannot be load-tested: one line for the user."""


def loopback_base(url: str) -> str:
    """The URL without its trailing slash, if it names a loopback address."""
    parts = urlsplit(url)
    try:
        loopback = parts.scheme in ("http", "https") and ipaddress.ip_address(parts.hostname or "").is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise UsageError(f"{url} is not on the loopback: give an address such as http://127.0.0.1:5000")
    return url.rstrip("/")


@dataclass
class Targets:
    """Real names found in the portal, for the pages that need one."""

    datasets: list[str]
    bouquets: list[str]
    organizations: list[str]
    themes: list[str]
    words: list[str]


def _action(session: requests.Session, base: str, action: str, params: dict[str, Any]) -> Any:
    response = session.get(f"{base}/api/3/action/{action}", params=params, timeout=30)
    response.raise_for_status()
    return response.json()["result"]


def discover(session: requests.Session, base: str) -> Targets:
    try:
        datasets = _action(session, base, "package_search", {"rows": 100})["results"]
        bouquets = _action(session, base, "package_search", {"rows": 100, "fq": "dataset_type:bouquet"})["results"]
        organizations = _action(session, base, "organization_list", {})
        themes = _action(session, base, "ecologie_theme_list", {})
    except (requests.RequestException, ValueError, KeyError) as error:
        reason = type(error).__name__
        raise UsageError(
            f"the portal at {base} did not answer its API ({reason}): start it with make dev or make serve"
        ) from error
    if not datasets:
        raise UsageError(f"the portal at {base} has no dataset: run make dev once to load the demo catalogue")
    # search words from the titles, so that searches find something
    words = sorted({word.lower() for item in datasets for word in item["title"].split() if len(word) > 4})
    return Targets(
        datasets=[item["name"] for item in datasets],
        bouquets=[item["name"] for item in bouquets],
        organizations=list(organizations),
        themes=[theme["id"] for theme in themes if theme.get("dataset_count")] or [theme["id"] for theme in themes],
        words=words[:20] or ["eau"],
    )


def paths(targets: Targets) -> dict[str, list[str]]:
    """The paths of each kind; a kind without names (no bouquet) is left out."""
    found = {
        "home": ["/"],
        "search": [f"/dataset/?q={quote(word)}" for word in targets.words],
        "dataset": [f"/dataset/{name}" for name in targets.datasets],
        "bouquet": [f"/bouquet/{name}" for name in targets.bouquets],
        "organization": [f"/organization/{name}" for name in targets.organizations],
        "theme": [f"/theme/{theme}" for theme in targets.themes],
        "api_search": [f"/api/3/action/package_search?q={quote(word)}&rows=20" for word in targets.words],
        "api_show": [f"/api/3/action/package_show?id={name}" for name in targets.datasets],
    }
    return {kind: found[kind] for kind in KINDS if found[kind]}


@dataclass
class Results:
    """Latencies (seconds) of answered requests and errors, by kind."""

    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, Counter[str]] = field(default_factory=dict)
    elapsed: float = 0.0

    def requests(self, kind: str) -> int:
        """Requests made: answered, plus those that got no answer."""
        answered = len(self.latencies.get(kind, []))
        unanswered = sum(n for error, n in self.errors.get(kind, Counter()).items() if not error.startswith("HTTP"))
        return answered + unanswered

    def error_count(self, kind: str) -> int:
        return sum(self.errors.get(kind, Counter()).values())


_merge = threading.Lock()  # clients add their figures to the results one at a time


def _client(
    index: int, base: str, mix: dict[str, list[str]], deadline: float, timeout: float, results: Results
) -> None:
    kinds = list(mix)
    chance = random.Random(index)
    latencies: dict[str, list[float]] = {kind: [] for kind in kinds}
    errors: dict[str, Counter[str]] = {kind: Counter() for kind in kinds}
    turn = index
    with requests.Session() as session:
        while time.monotonic() < deadline:
            kind = kinds[turn % len(kinds)]
            turn += 1
            started = time.monotonic()
            try:
                # redirects are answers too (a login page, a locale)
                response = session.get(base + chance.choice(mix[kind]), timeout=timeout, allow_redirects=False)
            except requests.RequestException as error:
                errors[kind][type(error).__name__] += 1
                time.sleep(0.1)  # a portal that went away is not hammered
                continue
            latencies[kind].append(time.monotonic() - started)
            if response.status_code >= 400:
                errors[kind][f"HTTP {response.status_code}"] += 1
    with _merge:
        for kind in kinds:
            results.latencies.setdefault(kind, []).extend(latencies[kind])
            results.errors.setdefault(kind, Counter()).update(errors[kind])


def run(base: str, mix: dict[str, list[str]], clients: int, seconds: float, timeout: float = 30) -> Results:
    """All clients at once until `seconds` have passed; a request started
    before then may run `timeout` more."""
    results = Results()
    started = time.monotonic()
    threads = [
        threading.Thread(target=_client, args=(index, base, mix, started + seconds, timeout, results), daemon=True)
        for index in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    results.elapsed = time.monotonic() - started
    return results


def percentile(values: list[float], share: float) -> float:
    """Nearest rank: the smallest value with `share` of the values at or under it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)] if ordered else 0.0


def _row(name: str, count: int, errors: int, values: list[float], elapsed: float) -> str:
    return (
        f"{name:<14}{count:>9}{count / elapsed:>8.1f}{percentile(values, 0.5) * 1000:>9.0f}"
        f"{percentile(values, 0.95) * 1000:>9.0f}{max(values, default=0) * 1000:>9.0f}{errors:>8}"
    )


def report(results: Results) -> str:
    kinds = list(results.latencies)
    lines = [f"{'kind':<14}{'requests':>9}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'errors':>8}"]
    for kind in kinds:
        lines.append(
            _row(kind, results.requests(kind), results.error_count(kind), results.latencies[kind], results.elapsed)
        )
    every = [value for kind in kinds for value in results.latencies[kind]]
    total = sum(map(results.requests, kinds))
    lines.append(_row("all", total, sum(map(results.error_count, kinds)), every, results.elapsed))
    for kind, errors in results.errors.items():
        if errors:
            lines.append(f"errors of {kind}: " + ", ".join(f"{n} x {error}" for error, n in errors.most_common()))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:5000", help="the portal, on 127.0.0.1")
    parser.add_argument("--clients", type=int, default=50, help="clients at once (default 50)")
    parser.add_argument("--seconds", type=float, default=60, help="how long (default 60)")
    parser.add_argument("--timeout", type=float, default=30, help="seconds a request may take (default 30)")
    options = parser.parse_args(argv)
    try:
        base = loopback_base(options.url)
        with requests.Session() as session:
            targets = discover(session, base)
    except UsageError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    mix = paths(targets)
    missing = [kind for kind in KINDS if kind not in mix]
    print(
        f"load: {options.clients} clients for {options.seconds:g} s against {base}: {len(targets.datasets)} datasets, "
        f"{len(targets.bouquets)} bouquets, {len(targets.organizations)} organisations, {len(targets.themes)} themes"
        + (f" (no {', '.join(missing)} to ask)" if missing else ""),
        flush=True,
    )
    results = run(base, mix, options.clients, options.seconds, options.timeout)
    print(report(results))
    failed = sum(map(results.error_count, results.errors))
    print(f"{failed} errors" if failed else "no errors")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
