"""No public page keeps CKAN's Bootstrap markup.

Every GET route of the portal that `surfaces.yaml` classifies as a page is
asked by an anonymous visitor, with the values of the access sweep's world
(a dataset, its resources, an organisation, a group, a user, a bouquet, a
harvest source...). Each HTML answer, error pages included, is read for
Bootstrap's layout and component classes inside `<main>`: the DSFR gives
the portal its look, and a page that mixes both looks broken."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from ckanext.ecologie.tests.access import world as secrets
from ckanext.ecologie.tests.access.test_every_surface import ROUTE_CLASSES, classified, get_routes, route_urls

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

# Bootstrap's grid, components and utilities, as CKAN's templates use them.
BOOTSTRAP = re.compile(
    r"(row|col|col-\w+(-\d+)?|container|btn|btn-[\w-]+|nav|nav-[\w-]+|navbar[\w-]*|dropdown[\w-]*"
    r"|module|module-[\w-]+|form-control|form-group|form-label|form-select|form-check[\w-]*|control-label"
    r"|control-group|controls|input-group[\w-]*|table|table-[\w-]+|alert|alert-[\w-]+|badge|label-[\w-]+"
    r"|list-unstyled|media-[\w-]+|page-header|pagination|page-item|page-link|well|(m|p)[trblxy]?-\d"
    r"|d-(none|flex|block|inline)|float-(start|end)|text-(muted|center|end)|page_primary_action|context-info)"
)

# Operator pages of ckanext-harvest and CKAN's style primer: tools for the
# portal's team, not pages of the catalogue. They keep their own markup.
OPERATOR_BLUEPRINTS = ("harvest", "harvest_resource", "harvester", "util")


class MainClasses(HTMLParser):
    """The class names used inside <main>."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.classes: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "main":
            self.depth += 1
        if self.depth:
            self.classes.update((dict(attrs).get("class") or "").split())

    def handle_endtag(self, tag: str) -> None:
        if tag == "main" and self.depth:
            self.depth -= 1


def bootstrap_classes(html: str) -> list[str]:
    parser = MainClasses()
    parser.feed(html)
    return sorted(name for name in parser.classes if BOOTSTRAP.fullmatch(name))


def test_the_detector_knows_bootstrap_from_the_dsfr() -> None:
    page = (
        '<main><div class="row"><p class="fr-col-md-4 col-md-8 btn fr-btn fr-grid-row mb-3 fr-mb-3w"></p></div></main>'
        '<i class="btn">'
    )
    assert bootstrap_classes(page) == ["btn", "col-md-8", "mb-3", "row"]


def test_no_public_page_keeps_bootstraps_markup(app) -> None:
    world = secrets.build(app)
    pages = {name for name, kind in classified("routes", ROUTE_CLASSES).items() if kind == "page"}
    found: dict[str, list[str]] = {}
    asked = 0
    for endpoint, rules in sorted(get_routes(app).items()):
        if endpoint not in pages or endpoint.split(".")[0] in OPERATOR_BLUEPRINTS:
            continue
        for rule in rules:
            for url in sorted(route_urls(world, endpoint, rule, "anonymous")):
                response = app.get(url, status=None, follow_redirects=False)
                if "text/html" not in response.headers.get("Content-Type", ""):
                    continue
                asked += 1
                classes = bootstrap_classes(response.get_data(as_text=True))
                if classes:
                    found[f"{endpoint} {response.status_code} {url}"] = classes
    assert asked > 100
    assert found == {}, "\n".join(f"{k}: {v}" for k, v in sorted(found.items()))
