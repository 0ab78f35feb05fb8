"""The name a new harvested dataset gets from its title: the title munged,
then a number when it is taken, found by index lookups (harvest/names.py)."""

from __future__ import annotations

import re

import pytest
from ckan import model

from ckanext.ecologie.harvest.names import free_name

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")

TITLE = "Plan de prévention des risques d'inondation — Normandie 2020"
IDEAL = "plan-de-prevention-des-risques-dinondation-normandie-2020"


def _take(*names: str) -> None:
    for name in names:
        model.Session.add(model.Package(name=name, type="dataset"))
    model.Session.commit()


def test_a_free_title_gives_its_munged_name() -> None:
    _take(IDEAL + "-bis", "other")
    assert free_name(TITLE) == IDEAL


def test_a_taken_name_gets_the_first_free_number() -> None:
    _take(IDEAL, IDEAL + "1", IDEAL + "3")
    assert free_name(TITLE) == IDEAL + "2"


def test_numbers_are_looked_up_past_the_first_slice() -> None:
    _take(IDEAL, *(f"{IDEAL}{number}" for number in range(1, 121)))
    assert free_name(TITLE) == IDEAL + "121"


def test_a_long_title_is_cut_as_ckan_munges_it_and_numbered_after() -> None:
    title = "a" * 130
    assert free_name(title) == "a" * 95  # CKAN leaves room for a suffix
    _take("a" * 95)
    assert free_name(title) == "a" * 95 + "1"


def test_a_random_suffix_when_the_portal_asks_for_it(ckan_config, monkeypatch) -> None:
    monkeypatch.setitem(ckan_config, "ckanext.harvest.default_dataset_name_append", "random-hex")
    assert free_name(TITLE) == IDEAL
    _take(IDEAL)
    name = free_name(TITLE)
    assert re.fullmatch(re.escape(IDEAL) + "[0-9a-f]{5}", name), name
    # asked for numbers (the importer's next attempt), numbers it is
    assert free_name(TITLE, random_suffix=False) == IDEAL + "1"


def test_when_every_number_is_taken_a_random_suffix() -> None:
    _take(IDEAL, *(f"{IDEAL}{number}" for number in range(1, 1000)))
    name = free_name(TITLE)
    assert re.fullmatch(re.escape(IDEAL) + "[0-9a-f]{5}", name), name
