"""OWSLib's CSW client, with every request sent by our fetcher (public
addresses only, timeouts, retries, size cap) and every answer parsed by our
hardened XML parser.

OWSLib (0.35) has no transport hook: `CatalogueServiceWeb` sends each
request and parses each answer in its private `_invoke`, then reads the
parsed answer from its private `_exml`. This module is the one place that
overrides them; the harvester (csw.py) uses OWSLib's public methods and
`CswClient.document` only."""

from __future__ import annotations

import ckan.plugins.toolkit as tk
from lxml import etree
from owslib.catalogue.csw2 import CatalogueServiceWeb
from owslib.util import add_namespaces, bind_url, cleanup_namespaces, element_to_string

from ckanext.ecologie.harvest import safexml
from ckanext.ecologie.harvest.fetch import XML_TYPES, Fetcher

CSW = "http://www.opengis.net/cat/csw/2.0.2"
OWS = "http://www.opengis.net/ows"
CSW_ROOTS = {f"{{{CSW}}}Capabilities", f"{{{CSW}}}GetRecordsResponse"}
# the prefixes OWSLib's requests use, declared on the request's root
REQUEST_PREFIXES = ["gmd", "csw", "ogc", "ows", "apiso"]


class CswError(Exception):
    pass


class CswClient(CatalogueServiceWeb):
    """Asks for the capabilities when made, as OWSLib's client does."""

    document: etree._ElementTree  # the last answer, a CSW document

    def __init__(self, url: str, fetcher: Fetcher, max_bytes: int) -> None:
        self.fetcher = fetcher
        self.max_bytes = max_bytes
        super().__init__(url, timeout=fetcher.config.timeout)

    def search_results(self) -> etree._Element | None:
        """The `csw:SearchResults` of the last GetRecords answer."""
        return self.document.getroot().find(f"{{{CSW}}}SearchResults")

    def _invoke(self) -> None:  # OWSLib's private transport, replaced (see above)
        if isinstance(self.request, str):  # GET with key-value parameters (GetCapabilities)
            self.request = f"{bind_url(self.url)}{self.request}"
            response = self.fetcher.get(self.request, XML_TYPES)
        else:
            request = add_namespaces(cleanup_namespaces(self.request), REQUEST_PREFIXES)
            self.request = element_to_string(request, encoding="utf-8")
            response = self.fetcher.post(self.post_url(), XML_TYPES, self.request, "application/xml")
        self.response = response.body
        try:
            self.document = safexml.parse(response.body, self.max_bytes)
        except safexml.UnsafeXML as error:
            raise CswError(str(error)) from None
        root = self.document.getroot()
        if root.tag == f"{{{OWS}}}ExceptionReport":
            texts = " ".join(text.strip() for text in root.itertext() if text.strip())
            raise CswError(tk._("The catalogue answered with an exception: {text}").format(text=texts[:500]))
        if root.tag not in CSW_ROOTS:
            raise CswError(tk._("The answer is not a CSW document ({tag})").format(tag=root.tag))
        self._exml = self.document  # where OWSLib's own methods read the answer
        self.exceptionreport = None

    def post_url(self) -> str:
        """GetRecords' POST address from the capabilities, else the source URL."""
        for operation in getattr(self, "operations", []):
            if operation.name == "GetRecords":
                for method in operation.methods:
                    if method.get("type", "").lower() == "post" and method.get("url"):
                        return method["url"]
        return self.url
