"""Shared steps of the harvest tests."""

from __future__ import annotations

import json
from typing import Any

from ckan.tests import factories

from ckanext.ecologie.tests.helpers import HarvestConsumers, call, run_harvest_job


def make_source(source_type: str, url: str, name: str = "source-de-test", **config: Any) -> dict[str, Any]:
    org = factories.Organization(name=f"{name}-org", title=f"Organisation de {name}")
    return call(
        "harvest_source_create",
        name=name,
        title=f"Source {name}",
        url=url,
        source_type=source_type,
        owner_org=org["id"],
        config=json.dumps(config) if config else "",
    )


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
