"""`ecologie_dcat`: DCAT catalogues (RDF/XML, Turtle, JSON-LD) with Hydra
paging, on ckanext-dcat's RDF harvester and the DCAT-AP-FR profile, through
our shared pipeline."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.types import Schema
from ckanext.dcat.harvesters.rdf import DCATRDFHarvester
from ckanext.dcat.interfaces import IDCATRDFHarvester
from ckanext.harvest.model import HarvestJob

from ckanext.ecologie.dataservices.harvest import service_records
from ckanext.ecologie.harvest import rdf, read_ahead, record_digests
from ckanext.ecologie.harvest.base import EcologieHarvesterMixin, hash_context
from ckanext.ecologie.harvest.config import SourceConfig
from ckanext.ecologie.harvest.enrich import SourceInfo
from ckanext.ecologie.harvest.fetch import Fetcher, FetchError
from ckanext.ecologie.harvest.gather import Page, SourceError
from ckanext.ecologie.harvest.pages import KnownPage, ReadPage, page_digest, recall, unchanged_records
from ckanext.ecologie.harvest.rdf_records import catalogue_roots, record_of
from ckanext.ecologie.harvest.records import KnownRecord, Record, RecordError, extra
from ckanext.ecologie.harvest.schema import choice, optional

RDF_FORMATS = ("xml", "turtle", "n3", "nt", "json-ld")  # rdflib's names, for a source's `rdf_format`


@dataclass(frozen=True)
class _Reading:
    """How a job reads its pages: what shapes their records besides their
    bytes (record_digests.py `reading_context`, in every page's digest),
    whether changed pages are read in child processes (read_ahead.py), and
    whether records are taken by digest."""

    context: str
    in_child: bool
    by_digest: bool


@dataclass(frozen=True)
class Remembered:
    """What a changed page held when last read: its unchanged records are
    taken from it by digest (record_digests.py)."""

    context: str
    records: dict[str, KnownRecord]


def _datasets(parser: Any, remembered: Remembered | None) -> Iterator[tuple[str | None, dict[str, Any] | KnownRecord]]:
    """ckanext-dcat's datasets of the graph, with their digests when the
    page is remembered; a dataset read from the same triples as then is
    the known record, without running the profiles."""
    if remembered is None:
        for dataset in parser.datasets():
            yield None, dataset
        return
    nodes = rdf.dataset_nodes(parser)
    digests = record_digests.digests(parser.g, nodes, remembered.context)
    for node in nodes:
        digest = digests.get(node)
        if digest in remembered.records:
            yield digest, remembered.records[digest]
        else:
            yield digest, rdf.read_dataset(parser, node)


def dataset_records(
    parser: Any, source: SourceInfo, remembered: Remembered | None = None
) -> Iterator[Record | KnownRecord | RecordError]:
    """Records of a parsed RDF graph (also used for CSW answers in DCAT):
    its datasets, then its APIs (dataservices/harvest.py)."""
    identifiers: dict[str, str] = {}  # dataset URI -> identifier, for the APIs serving them
    roots = catalogue_roots(source)
    for digest, dataset in _datasets(parser, remembered):
        if isinstance(dataset, KnownRecord):
            identifiers[dataset.uri] = dataset.identifier
            yield dataset
            continue
        for resource in dataset.get("resources") or []:
            resource.pop("distribution_ref", None)  # ckanext-dcat's node id, for its profiles only
        record = record_of(dataset, source, roots)
        if isinstance(record, Record):
            record.uri = extra(dataset, "uri") or record.identifier
            record.digest = digest
            identifiers[record.uri] = record.identifier
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
        """Pages in their order. With read-ahead, each changed page is read
        in a child process (read_ahead.py), and handed on once the next ones
        are parsed; not when another plugin hooks into the download or the
        parsed graph: its hook may keep state or write to the database, and
        would run out of order or in a child. Nor are records then taken
        by digest: its parser may read its own way."""
        hooked = self._others_hook_the_pages()
        reading = _Reading(
            context=record_digests.reading_context(hash_context(job, source), source.url),
            in_child=read_ahead.enabled() and not hooked,
            by_digest=record_digests.enabled() and not hooked,
        )
        waiting: deque[read_ahead.Pending] = deque()

        def handed_on(keep: int) -> Iterator[ReadPage]:
            # a page whose records fail ends the pages there, as it would in
            # order: the pages read ahead of it are stopped (below), not given
            while len(waiting) > keep:
                pending = waiting.popleft()
                yield ReadPage(
                    pending.reading.records(), url=pending.url, digest=pending.digest, next_url=pending.reading.next_url
                )

        fetcher = self.fetcher(config, source)
        url: str | None = source.url
        visited: set[str] = set()
        failure: Exception | None = None
        try:
            while url and url not in visited:
                try:
                    found = self._page_at(url, visited, fetcher, job, source, config, reading)
                except Exception as error:
                    # the pages before the failing one are gathered first, as they would be in order
                    failure = error
                    break
                if found is None:  # a plugin's before_download ended the pages
                    break
                if isinstance(found, KnownPage):
                    yield from handed_on(0)
                    yield found
                    url = found.next_url
                    continue
                waiting.append(found)
                url = found.reading.next_url
                yield from handed_on(read_ahead.PAGES_AHEAD if reading.in_child else 0)
            yield from handed_on(0)
            if failure is not None:
                raise failure
        finally:
            for pending in waiting:
                pending.reading.stop()

    def _page_at(
        self,
        url: str,
        visited: set[str],
        fetcher: Fetcher,
        job: HarvestJob,
        source: SourceInfo,
        config: SourceConfig,
        reading: _Reading,
    ) -> KnownPage | read_ahead.Pending | None:
        """The page at `url`: known from last time, or being read; None when
        a plugin said not to download it."""
        if len(visited) >= config.max_pages:
            raise SourceError(tk._("More than {count} pages: stopped").format(count=config.max_pages))
        visited.add(url)
        download_url = self._before_download(url, job)
        if not download_url:
            return None
        try:
            response = fetcher.get(download_url, rdf.MEDIA_TYPES)
        except FetchError as error:
            raise SourceError(str(error)) from None
        digest = page_digest(response.body, reading.context)
        known = recall(source.id, download_url, digest)
        if known is not None:
            return known
        remembered = None
        if reading.by_digest:
            remembered = Remembered(reading.context, unchanged_records(source.id, download_url))
        rdf_format = config.extra.get("rdf_format") or rdf.FORMATS[response.content_type]
        read = partial(self._read, response.body, rdf_format, download_url, job, source, config, remembered)
        return read_ahead.Pending(download_url, digest, read_ahead.reading(read, reading.in_child))

    def _read(
        self,
        body: bytes,
        rdf_format: str,
        url: str,
        job: HarvestJob,
        source: SourceInfo,
        config: SourceConfig,
        remembered: Remembered | None,
    ) -> read_ahead.Read:
        try:
            parser = rdf.parse(body, rdf_format, config.max_bytes, base=url)
        except rdf.RDFPageError as error:
            raise SourceError(f"{url}: {error}") from None
        parser = self._after_parsing(parser, job)
        return parser.next_page(), lambda: list(dataset_records(parser, source, remembered))

    @staticmethod
    def _others_hook_the_pages() -> bool:
        return any(
            getattr(type(plugin), hook, None) not in (None, getattr(IDCATRDFHarvester, hook))
            for plugin in p.PluginImplementations(IDCATRDFHarvester)
            for hook in ("before_download", "after_parsing")
        )

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
