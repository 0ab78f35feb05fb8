"""The OpenID Connect client of ProConnect, through Authlib: discovery,
authorisation code with PKCE, `state` and `nonce`, the ID token checked
against the provider's keys (signature, `iss`, `aud`, `exp`, `nonce`)."""

from __future__ import annotations

import functools
from typing import Any

import ckan.plugins.toolkit as tk
import flask
import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.flask_client import OAuth
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

PREFIX = "ckanext.ecologie.proconnect."
TIMEOUT_SECONDS = 10
# What a misbehaving or unreachable provider, or a forged answer, raises.
PROVIDER_ERRORS = (AuthlibBaseError, JoseError, requests.RequestException, ValueError, RuntimeError)


class ProviderAnswerRefused(ValueError):
    """The provider's answer does not hold together (no ID token, another subject)."""


def setting(name: str) -> Any:
    return tk.config.get(PREFIX + name)


def configured() -> bool:
    return all(setting(name) for name in ("discovery_url", "client_id"))


@functools.lru_cache(maxsize=4)
def _client(discovery_url: str, client_id: str, client_secret: str, scope: str) -> Any:
    oauth = OAuth(flask.current_app)
    return oauth.register(
        "proconnect",
        client_id=client_id,
        client_secret=client_secret or None,
        server_metadata_url=discovery_url,
        client_kwargs={"scope": scope, "code_challenge_method": "S256", "default_timeout": TIMEOUT_SECONDS},
    )


def client() -> Any:
    """The client of the configured provider (its discovery document and keys
    are fetched once, then kept; an unknown key id fetches the keys again)."""
    return _client(setting("discovery_url"), setting("client_id"), setting("client_secret") or "", setting("scope"))


def _userinfo(provider: Any, token: dict[str, Any]) -> dict[str, Any]:
    endpoint = provider.load_server_metadata().get("userinfo_endpoint")
    if not endpoint:
        return {}
    response = provider.get(endpoint, token=token)
    response.raise_for_status()
    if response.headers.get("Content-Type", "").split(";")[0].strip() == "application/jwt":
        # ProConnect signs its userinfo answer with the keys of its ID tokens.
        return signed_userinfo(response.text, provider.fetch_jwk_set(), provider.client_id, issuer(provider))
    claims = response.json()
    if not isinstance(claims, dict):
        raise ProviderAnswerRefused("userinfo is not an object")
    return claims


def signed_userinfo(text: str, jwks: dict[str, Any], client_id: str, expected_issuer: str) -> dict[str, Any]:
    """A signed userinfo answer: signature, and `iss`, `aud`, `exp` when given."""
    claims = jwt.decode(text, KeySet.import_key_set(jwks)).claims
    rules = {"iss": {"value": expected_issuer}, "aud": {"value": client_id}}
    jwt.JWTClaimsRegistry(**rules).validate(claims)
    return claims


def id_token_rules(provider: Any) -> dict[str, Any]:
    """What the ID token must say (OpenID Connect Core 3.1.3.7). Without
    rules, Authlib checks the audience only through `azp` and takes a blank
    subject."""
    return {
        "iss": {"essential": True, "value": issuer(provider)},
        "aud": {"essential": True, "value": provider.client_id},
        "sub": {"essential": True},
    }


def verified_answer(provider: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """The provider's answer at the callback, checked (state, PKCE, then the
    ID token's signature and claims): the token and the agent's claims."""
    token = provider.authorize_access_token(claims_options=id_token_rules(provider))
    return token, claims_of(provider, token)


def claims_of(provider: Any, token: dict[str, Any]) -> dict[str, Any]:
    """The agent's claims: the checked ID token's, completed by the userinfo
    endpoint's, which must speak of the same subject."""
    id_claims = token.get("userinfo")
    if not id_claims:
        raise ProviderAnswerRefused("no ID token in the token answer")
    claims = dict(id_claims)
    extra = _userinfo(provider, token)
    if extra:
        if extra.get("sub") != claims.get("sub"):
            raise ProviderAnswerRefused("userinfo about another subject")
        claims.update({key: value for key, value in extra.items() if key not in ("iss", "aud", "sub")})
    return claims


def issuer(provider: Any) -> str:
    value = provider.load_server_metadata().get("issuer")
    if not isinstance(value, str) or not value:
        raise ProviderAnswerRefused("the discovery document names no issuer")
    return value
