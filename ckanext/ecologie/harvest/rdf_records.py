"""A dataset dict read from a DCAT graph, a dataset's or an API's, made a
pipeline record: its identifier and its links back chosen one way for both."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.ecologie.harvest import junk
from ckanext.ecologie.harvest.enrich import SourceInfo
from ckanext.ecologie.harvest.records import Record, RecordError, extra, first_uri, identifier_of, set_extra


def catalogue_roots(source: SourceInfo) -> list[str]:
    """The catalogue's own pages, which are no record's page."""
    return [source.url, junk.site_root(source.url) or ""]


def record_of(dataset: dict[str, Any], source: SourceInfo, roots: list[str]) -> Record | RecordError:
    uri = first_uri(extra(dataset, "uri"))
    identifier = identifier_of(
        [extra(dataset, "identifier"), uri],
        source.id,
        extra(dataset, "identifier") or uri or extra(dataset, "uri"),
    )
    if not identifier:
        return RecordError(dataset.get("title") or "?", tk._("The record has no identifier"))
    dataset.pop("name", None)
    # ckanext-dcat puts blank node ids in `url` and `uri`: links back need
    # addresses a reader can open (junk.usable_link)
    links = [value for value in (dataset.get("url"), uri) if junk.usable_link(value, roots)]
    dataset["url"] = links[0] if links else ""
    set_extra(dataset, "source_record_url", links[0] if links else None)
    return Record(identifier, dataset)
