"""A private dataset does not exist for an outsider: every action asked
about it by name alone answers as it answers about a name nothing bears.

The sweep of test_every_surface.py lets an answer carry what its question
carries (the private dataset's id, in payloads aimed at it); here the
question carries only a name, so neither the id nor a different answer
(403 where an unknown name gets 404) may come back."""

from __future__ import annotations

import pytest

from ckanext.ecologie.tests.access import world as secrets
from ckanext.ecologie.tests.access.test_every_surface import ACTION_CLASSES, classified, report
from ckanext.ecologie.tests.access.world import OUTSIDERS, World

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

# as long as the private dataset's name: the answers' lengths compare too
UNKNOWN_NAME = "inventaire-perdu-kerbrat"
NAME_KEYS = ("id", "name_or_id", "package_id", "dataset_id", "subject_id", "object")


@pytest.fixture
def world(app) -> World:
    return secrets.build(app)


def _answer(app, world: World, user: str, action: str, name: str) -> tuple[int, str]:
    payload = dict.fromkeys(NAME_KEYS, name)
    try:
        response = app.post(f"/api/3/action/{action}", json=payload, headers=world.headers(user))
    except Exception as error:  # what a server would answer with a 500
        return 500, f"{type(error).__name__}: {error}".replace(name, "<name>")
    return response.status_code, response.get_data(as_text=True).replace(name, "<name>")


def _difference(text: str, other: str) -> str:
    """Where `text` starts to differ from `other`, with some context."""
    pairs = enumerate(zip(text, other, strict=False))
    start = next((index for index, (a, b) in pairs if a != b), min(len(text), len(other)))
    return f"…{text[max(0, start - 60) : start + 160]}"


def test_a_private_dataset_is_answered_as_an_unknown_one(app, world: World) -> None:
    assert len(UNKNOWN_NAME) == len(secrets.PRIVATE_NAME)
    failures: list[str] = []
    asked = 0
    for action in sorted(classified("actions", ACTION_CLASSES)):
        for user in OUTSIDERS:
            # the unknown name asked just before and just after: an answer
            # that lists the catalogue may change between two requests (seen
            # once in a full run, dcat_catalog_show's), never into a leak
            before = _answer(app, world, user, action, UNKNOWN_NAME)
            private = _answer(app, world, user, action, secrets.PRIVATE_NAME)
            after = _answer(app, world, user, action, UNKNOWN_NAME)
            asked += 3
            if private not in (before, after):
                failures.append(
                    f"{action} as {user}: {private[0]} {_difference(private[1], before[1])} "
                    f"!= {before[0]} {_difference(before[1], private[1])}"
                )
    report("private dataset as an unknown one", asked, failures)
