"""The doctor's results as text for a person, or as JSON for monitoring."""

from __future__ import annotations

import json
from collections import Counter

from ckanext.ecologie.doctor.result import Result, Status, worst

INDENT = " " * 6


def as_text(results: list[Result]) -> str:
    lines = []
    for result in results:
        lines.append(f"{result.status.value:<4}  {result.check}: {result.message}")
        if result.fix:
            lines.append(f"{INDENT}fix: {result.fix}")
    lines.append(summary(results))
    return "\n".join(lines)


def summary(results: list[Result]) -> str:
    counts = Counter(result.status for result in results)
    return ", ".join(f"{counts[status]} {status.value}" for status in Status)


def as_json(results: list[Result]) -> str:
    return json.dumps(
        {
            "status": worst(result.status for result in results).value,
            "checks": [
                {"check": result.check, "status": result.status.value, "message": result.message, "fix": result.fix}
                for result in results
            ],
        },
        ensure_ascii=False,
        indent=2,
    )


def exit_code(results: list[Result]) -> int:
    """1 when a check FAILs; WARN alone is 0."""
    return 1 if worst(result.status for result in results) is Status.FAIL else 0
