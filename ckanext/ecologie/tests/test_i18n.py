"""Every user-facing string is in the catalogues, translated into French,
and the compiled .mo files match the .po files."""

from __future__ import annotations

import os
import subprocess
import sys

import polib
import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
I18N = os.path.join(ROOT, "i18n")


def _catalogue(language: str, kind: str = "po") -> str:
    return os.path.join(I18N, language, "LC_MESSAGES", f"ckanext-ecologie.{kind}")


def test_the_template_lists_every_string_of_the_code(tmp_path) -> None:
    extracted = tmp_path / "extracted.pot"
    pybabel = os.path.join(os.path.dirname(sys.executable), "pybabel")
    subprocess.run(
        [pybabel, "-q", "extract", "-F", "babel.cfg", "-o", str(extracted), "ckanext"],
        cwd=ROOT,
        check=True,
    )
    in_code = {entry.msgid for entry in polib.pofile(str(extracted))}
    in_template = {entry.msgid for entry in polib.pofile(os.path.join(I18N, "ckanext-ecologie.pot"))}
    assert in_code - in_template == set(), "run `make i18n` and translate the new strings"


def test_every_string_is_translated_into_french() -> None:
    catalogue = polib.pofile(_catalogue("fr"))
    untranslated = [entry.msgid for entry in catalogue if not entry.translated() or "fuzzy" in entry.flags]
    assert untranslated == []


@pytest.mark.parametrize("language", ["fr", "en"])
def test_compiled_catalogues_match_their_sources(language) -> None:
    source = {
        entry.msgid: entry.msgstr or entry.msgstr_plural
        for entry in polib.pofile(_catalogue(language))
        if entry.translated() and not _identity(entry)
    }
    compiled = {
        entry.msgid: entry.msgstr or entry.msgstr_plural
        for entry in polib.mofile(_catalogue(language, "mo"))
        if entry.msgid and not _identity(entry)
    }
    assert compiled == source, "run `make i18n`"


def _identity(entry: polib.POEntry | polib.MOEntry) -> bool:
    """Babel compiles an untranslated plural as its English forms, so a
    plural translated as itself cannot be told apart: leave both out."""
    return bool(entry.msgid_plural) and dict(entry.msgstr_plural) == {0: entry.msgid, 1: entry.msgid_plural}
