"""What a check finds: a status, one line saying what it saw, and, unless all
is well, one line saying what to do."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass


class Status(enum.Enum):
    OK = "OK"
    WARN = "WARN"
    FAIL = "FAIL"


_RANK = {Status.OK: 0, Status.WARN: 1, Status.FAIL: 2}


@dataclass(frozen=True)
class Result:
    check: str
    status: Status
    message: str
    fix: str = ""


def ok(check: str, message: str) -> Result:
    return Result(check, Status.OK, message)


def warn(check: str, message: str, fix: str) -> Result:
    return Result(check, Status.WARN, message, fix)


def fail(check: str, message: str, fix: str) -> Result:
    return Result(check, Status.FAIL, message, fix)


def worst(statuses: Iterable[Status]) -> Status:
    return max(statuses, key=_RANK.__getitem__, default=Status.OK)
