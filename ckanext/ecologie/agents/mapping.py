"""The organisation mapping the portal admin declares: agents of a SIRET, or
of an e-mail domain, are members of an organisation. Loaded from YAML by
`ckan ecologie agents load-mapping`, which replaces the mapping as a whole:

    organizations:
      - organization: dreal-bretagne
        siret: ["13000626600017"]
        email_domains: [developpement-durable.gouv.fr]

Only what the provider vouches for counts: ProConnect's `siret` and the
domain of the e-mail address it verified, never a self-declared profile.
"""

from __future__ import annotations

import re
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.types import Context

from ckanext.ecologie.agents.model import AgentRule

SIRET = re.compile(r"[0-9]{14}")
DOMAIN = re.compile(r"(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")
KINDS = {"siret": "siret", "email_domains": "email_domain"}


def _siret(value: Any, context: Context) -> str:
    value = str(value).replace(" ", "")
    if not SIRET.fullmatch(value):
        raise tk.Invalid(tk._("A SIRET is 14 digits"))
    return value


def _domain(value: Any, context: Context) -> str:
    value = str(value).strip().lower()
    if not value.isascii() or not DOMAIN.fullmatch(value):
        raise tk.Invalid(tk._("Not an e-mail domain: {value}").format(value=value))
    return value


def _organization(value: Any, context: Context) -> str:
    organization = model.Group.get(str(value))
    if organization is None or not organization.is_organization or organization.state != "active":
        raise tk.Invalid(tk._("No such organisation: {value}").format(value=value))
    return organization.id


def _each(validator: Any) -> Any:
    def validate(value: Any, context: Context) -> list[str]:
        if not isinstance(value, list):
            raise tk.Invalid(tk._("Must be a list"))
        return [validator(item, context) for item in value]

    return validate


def entry_schema() -> dict[str, Any]:
    not_empty, ignore_missing = tk.get_validator("not_empty"), tk.get_validator("ignore_missing")
    return {
        "organization": [not_empty, _organization],
        "siret": [ignore_missing, _each(_siret)],
        "email_domains": [ignore_missing, _each(_domain)],
    }


def parse(document: Any) -> list[AgentRule]:
    """The rules of a mapping document; a `ValidationError` naming each bad
    entry and field, and nothing else, when it is wrong."""
    entries = document.get("organizations") if isinstance(document, dict) else None
    if not isinstance(entries, list) or not all(isinstance(entry, dict) for entry in entries):
        raise tk.ValidationError({"organizations": [tk._("Must be a list of {organization, siret, email_domains}")]})
    rules: dict[tuple[str, str, str], AgentRule] = {}
    errors: dict[str, Any] = {}
    for index, entry in enumerate(entries):
        unknown = set(entry) - set(entry_schema())
        data, entry_errors = tk.navl_validate(entry, entry_schema(), {"model": model})
        if unknown:
            entry_errors["__extras"] = [tk._("Unknown keys: {keys}").format(keys=", ".join(sorted(map(str, unknown))))]
        if entry_errors:
            errors[f"organizations[{index}]"] = entry_errors
            continue
        for key, kind in KINDS.items():
            for value in data.get(key) or []:
                rule = AgentRule(kind=kind, value=value, organization_id=data["organization"])
                rules[(kind, value, rule.organization_id)] = rule
    if errors:
        raise tk.ValidationError(errors)
    return list(rules.values())


def replace(rules: list[AgentRule]) -> None:
    """The mapping becomes these rules, in one transaction."""
    model.Session.query(AgentRule).delete()
    model.Session.add_all(rules)
    model.Session.commit()


def organizations_for(claims: dict[str, Any]) -> set[str]:
    """The organisations the mapping gives an agent with these claims."""
    keys = []
    siret = str(claims.get("siret") or "").replace(" ", "")
    if SIRET.fullmatch(siret):
        keys.append(("siret", siret))
    email = str(claims.get("email") or "")
    if "@" in email and email.isascii():  # no look-alike letters that lower() turns into ASCII
        keys.append(("email_domain", email.rsplit("@", 1)[1].lower()))
    found: set[str] = set()
    for kind, value in keys:
        query = model.Session.query(AgentRule.organization_id).filter_by(kind=kind, value=value)
        found.update(row.organization_id for row in query)
    return found


def listing() -> list[dict[str, str]]:
    """The mapping as `ckan ecologie agents mapping` prints it."""
    query = (
        model.Session.query(AgentRule, model.Group.name)
        .join(model.Group, model.Group.id == AgentRule.organization_id)
        .order_by(model.Group.name, AgentRule.kind, AgentRule.value)
    )
    return [{"organization": name, "kind": rule.kind, "value": rule.value} for rule, name in query]
