"""`ecologie_udata`: the udata API (data.gouv.fr and its thematic portals),
page by page, optionally filtered by organisation, tag or topic."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Schema
from ckanext.harvest.harvesters.base import HarvesterBase
from ckanext.harvest.model import HarvestJob

from ckanext.ecologie.harvest.base import EcologieHarvesterMixin
from ckanext.ecologie.harvest.config import SourceConfig
from ckanext.ecologie.harvest.enrich import SourceInfo
from ckanext.ecologie.harvest.fetch import JSON_TYPES, Fetcher, FetchError
from ckanext.ecologie.harvest.gather import Page, SourceError
from ckanext.ecologie.harvest.records import Record, RecordError, identifier_of, set_extra
from ckanext.ecologie.harvest.schema import optional, text_list, whole_number_up_to

API_PATH = "/api/1/datasets/"


def datasets_url(url: str) -> str:
    """The datasets endpoint of a udata portal given by its address (or the
    endpoint itself)."""
    return url if "/api/" in url else url.rstrip("/") + API_PATH


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def dataset_from_udata(item: dict[str, Any]) -> tuple[list[Any], dict[str, Any]]:
    """(identifier candidates, dataset dict) of a udata dataset."""
    harvest = item.get("harvest") or {}
    organization = item.get("organization") or {}
    contact = next(iter(item.get("contact_points") or []), None) or {}
    temporal = item.get("temporal_coverage") or {}
    spatial = (item.get("spatial") or {}).get("geom")
    dataset: dict[str, Any] = {
        "title": _text(item.get("title")),
        "notes": _text(item.get("description")),
        "url": item.get("page") or "",
        "tags": [{"name": tag[:100]} for tag in item.get("tags") or [] if isinstance(tag, str) and tag.strip()],
        "resources": [
            {
                "url": resource.get("url"),
                "name": _text(resource.get("title")) or resource.get("url"),
                "description": _text(resource.get("description")),
                "format": _text(resource.get("format")).upper(),
                "mimetype": resource.get("mime") or "",
                "size": resource.get("filesize"),
            }
            for resource in item.get("resources") or []
            if isinstance(resource, dict) and resource.get("url")
        ],
        "extras": [],
    }
    extras = {
        "identifier": item.get("id"),
        "license": item.get("license"),
        # a dataset of a person (no organisation) stays with the source's organisation
        "publisher_name": organization.get("name"),
        "publisher_uri": organization.get("page") or organization.get("uri"),
        "contact_name": contact.get("name"),
        "contact_email": contact.get("email"),
        "temporal_start": temporal.get("start"),
        "temporal_end": temporal.get("end"),
        "spatial": json.dumps(spatial) if isinstance(spatial, dict) else None,
        "frequency": item.get("frequency"),
        "issued": item.get("created_at"),
        "modified": item.get("last_modified") or item.get("last_update"),
        "source_record_url": item.get("page"),
    }
    for key, value in extras.items():
        set_extra(dataset, key, value)
    return [harvest.get("dct_identifier"), harvest.get("uri"), item.get("page")], dataset


class EcologieUdataHarvester(EcologieHarvesterMixin, HarvesterBase):
    source_type = "ecologie_udata"

    def harvester_info(self) -> dict[str, str]:
        return {
            "title": tk._("udata portal"),
            "description": tk._("The udata API of data.gouv.fr or of a thematic portal, by organisation, tag or topic"),
        }

    def config_schema(self) -> Schema:
        return {
            "organizations": text_list("organizations"),
            "tags": text_list("tags"),
            "topic": text_list("topic"),
            "page_size": optional(whole_number_up_to("page_size", 100)),
        }

    def pages(self, job: HarvestJob, source: SourceInfo, config: SourceConfig) -> Iterator[Page]:
        fetcher = self.fetcher(config, source)
        url = datasets_url(source.url)
        base: list[tuple[str, str]] = [("page_size", str(config.extra.get("page_size", 50)))]
        base += [("tag", tag) for tag in config.extra.get("tags", [])]
        base += [("topic", topic) for topic in config.extra.get("topic", [])]
        # The API filters on one organisation at a time.
        for organization in config.extra.get("organizations") or [None]:
            params = base + ([("organization", organization)] if organization else [])
            yield from self._pages_of(fetcher, url, params, config, source)

    def _pages_of(
        self, fetcher: Fetcher, url: str, params: list[tuple[str, str]], config: SourceConfig, source: SourceInfo
    ) -> Iterator[Page]:
        page = 1
        while True:
            if page > config.max_pages:
                raise SourceError(tk._("More than {count} pages: stopped").format(count=config.max_pages))
            try:
                response = fetcher.get(url, JSON_TYPES, params=[*params, ("page", str(page))])
                document = json.loads(response.body)
            except FetchError as error:
                raise SourceError(str(error)) from None
            except ValueError as error:
                raise SourceError(tk._("{url}: malformed JSON: {error}").format(url=url, error=error)) from None
            if not isinstance(document, dict) or not isinstance(document.get("data"), list):
                raise SourceError(tk._("{url}: not a udata list of datasets").format(url=url))
            yield list(self._records(document["data"], source))
            # Follow the page number, not next_page's address, which could point elsewhere.
            if not document.get("next_page") or not document["data"]:
                return
            page += 1

    @staticmethod
    def _records(items: list[Any], source: SourceInfo) -> Iterator[Record | RecordError]:
        for item in items:
            if not isinstance(item, dict) or not item.get("id") or not _text(item.get("title")):
                reference = item.get("id", "?") if isinstance(item, dict) else "?"
                yield RecordError(str(reference), tk._("A udata dataset needs an id and a title"))
                continue
            candidates, dataset = dataset_from_udata(item)
            identifier = identifier_of(candidates, source.id, item["id"])
            yield Record(identifier or item["id"], dataset)
