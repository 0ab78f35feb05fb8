"""`ecologie_csw`: CSW 2.0.2 catalogues (GeoNetwork, géo-IDE, Géoplateforme)
paged with OWSLib's GetRecords, records in ISO 19139 (parsed by OWSLib) or in
DCAT (GeoNetwork's DCAT output, parsed by our DCAT-AP-FR profile). Every
answer goes through our fetcher and hardened XML parser first
(csw_client.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import ckan.plugins.toolkit as tk
from ckan.types import Schema
from ckanext.harvest.harvesters.base import HarvesterBase
from ckanext.harvest.model import HarvestJob
from lxml import etree
from owslib import fes
from owslib.iso import MD_Metadata
from owslib.util import bind_url

from ckanext.ecologie.harvest import rdf
from ckanext.ecologie.harvest.base import EcologieHarvesterMixin
from ckanext.ecologie.harvest.config import SourceConfig
from ckanext.ecologie.harvest.csw_client import CswClient, CswError
from ckanext.ecologie.harvest.dcat import dataset_records
from ckanext.ecologie.harvest.enrich import SourceInfo
from ckanext.ecologie.harvest.fetch import FetchError
from ckanext.ecologie.harvest.gather import Page, SourceError
from ckanext.ecologie.harvest.iso import dataset_from_iso
from ckanext.ecologie.harvest.records import Record, RecordError, identifier_of, is_uri
from ckanext.ecologie.harvest.schema import choice, optional, text_list, whole_number_up_to

GMD = "http://www.isotc211.org/2005/gmd"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
SCHEMAS = {"iso19139": (GMD, "gmd:MD_Metadata"), "dcat": ("http://www.w3.org/ns/dcat#", "csw:Record")}


def _constraints(keywords: list[str] | None) -> list[Any]:
    if not keywords:
        return []
    filters = [fes.PropertyIsEqualTo("apiso:Subject", keyword) for keyword in keywords]
    return [filters[0]] if len(filters) == 1 else [fes.Or(filters)]


class EcologieCswHarvester(EcologieHarvesterMixin, HarvesterBase):
    source_type = "ecologie_csw"

    def harvester_info(self) -> dict[str, str]:
        return {
            "title": tk._("CSW catalogue (ISO 19139)"),
            "description": tk._("A CSW 2.0.2 catalogue such as GeoNetwork, géo-IDE or the Géoplateforme"),
        }

    def config_schema(self) -> Schema:
        return {
            "output_schema": optional(choice("output_schema", tuple(SCHEMAS))),
            "page_size": optional(whole_number_up_to("page_size", 500)),
            "keywords": text_list("keywords"),
        }

    def pages(self, job: HarvestJob, source: SourceInfo, config: SourceConfig) -> Iterator[Page]:
        schema = config.extra.get("output_schema", "iso19139")
        output_schema, type_name = SCHEMAS[schema]
        page_size = config.extra.get("page_size", 100)
        try:
            catalogue = CswClient(source.url, self.fetcher(config, source), config.max_bytes)
        except (FetchError, CswError) as error:
            raise SourceError(tk._("GetCapabilities failed: {error}").format(error=error)) from None
        start, pages = 1, 0
        while True:
            pages += 1
            if pages > config.max_pages:
                raise SourceError(tk._("More than {count} pages: stopped").format(count=config.max_pages))
            try:
                catalogue.getrecords2(
                    constraints=_constraints(config.extra.get("keywords")),
                    typenames=type_name,
                    esn="full",
                    outputschema=output_schema,
                    startposition=start,
                    maxrecords=page_size,
                )
            except (FetchError, CswError) as error:
                raise SourceError(
                    tk._("GetRecords from {start} failed: {error}").format(start=start, error=error)
                ) from None
            except Exception as error:  # OWSLib on a response that is CSW but broken
                raise SourceError(
                    tk._("GetRecords from {start}: unreadable answer ({error})").format(start=start, error=error)
                ) from None
            elements = self._elements(catalogue, schema)
            results = catalogue.results
            if len(elements) < min(results.get("returned", 0), page_size):
                raise SourceError(
                    tk._("The page from {start} announces {announced} records but holds {held}").format(
                        start=start, announced=results.get("returned"), held=len(elements)
                    )
                )
            yield list(self._records(elements, schema, source))
            following = results.get("nextrecord") or 0
            if not elements or following == 0 or following > results.get("matches", 0):
                return
            if following <= start:
                raise SourceError(tk._("The catalogue's paging does not move forward ({start})").format(start=start))
            start = following

    @staticmethod
    def _elements(catalogue: CswClient, schema: str) -> list[etree._Element]:
        results = catalogue.search_results()
        if results is None:
            return []
        tag = f"{{{GMD}}}MD_Metadata" if schema == "iso19139" else f"{{{RDF}}}RDF"
        return list(results.iter(tag))

    def _records(
        self, elements: list[etree._Element], schema: str, source: SourceInfo
    ) -> Iterator[Record | RecordError]:
        for element in elements:
            if schema == "dcat":
                try:
                    parser = rdf.parse(etree.tostring(element), "xml", 10**9)
                except rdf.RDFPageError as error:
                    yield RecordError("rdf:RDF", str(error))
                    continue
                yield from dataset_records(parser, source)
                continue
            try:
                md = MD_Metadata(element)
                if not md.identification:
                    raise ValueError(tk._("no identification section"))
                record_url = bind_url(source.url) + urlencode(
                    {
                        "service": "CSW",
                        "version": "2.0.2",
                        "request": "GetRecordById",
                        "outputSchema": GMD,
                        "elementSetName": "full",
                        "id": md.identifier or "",
                    }
                )
                candidates, dataset = dataset_from_iso(md, element, record_url)
            except Exception as error:  # one broken record must not stop the page
                yield RecordError(_file_identifier(element), str(error))
                continue
            identifier = identifier_of(candidates, source.id, md.identifier)
            if identifier is None:
                yield RecordError(dataset.get("title") or "?", tk._("The record has no identifier"))
            else:
                yield Record(identifier, dataset, _former_identifier(md, source.id))


def _former_identifier(md: MD_Metadata, source_id: str) -> str | None:
    """The identifier pipeline version 1 gave an ISO record: its first
    citation code that is a URI, else its fileIdentifier within the source
    (codes were not joined to their codeSpace)."""
    codes = [code for code in md.identification[0].uricode or [] if is_uri(code)]
    return identifier_of(codes, source_id, md.identifier)


def _file_identifier(element: etree._Element) -> str:
    found = element.findtext(f"{{{GMD}}}fileIdentifier/{{http://www.isotc211.org/2005/gco}}CharacterString")
    return found or "?"
