"""Asking an external address whether it answers, from the server, never
reaching the portal's own network (netguard.py) nor following redirects
(the caller checks each target)."""

from __future__ import annotations

from dataclasses import dataclass

import requests

from ckanext.ecologie import netguard

REFUSE_HEAD = (403, 405, 501)  # some servers answer HEAD so; GET tells
USER_AGENT = "ckanext-ecologie link check"

PrivateAddress = netguard.PrivateAddress


class Unreachable(Exception):
    """No answer; the message names why."""


@dataclass(frozen=True)
class Answer:
    status: int
    location: str | None


def head(url: str, timeout: float, allow_private: bool) -> Answer:
    """Status and redirect target of `url`."""
    with netguard.session(allow_private) as session:
        session.headers["User-Agent"] = USER_AGENT
        try:
            response = session.head(url, timeout=timeout, allow_redirects=False)
            if response.status_code in REFUSE_HEAD:
                with session.get(url, timeout=timeout, allow_redirects=False, stream=True) as response:
                    pass
        except netguard.PrivateAddress:
            raise
        except requests.RequestException as error:
            raise Unreachable(type(error).__name__) from error
    return Answer(response.status_code, response.headers.get("location"))
