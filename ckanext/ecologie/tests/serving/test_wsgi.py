"""The WSGI entry of `make serve` says what is missing rather than failing
somewhere in CKAN."""

from __future__ import annotations

import pytest

from ckanext.ecologie.serving import wsgi


def test_without_an_ini_file_it_says_so(monkeypatch) -> None:
    monkeypatch.delenv("CKAN_INI", raising=False)
    with pytest.raises(RuntimeError) as error:
        wsgi.create_app()
    assert str(error.value) == "CKAN_INI is not set: give the path of the portal's ini file"
