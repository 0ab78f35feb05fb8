from __future__ import annotations

import pytest
from ckan.tests import factories


@pytest.fixture
def editor() -> dict:
    """A logged-in agent, member of no organisation, with an API token."""
    user = factories.User(name="agente-bouquet")
    return {"user": user, "headers": {"Authorization": factories.APIToken(user=user["name"])["token"]}}
