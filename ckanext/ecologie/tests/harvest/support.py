"""Shared steps of the harvest tests."""

from __future__ import annotations

import json
from typing import Any

from ckan.tests import factories

from ckanext.ecologie.harvest import sources, trust
from ckanext.ecologie.tests.helpers import HarvestConsumers, call, run_harvest_job


def make_source(
    source_type: str,
    url: str,
    name: str = "source-de-test",
    organization: str | None = None,
    publishers: bool = False,
    **config: Any,
) -> dict[str, Any]:
    """A source declared by a sysadmin, in its own new organisation unless one
    is named; `publishers`: trusted, as the sources file may declare it, to
    send records to their publishers' organisations."""
    org = (
        call("organization_show", id=organization)
        if organization
        else factories.Organization(name=f"{name}-org", title=f"Organisation de {name}")
    )
    source = call(
        "harvest_source_create",
        name=name,
        title=f"Source {name}",
        url=url,
        source_type=source_type,
        owner_org=org["id"],
        config=json.dumps(config) if config else "",
    )
    if publishers:
        spec = sources.SourceSpec(
            name=name,
            title=source["title"],
            url=url,
            source_type=source_type,
            organization={"name": org["name"]},
            frequency="MANUAL",
            config=source["config"] or "",
            publishers=True,
        )
        trust.declare([spec])
    return source


def harvest(source: dict[str, Any], consumers: HarvestConsumers) -> dict[str, Any]:
    job = run_harvest_job(source["id"], consumers)
    report = call("harvest_job_report", id=job["id"])
    job["gather_errors"] = [error["message"] for error in report["gather_errors"]]
    job["object_errors"] = {
        key: [error["message"] for error in value["errors"]] for key, value in report["object_errors"].items()
    }
    return job


def datasets_of(source: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The source's datasets by title, as the site user sees them."""
    found = call("package_search", fq=f"harvest_source_id:{source['id']}", rows=1000, include_private=True)
    return {dataset["title"]: dataset for dataset in found["results"]}


def extra(dataset: dict[str, Any], key: str) -> Any:
    return next((item["value"] for item in dataset.get("extras") or [] if item["key"] == key), None)


def make_aggregator(source_type: str, url: str, **kwargs: Any) -> dict[str, Any]:
    """A source trusted to send records to their publishers' organisations,
    as aggregators (géo-IDE, data.gouv.fr) are."""
    return make_source(source_type, url, publishers=True, **kwargs)
