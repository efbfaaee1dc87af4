"""The JSON documents of check, validate, build and void: one envelope, a JSON Schema each.

Every document starts the same way (``edi837/schemas/<command>.schema.json``, decision 0006)::

    {"schema_version": 1, "command": "build", "exit_code": 0, "error": null,
     "summary": {... counts, the per-rule summary, what the command did ...},
     ... what the command made (a batch's claims) ...,
     "issues": [... the findings ...]}

so a script reads the outcome first and the detail after. ``error`` is null, or the message
and hint of what stopped the command (an unreadable input, a refused output), with the exit
code the process returns. Long lists (a batch's claims, the findings) are written one item
per line as they come, never built whole.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

from edi837.errors import EdiError
from edi837.issues import Issue
from edi837.render.issues import findings_data

SCHEMA_VERSION = 1


def error_data(exc: EdiError | None) -> dict[str, Any] | None:
    if exc is None:
        return None
    return {"message": exc.message, "hint": exc.hint}


def envelope(
    command: str,
    exit_code: int,
    issues: list[Issue],
    summary: dict[str, Any],
    *,
    error: EdiError | None = None,
    limit: int | None = None,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(the head of the document, the findings it lists). The summary holds the counts and the
    per-rule summary of every finding, whatever ``limit`` leaves out of the list."""
    found = findings_data(issues, limit=limit)
    head = {
        "schema_version": SCHEMA_VERSION,
        "command": command,
        "exit_code": int(exit_code),
        "error": error_data(error),
        "summary": {
            **found["counts"],
            **summary,
            "by_rule": found["by_rule"],
            "omitted": found["omitted"],
        },
    }
    return head, found["issues"]


def write(out: TextIO, fields: Iterable[tuple[str, Any]]) -> None:
    """A JSON object, one top-level field after another. A field whose value is an iterator is
    a list written item by item (one line each) as the iterator yields them."""
    out.write("{")
    for index, (key, value) in enumerate(fields):
        out.write(("," if index else "") + f"\n  {json.dumps(key)}: ")
        if isinstance(value, Iterator):
            _stream_list(out, value)
        else:
            out.write(json.dumps(value, indent=2).replace("\n", "\n  "))
    out.write("\n}\n")


def _stream_list(out: TextIO, items: Iterator[Any]) -> None:
    out.write("[")
    any_item = False
    for item in items:
        out.write(("," if any_item else "") + "\n    " + json.dumps(item))
        any_item = True
    out.write("\n  ]" if any_item else "]")


def failure(
    out: TextIO, command: str, exc: EdiError, issues: list[Issue], summary: dict[str, Any]
) -> None:
    """The document of a run stopped by ``exc``: the error, and whatever was found before."""
    head, listed = envelope(command, exc.exit_code, issues, summary, error=exc)
    write(out, [*head.items(), ("issues", iter(listed))])
