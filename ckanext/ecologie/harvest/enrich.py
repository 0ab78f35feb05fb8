"""The enrichment every harvested record goes through, whatever its
harvester: organisation from the publisher, licence, access rights, themes,
spatial and temporal coverage, contact point, provenance and link back."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlparse

from ckanext.ecologie.access import harvest_hook as access_harvest
from ckanext.ecologie.access.schema import MAX_REASON_LENGTH
from ckanext.ecologie.harvest import formats, geometry, junk, licences, publishers
from ckanext.ecologie.harvest.config import SourceConfig
from ckanext.ecologie.harvest.ownership import Reach
from ckanext.ecologie.harvest.records import extra, first_uri, set_extra
from ckanext.ecologie.themes import harvest_hook as theme_harvest


@dataclass(frozen=True)
class SourceInfo:
    id: str
    title: str
    url: str
    owner_org: str | None
    reach: Reach


def _licence(dataset: dict[str, Any]) -> None:
    """An id of the site's licence register; `notspecified` for a licence
    it does not know (a raw id would show as is, and never as open)."""
    found = licences.normalise(
        [dataset.get("license_id"), dataset.get("license_url"), dataset.get("license_title"), extra(dataset, "license")]
    )
    dataset.pop("license_url", None)
    dataset.pop("license_title", None)
    set_extra(dataset, "license", None)
    dataset["license_id"] = found or licences.NOT_SPECIFIED


def _spatial(dataset: dict[str, Any]) -> None:
    """Keep a GeoJSON geometry only when it is one of longitudes and
    latitudes (geometry.checked): a broken one (NaN, projected coordinates)
    would break whatever reads the field (ckanext-spatial, maps)."""
    for key in ("spatial", "spatial_bbox", "spatial_centroid"):
        value = extra(dataset, key)
        if value:
            set_extra(dataset, key, geometry.dumps(geometry.from_geojson(value)))


def _uri(dataset: dict[str, Any]) -> None:
    """A record's URI only when it is one: GeoNetwork writes relative ones,
    or two joined by a space. (Its pages were chosen by its harvester, the
    portal's own address dropped by junk.scrub.)"""
    set_extra(dataset, "uri", first_uri(extra(dataset, "uri")))


def _file_name(url: str) -> str:
    """What names a distribution without a title: the last part of its
    address's path, else its host (never the whole address: the name of a
    restricted resource is shown to everyone)."""
    parsed = urlparse(url)
    return unquote(parsed.path.rstrip("/").rsplit("/", 1)[-1]) or parsed.hostname or ""


def _resources(dataset: dict[str, Any]) -> None:
    """Distributions without an address give the reader nothing: dropped."""
    dataset["resources"] = [resource for resource in dataset.get("resources") or [] if resource.get("url")]
    for resource in dataset["resources"]:
        resource["format"] = formats.normalise(resource.get("format"), resource.get("url"))
        resource["name"] = resource.get("name") or _file_name(resource["url"])


def _contact(dataset: dict[str, Any]) -> None:
    if not dataset.get("maintainer"):
        dataset["maintainer"] = extra(dataset, "contact_name") or ""
    if not dataset.get("maintainer_email"):
        dataset["maintainer_email"] = extra(dataset, "contact_email") or ""


def organization_of(dataset: dict[str, Any], source: SourceInfo, config: SourceConfig) -> str | None:
    """The source's organisation, or, for a source trusted by the sources
    file with its publishers', the record's publisher's: by its name, never
    by its URI alone (publishers.organization_for)."""
    if not source.reach.publishers:
        return source.owner_org
    return publishers.organization_for(
        extra(dataset, "publisher_name"), extra(dataset, "publisher_uri"), config, source.owner_org
    )


def enrich(
    dataset: dict[str, Any],
    identifier: str,
    source: SourceInfo,
    config: SourceConfig,
    existing_id: str | None,
    owner_org: str | None,
) -> dict[str, Any]:
    """In place, and returned. `existing_id`: the dataset this record
    updates; `owner_org`: the record's organisation (organization_of)."""
    if existing_id:
        dataset["id"] = existing_id
    dataset["owner_org"] = owner_org
    junk.scrub(dataset)
    _licence(dataset)
    _spatial(dataset)
    _uri(dataset)
    _resources(dataset)
    _contact(dataset)
    set_extra(dataset, "harvest_identifier", identifier)
    set_extra(dataset, "harvest_source_url", source.url)
    if not extra(dataset, "provenance"):
        set_extra(dataset, "provenance", source.title)
    access_harvest.map_access_rights(dataset)
    if len(dataset.get("access_reason") or "") > MAX_REASON_LENGTH:
        dataset["access_reason"] = dataset["access_reason"][: MAX_REASON_LENGTH - 1] + "…"
    theme_harvest.classify_for_import(dataset)
    return dataset
