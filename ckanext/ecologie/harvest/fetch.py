"""HTTP fetching for harvesters: timeouts, retries with urllib3's `Retry`
(5xx answers and network errors, with backoff), a size cap and a deadline
while streaming, content-type checks, and only the addresses a source may
reach (netguard.py)."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import ckan.plugins.toolkit as tk
import requests
from urllib3.exceptions import NewConnectionError
from urllib3.exceptions import TimeoutError as Urllib3Timeout
from urllib3.util import Retry

from ckanext.ecologie import netguard
from ckanext.ecologie.harvest.config import SourceConfig

CHUNK_BYTES = 64 * 1024
USER_AGENT = "ckanext-ecologie harvester"
SERVER_ERRORS = range(500, 600)


class FetchError(Exception):
    """A page that could not be had; the message is for the job report."""


@dataclass(frozen=True)
class Response:
    url: str
    body: bytes
    content_type: str


def _media_type(header: str | None) -> str:
    return (header or "").split(";", 1)[0].strip().lower()


class _ClosingRetry(Retry):
    """urllib3 reads a retried answer to its end to reuse the connection: a
    hostile server's 5xx body may never end. Closed unread instead."""

    def increment(self, *args: Any, **kwargs: Any) -> Retry:
        response = kwargs.get("response")  # urllib3 passes the answer it retries by name
        if response is not None:
            response.close()
        return super().increment(*args, **kwargs)


def retry_policy(config: SourceConfig) -> Retry:
    """`config.retries` more tries after a network error or a 5xx answer:
    the first at once, then after `backoff` seconds, doubled each time up
    to urllib3's 120 s (it waits backoff_factor * 2**n). A server's
    Retry-After is not followed: a source does not set the harvest's pace."""
    return _ClosingRetry(
        total=config.retries,
        backoff_factor=config.backoff / 2,
        status_forcelist=SERVER_ERRORS,
        allowed_methods=Retry.DEFAULT_ALLOWED_METHODS | {"POST"},  # CSW's GetRecords is a POST
        raise_on_status=False,  # the last 5xx answer is reported as such
        respect_retry_after_header=False,
    )


def _timed_out(error: requests.RequestException) -> bool:
    """A timeout that urllib3 retried until it gave up (requests reports it as
    a ConnectionError around urllib3's MaxRetryError)."""
    reason = getattr(error.args[0] if error.args else None, "reason", None)
    return isinstance(reason, Urllib3Timeout) and not isinstance(reason, NewConnectionError)


class Fetcher:
    def __init__(self, config: SourceConfig, allow_private: bool = False) -> None:
        self.config = config
        self.session = netguard.session(allow_private, retry_policy(config))
        self.session.headers["User-Agent"] = USER_AGENT

    def get(self, url: str, accept: Iterable[str], params: dict[str, Any] | None = None) -> Response:
        return self.request("GET", url, accept, params=params)

    def post(self, url: str, accept: Iterable[str], data: bytes, content_type: str) -> Response:
        return self.request("POST", url, accept, data=data, headers={"Content-Type": content_type})

    def request(self, method: str, url: str, accept: Iterable[str], **kwargs: Any) -> Response:
        """`accept`: media types taken as they are; anything else is refused
        (servers label XML and JSON loosely, so callers list every variant)."""
        accepted = tuple(accept)
        timeout = self.config.timeout
        no_answer = tk._("No answer from {url} within {seconds} s").format(url=url, seconds=timeout)
        try:
            response = self.session.request(method, url, timeout=(timeout, timeout), stream=True, **kwargs)
        except netguard.PrivateAddress:
            raise FetchError(tk._("{url} is not a public address: not contacted").format(url=url)) from None
        except (requests.exceptions.InvalidURL, ValueError):  # the address, or a redirect's, is not one
            raise FetchError(tk._("{url} leads to an invalid address").format(url=url)) from None
        except requests.Timeout:
            raise FetchError(no_answer) from None
        except requests.RequestException as error:
            if _timed_out(error):
                raise FetchError(no_answer) from None
            raise FetchError(tk._("Could not reach {url}: {error}").format(url=url, error=error)) from None
        with response:
            if response.status_code >= 400:  # a 5xx after the last retry
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
                    raise FetchError(tk._("{url} is too slow to send its answer").format(url=url))
                chunks.append(chunk)
        except requests.RequestException as error:
            raise FetchError(tk._("Reading from {url} failed: {error}").format(url=url, error=error)) from None
        return b"".join(chunks)


XML_TYPES = ("application/xml", "text/xml", "application/rdf+xml")
JSON_TYPES = ("application/json",)
