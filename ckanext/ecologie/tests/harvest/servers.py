"""A catalogue server for harvest tests, on 127.0.0.1: files with the right
content type (rewritten on the fly where paging needs the server's own
address), hostile answers (HTTP errors, slow, endless bodies), and a small
CSW 2.0.2 endpoint (GetCapabilities, GetRecords with paging)."""

from __future__ import annotations

import contextlib
import http.server
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

from lxml import etree

CSW = "http://www.opengis.net/cat/csw/2.0.2"
GMD = "http://www.isotc211.org/2005/gmd"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


@dataclass
class Answer:
    status: int = 200
    content_type: str = "application/xml"
    body: bytes | Callable[[], Iterator[bytes]] = b""
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class CswCatalogue:
    """GetRecords over a fixed list of records (MD_Metadata or rdf:RDF
    elements), paged by startPosition and maxRecords like a real server."""

    records: list[bytes]
    requests: list[dict[str, str]] = field(default_factory=list)

    def answer(self, method: str, query: dict[str, str], body: bytes, base_url: str) -> Answer:
        if method == "GET" and query.get("request", "").lower() == "getcapabilities":
            return Answer(body=capabilities(base_url).encode())
        if method != "POST":
            return Answer(status=400, body=b"<error/>")
        request = etree.fromstring(body)
        start = int(request.get("startPosition", "1"))
        size = int(request.get("maxRecords", "10"))
        self.requests.append({"startPosition": str(start), "maxRecords": str(size)})
        page = self.records[start - 1 : start - 1 + size]
        following = start + len(page) if start - 1 + size < len(self.records) else 0
        return Answer(body=get_records_response(page, len(self.records), following))


def capabilities(url: str) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<csw:Capabilities xmlns:csw="{CSW}" xmlns:ows="http://www.opengis.net/ows"
  xmlns:xlink="http://www.w3.org/1999/xlink" version="2.0.2">
  <ows:ServiceIdentification><ows:Title>Test CSW</ows:Title>
    <ows:ServiceType>CSW</ows:ServiceType><ows:ServiceTypeVersion>2.0.2</ows:ServiceTypeVersion>
  </ows:ServiceIdentification>
  <ows:OperationsMetadata>
    <ows:Operation name="GetRecords"><ows:DCP><ows:HTTP>
      <ows:Get xlink:href="{url}"/><ows:Post xlink:href="{url}"/>
    </ows:HTTP></ows:DCP></ows:Operation>
  </ows:OperationsMetadata>
</csw:Capabilities>"""


def get_records_response(records: list[bytes], matched: int, following: int) -> bytes:
    body = b"".join(records)
    head = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<csw:GetRecordsResponse xmlns:csw="{CSW}">'
        f'<csw:SearchStatus timestamp="2026-01-01T00:00:00Z"/>'
        f'<csw:SearchResults numberOfRecordsMatched="{matched}" numberOfRecordsReturned="{len(records)}" '
        f'elementSet="full" nextRecord="{following}">'
    )
    return head.encode() + body + b"</csw:SearchResults></csw:GetRecordsResponse>"


def records_of(path: str, tag: str = f"{{{GMD}}}MD_Metadata") -> list[bytes]:
    """The records of a CSW answer file, each a standalone element."""
    tree = etree.parse(path)
    return [etree.tostring(element) for element in tree.iter(tag)]


class CatalogueServer:
    def __init__(self) -> None:
        self.routes: dict[str, Answer | CswCatalogue | Callable[[str, dict[str, str]], Answer]] = {}
        self.queries: list[dict[str, str]] = []
        self.hits: dict[str, int] = {}
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                self._serve("GET")

            def do_POST(self) -> None:
                self._serve("POST")

            def _serve(self, method: str) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                route = server.routes.get(self.path) or server.routes.get(parts.path)
                server.hits[parts.path] = server.hits.get(parts.path, 0) + 1
                if route is None:
                    answer = Answer(status=404, content_type="text/plain", body=b"not found")
                elif callable(route):
                    query = dict(parse_qsl(parts.query))
                    server.queries.append(query)
                    answer = route(method, query)
                elif isinstance(route, CswCatalogue):
                    query = {key.lower(): value for key, value in parse_qsl(parts.query)}
                    answer = route.answer(method, query, body, server.url + parts.path)
                else:
                    answer = route
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client gave up
                    self._send(answer)

            def _send(self, answer: Answer) -> None:
                if answer.delay:
                    time.sleep(answer.delay)
                self.send_response(answer.status)
                self.send_header("Content-Type", answer.content_type)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                if callable(answer.body):
                    self.send_header("Transfer-Encoding", "chunked")
                    self.end_headers()
                    for chunk in answer.body():
                        self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                    self.wfile.write(b"0\r\n\r\n")
                    return
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                self.wfile.write(answer.body)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def add(self, path: str, answer: Answer | CswCatalogue | Callable[[str, dict[str, str]], Answer]) -> str:
        self.routes[path] = answer
        return self.url + path

    def add_file(self, path: str, file: str, content_type: str, replace: dict[str, str] | None = None) -> str:
        with open(file, "rb") as stream:
            body = stream.read()
        for old, new in (replace or {}).items():
            body = body.replace(old.encode(), new.format(base=self.url).encode())
        return self.add(path, Answer(content_type=content_type, body=body))

    def __enter__(self) -> CatalogueServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
