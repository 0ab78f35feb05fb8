"""HTTP fetching for harvesters: timeouts, retries with backoff on 5xx and
network errors, a size cap while streaming, content-type checks, and only
the addresses a source may reach (netguard.py)."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import ckan.plugins.toolkit as tk
import requests

from ckanext.ecologie import netguard
from ckanext.ecologie.harvest.config import SourceConfig

log = logging.getLogger(__name__)

CHUNK_BYTES = 64 * 1024
USER_AGENT = "ckanext-ecologie harvester"


class FetchError(Exception):
    """A page that could not be had; the message is for the job report."""


@dataclass(frozen=True)
class Response:
    url: str
    body: bytes
    content_type: str


def _media_type(header: str | None) -> str:
    return (header or "").split(";", 1)[0].strip().lower()


class Fetcher:
    def __init__(self, config: SourceConfig, allow_private: bool = False) -> None:
        self.config = config
        self.session = netguard.session(allow_private)
        self.session.headers["User-Agent"] = USER_AGENT

    def get(self, url: str, accept: Iterable[str], params: dict[str, Any] | None = None) -> Response:
        return self.request("GET", url, accept, params=params)

    def post(self, url: str, accept: Iterable[str], data: bytes, content_type: str) -> Response:
        return self.request("POST", url, accept, data=data, headers={"Content-Type": content_type})

    def request(self, method: str, url: str, accept: Iterable[str], **kwargs: Any) -> Response:
        """`accept`: media types taken as they are; anything else is refused
        (servers label XML and JSON loosely, so callers list every variant)."""
        accepted = tuple(accept)
        attempt = 0
        while True:
            try:
                return self._once(method, url, accepted, **kwargs)
            except _Retryable as error:
                if attempt >= self.config.retries:
                    raise FetchError(str(error)) from None
                delay = self.config.backoff * (2**attempt)
                log.info("retrying %s in %.1f s: %s", url, delay, error)
                time.sleep(delay)
                attempt += 1

    def _once(self, method: str, url: str, accepted: tuple[str, ...], **kwargs: Any) -> Response:
        timeout = self.config.timeout
        try:
            response = self.session.request(method, url, timeout=(timeout, timeout), stream=True, **kwargs)
        except netguard.PrivateAddress:
            raise FetchError(tk._("{url} is not a public address: not contacted").format(url=url)) from None
        except (requests.exceptions.InvalidURL, ValueError):  # the address, or a redirect's, is not one: no retry
            raise FetchError(tk._("{url} leads to an invalid address").format(url=url)) from None
        except requests.Timeout:
            raise _Retryable(tk._("No answer from {url} within {seconds} s").format(url=url, seconds=timeout)) from None
        except requests.RequestException as error:
            raise _Retryable(tk._("Could not reach {url}: {error}").format(url=url, error=error)) from None
        with response:
            if response.status_code >= 500:
                raise _Retryable(tk._("{url} answered with HTTP {status}").format(url=url, status=response.status_code))
            if response.status_code >= 400:
                raise FetchError(tk._("{url} answered with HTTP {status}").format(url=url, status=response.status_code))
            media_type = _media_type(response.headers.get("Content-Type"))
            if accepted and media_type not in accepted:
                raise FetchError(
                    tk._("{url} sent {media_type}, expected one of: {accepted}").format(
                        url=url, media_type=media_type or "?", accepted=", ".join(accepted)
                    )
                )
            return Response(url=response.url, body=self._read(response, url, timeout), content_type=media_type)

    def _read(self, response: requests.Response, url: str, timeout: float) -> bytes:
        limit = self.config.max_bytes
        too_big = tk._("{url} sent more than {megabytes} MB").format(url=url, megabytes=round(limit / 1024 / 1024, 3))
        declared = response.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > limit:
            raise FetchError(too_big)
        chunks: list[bytes] = []
        size = 0
        # A server trickling bytes would never trip the read timeout: bound the whole read too.
        deadline = time.monotonic() + max(timeout * 10, 30)
        try:
            for chunk in response.iter_content(CHUNK_BYTES):
                size += len(chunk)
                if size > limit:
                    raise FetchError(too_big)
                if time.monotonic() > deadline:
                    raise _Retryable(tk._("{url} is too slow to send its answer").format(url=url))
                chunks.append(chunk)
        except requests.RequestException as error:
            raise _Retryable(tk._("Reading from {url} failed: {error}").format(url=url, error=error)) from None
        return b"".join(chunks)


class _Retryable(Exception):
    pass


XML_TYPES = ("application/xml", "text/xml", "application/rdf+xml")
JSON_TYPES = ("application/json",)
