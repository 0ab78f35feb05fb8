"""Harvest sources declared in a YAML file, created or brought up to date
idempotently:

    sources:
      - name: dreal-bretagne-geo
        title: DREAL Bretagne (géocatalogue)
        url: https://example.org/csw
        type: ecologie_csw
        organization: {name: dreal-bretagne, title: DREAL Bretagne, type: service-deconcentre}
        frequency: WEEKLY
        config: {page_size: 100}
        trust:                        # what only this file grants (trust.py)
          publishers: true            # records go to their publishers' organisations
          merge_with: [other-source]  # these sources' datasets and this one's merge
          private_addresses: true     # it may fetch from private addresses (intranet)
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
import yaml
from ckanext.harvest.model import HarvestSource

from ckanext.ecologie.contexts import site_context

FREQUENCIES = ("MANUAL", "MONTHLY", "WEEKLY", "BIWEEKLY", "DAILY", "ALWAYS")
FIELDS = ("name", "url", "type", "organization")
KNOWN = {*FIELDS, "title", "frequency", "config", "trust"}
TRUST_KEYS = {"publishers", "merge_with", "private_addresses"}


class SourcesFileError(ValueError):
    pass


@dataclass(frozen=True)
class SourceSpec:
    name: str
    title: str
    url: str
    source_type: str
    organization: dict[str, str]
    frequency: str
    config: str
    publishers: bool = False
    merge_with: tuple[str, ...] = ()
    private_addresses: bool = False


def _organization(value: Any, where: str) -> dict[str, str]:
    entry = {"name": value} if isinstance(value, str) else value
    if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
        raise SourcesFileError(
            tk._("{where}: organization must be a name or {{name, title, type}}").format(where=where)
        )
    return {key: str(entry[key]) for key in ("name", "title", "type") if entry.get(key)}


def _trust(value: Any, where: str) -> dict[str, Any]:
    trust = value or {}
    if not isinstance(trust, dict) or set(trust) - TRUST_KEYS:
        raise SourcesFileError(
            tk._("{where}: trust takes only {keys}").format(where=where, keys=", ".join(sorted(TRUST_KEYS)))
        )
    for flag in ("publishers", "private_addresses"):
        if not isinstance(trust.get(flag, False), bool):
            raise SourcesFileError(tk._("{where}: trust.{flag} must be true or false").format(where=where, flag=flag))
    merge_with = trust.get("merge_with") or []
    if not isinstance(merge_with, list) or not all(isinstance(name, str) and name for name in merge_with):
        raise SourcesFileError(tk._("{where}: trust.merge_with must be a list of source names").format(where=where))
    return {
        "publishers": trust.get("publishers", False),
        "private_addresses": trust.get("private_addresses", False),
        "merge_with": tuple(merge_with),
    }


def parse(text: str) -> list[SourceSpec]:
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise SourcesFileError(tk._("Not valid YAML: {error}").format(error=error)) from None
    items = document.get("sources") if isinstance(document, dict) else None
    if not isinstance(items, list):
        raise SourcesFileError(tk._("The file needs a list under `sources`"))
    specs, names = [], set()
    for number, item in enumerate(items, 1):
        where = tk._("source {number}").format(number=number)
        if not isinstance(item, dict):
            raise SourcesFileError(tk._("{where}: not a mapping").format(where=where))
        missing = [key for key in FIELDS if not item.get(key)]
        if missing:
            raise SourcesFileError(tk._("{where}: missing {keys}").format(where=where, keys=", ".join(missing)))
        unknown = sorted(set(item) - KNOWN)
        if unknown:
            raise SourcesFileError(tk._("{where}: unknown {keys}").format(where=where, keys=", ".join(unknown)))
        where = str(item["name"])
        if where in names:
            raise SourcesFileError(tk._("{where}: declared twice").format(where=where))
        names.add(where)
        frequency = str(item.get("frequency", "MANUAL")).upper()
        if frequency not in FREQUENCIES:
            raise SourcesFileError(
                tk._("{where}: frequency {value} is not one of {choices}").format(
                    where=where, value=frequency, choices=", ".join(FREQUENCIES)
                )
            )
        config = item.get("config") or {}
        if not isinstance(config, dict):
            raise SourcesFileError(tk._("{where}: config must be a mapping").format(where=where))
        trust = _trust(item.get("trust"), where)
        specs.append(
            SourceSpec(
                name=where,
                title=str(item.get("title") or where),
                url=str(item["url"]),
                source_type=str(item["type"]),
                organization=_organization(item["organization"], where),
                frequency=frequency,
                config=json.dumps(config, sort_keys=True, ensure_ascii=False) if config else "",
                **trust,
            )
        )
    for spec in specs:
        strangers = [name for name in spec.merge_with if name not in names or name == spec.name]
        if strangers:
            raise SourcesFileError(
                tk._("{where}: merge_with names {names}, not another source of this file").format(
                    where=spec.name, names=", ".join(strangers)
                )
            )
    return specs


def _ensure_organization(organization: dict[str, str]) -> str:
    try:
        return tk.get_action("organization_show")(site_context(), {"id": organization["name"]})["id"]
    except tk.ObjectNotFound:
        pass
    data = {"name": organization["name"], "title": organization.get("title") or organization["name"]}
    if organization.get("type"):
        data["organization_type"] = organization["type"]
    return tk.get_action("organization_create")(site_context(), data)["id"]


def _current(name: str) -> dict[str, Any] | None:
    """The source as stored (harvest_source_show's answer depends on who asks
    and on the plugins' show schemas; the model does not)."""
    package = model.Package.get(name)
    source = HarvestSource.get(package.id) if package is not None and package.type == "harvest" else None
    if source is None:
        return None
    return {
        "id": package.id,
        "title": source.title or "",
        "url": source.url or "",
        "source_type": source.type or "",
        "frequency": source.frequency or "",
        "config": source.config or "",
        "owner_org": package.owner_org or "",
        "creator_user_id": package.creator_user_id or "",
    }


def _made_by_an_operator(user_id: str) -> bool:
    """By a sysadmin, or the site user (an earlier `sources load`)."""
    user = model.User.get(user_id) if user_id else None
    return user is not None and user.sysadmin  # the site user is one


def apply(spec: SourceSpec) -> str:
    """`created`, `updated` or `unchanged`; tk.ValidationError on a bad source."""
    wanted = {
        "title": spec.title,
        "url": spec.url,
        "source_type": spec.source_type,
        "frequency": spec.frequency,
        "config": spec.config,
        "owner_org": _ensure_organization(spec.organization),
    }
    current = _current(spec.name)
    if current is None:
        tk.get_action("harvest_source_create")(site_context(), {"name": spec.name, **wanted})
        return "created"
    if not _made_by_an_operator(current["creator_user_id"]):
        # the file grants what it declares: a source someone made through the
        # web under a name the file uses would get it, datasets included
        raise tk.ValidationError(
            {
                "name": [
                    tk._("A source named {name} exists, made through the web: rename or delete it first").format(
                        name=spec.name
                    )
                ]
            }
        )
    if all(current[key] == value for key, value in wanted.items()):
        return "unchanged"
    # an update, not a patch: once a job ran, ckanext-harvest's cached copy of
    # a source holds its fields as extras, which a patch sends back and the
    # source schema refuses (the file holds every field it manages anyway)
    tk.get_action("harvest_source_update")(site_context(), {"id": current["id"], "name": spec.name, **wanted})
    return "updated"
