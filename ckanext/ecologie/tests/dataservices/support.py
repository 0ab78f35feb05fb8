"""Shared steps of the dataservice tests."""

from __future__ import annotations

from typing import Any

from ckanext.ecologie.tests.helpers import call

ENDPOINT = "https://api.example.org/qualite-air/v1/"
DOCUMENTATION = "https://api.example.org/qualite-air/v1/openapi.json"


def make_dataservice(owner_org: str, **fields: Any) -> dict[str, Any]:
    """An API created through the action API, as the site user."""
    return call(
        "package_create",
        type="dataservice",
        owner_org=owner_org,
        **{
            "name": "api-qualite-air",
            "title": "API de la qualité de l'air",
            "notes": "Mesures horaires des stations",
            "endpoint_url": ENDPOINT,
            "endpoint_description": DOCUMENTATION,
            **fields,
        },
    )
