"""`ecologie_dcat`: DCAT catalogues (RDF/XML, Turtle, JSON-LD) with Hydra
paging, on ckanext-dcat's RDF harvester and the DCAT-AP-FR profile, through
our shared pipeline."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.types import Schema
from ckanext.dcat.harvesters.rdf import DCATRDFHarvester
from ckanext.dcat.interfaces import IDCATRDFHarvester
from ckanext.harvest.model import HarvestJob

from ckanext.ecologie.dataservices.harvest import service_records
from ckanext.ecologie.harvest import rdf
from ckanext.ecologie.harvest.base import EcologieHarvesterMixin, hash_context
from ckanext.ecologie.harvest.config import SourceConfig
from ckanext.ecologie.harvest.enrich import SourceInfo
from ckanext.ecologie.harvest.fetch import FetchError
from ckanext.ecologie.harvest.gather import Page, SourceError
from ckanext.ecologie.harvest.pages import ReadPage, page_digest, recall
from ckanext.ecologie.harvest.rdf_records import catalogue_roots, record_of
from ckanext.ecologie.harvest.records import Record, RecordError, extra
from ckanext.ecologie.harvest.schema import choice, optional

RDF_FORMATS = ("xml", "turtle", "n3", "nt", "json-ld")  # rdflib's names, for a source's `rdf_format`


def dataset_records(parser: Any, source: SourceInfo) -> Iterator[Record | RecordError]:
    """Records of a parsed RDF graph (also used for CSW answers in DCAT):
    its datasets, then its APIs (dataservices/harvest.py)."""
    identifiers: dict[str, str] = {}  # dataset URI -> identifier, for the APIs serving them
    roots = catalogue_roots(source)
    for dataset in parser.datasets():
        for resource in dataset.get("resources") or []:
            resource.pop("distribution_ref", None)  # ckanext-dcat's node id, for its profiles only
        record = record_of(dataset, source, roots)
        if isinstance(record, Record):
            identifiers[extra(dataset, "uri") or record.identifier] = record.identifier
        yield record
    yield from service_records(parser, source, identifiers)


class EcologieDcatHarvester(EcologieHarvesterMixin, DCATRDFHarvester):
    source_type = "ecologie_dcat"

    def harvester_info(self) -> dict[str, str]:
        return {
            "title": tk._("DCAT-AP-FR catalogue"),
            "description": tk._(
                "A DCAT catalogue (RDF/XML, Turtle or JSON-LD, with Hydra paging), read with the DCAT-AP-FR profile"
            ),
        }

    def config_schema(self) -> Schema:
        return {"rdf_format": optional(choice("rdf_format", RDF_FORMATS))}

    def pages(self, job: HarvestJob, source: SourceInfo, config: SourceConfig) -> Iterator[Page]:
        fetcher = self.fetcher(config, source)
        url: str | None = source.url
        visited: set[str] = set()
        while url and url not in visited:
            if len(visited) >= config.max_pages:
                raise SourceError(tk._("More than {count} pages: stopped").format(count=config.max_pages))
            visited.add(url)
            url = self._before_download(url, job)
            if not url:
                return
            try:
                response = fetcher.get(url, rdf.MEDIA_TYPES)
            except FetchError as error:
                raise SourceError(str(error)) from None
            digest = page_digest(response.body, hash_context(job, source))
            known = recall(source.id, url, digest)
            if known is not None:
                yield known
                url = known.next_url
                continue
            rdf_format = config.extra.get("rdf_format") or rdf.FORMATS[response.content_type]
            try:
                parser = rdf.parse(response.body, rdf_format, config.max_bytes, base=url)
            except rdf.RDFPageError as error:
                raise SourceError(f"{url}: {error}") from None
            parser = self._after_parsing(parser, job)
            next_url = parser.next_page()
            yield ReadPage(list(dataset_records(parser, source)), url=url, digest=digest, next_url=next_url)
            url = next_url

    # IDCATRDFHarvester hooks of other plugins, as ckanext-dcat's harvester calls them

    def _before_download(self, url: str, job: HarvestJob) -> str | None:
        for harvester in p.PluginImplementations(IDCATRDFHarvester):
            url, errors = harvester.before_download(url, job)
            for message in errors:
                self._save_gather_error(message, job)
            if not url:
                return None
        return url

    def _after_parsing(self, parser: Any, job: HarvestJob) -> Any:
        for harvester in p.PluginImplementations(IDCATRDFHarvester):
            parser, errors = harvester.after_parsing(parser, job)
            for message in errors:
                self._save_gather_error(message, job)
            if not parser:
                raise SourceError(tk._("A plugin rejected the page"))
        return parser
