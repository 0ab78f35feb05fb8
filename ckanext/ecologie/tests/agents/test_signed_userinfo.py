"""ProConnect answers the userinfo endpoint with a JWT signed by its ID token
keys (the stand-in provider answers JSON): the portal takes it only signed by
the provider's keys, from its issuer, for this portal, not expired."""

from __future__ import annotations

import time

import pytest
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet, RSAKey

from ckanext.ecologie.agents.provider import signed_userinfo

ISSUER = "https://proconnect.example.org/api/v2"
CLIENT = "ecologie"
PROVIDER_KEY = RSAKey.generate_key(2048, parameters={"kid": "provider"})
OTHER_KEY = RSAKey.generate_key(2048, parameters={"kid": "provider"})
JWKS = KeySet([PROVIDER_KEY]).as_dict(private=False)
CLAIMS = {"sub": "agent-1", "email": "agent@example.org", "siret": "13000000000001", "iss": ISSUER, "aud": CLIENT}


def _signed(claims: dict, key: RSAKey = PROVIDER_KEY) -> str:
    return jwt.encode({"alg": "RS256", "kid": "provider"}, claims, key)


def test_a_userinfo_signed_by_the_provider_is_taken() -> None:
    claims = {**CLAIMS, "exp": int(time.time()) + 60}

    assert signed_userinfo(_signed(claims), JWKS, CLIENT, ISSUER) == claims


@pytest.mark.parametrize(
    ("claims", "key"),
    [
        (CLAIMS, OTHER_KEY),
        ({**CLAIMS, "iss": "https://elsewhere.example.org"}, PROVIDER_KEY),
        ({**CLAIMS, "aud": "another-portal"}, PROVIDER_KEY),
        ({**CLAIMS, "exp": int(time.time()) - 60}, PROVIDER_KEY),
    ],
    ids=["another key", "another issuer", "another audience", "expired"],
)
def test_a_userinfo_that_does_not_hold_is_refused(claims: dict, key: RSAKey) -> None:
    with pytest.raises(JoseError):
        signed_userinfo(_signed(claims, key), JWKS, CLIENT, ISSUER)
