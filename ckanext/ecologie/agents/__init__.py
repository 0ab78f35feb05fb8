"""Agents: login with ProConnect (OpenID Connect), accounts found by the
provider's subject, organisation membership from the portal's mapping."""
