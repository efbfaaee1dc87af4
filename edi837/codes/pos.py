"""CMS place of service codes (segments/codes/place-of-service.toml, source named there)."""

from __future__ import annotations

import tomllib
from datetime import date
from functools import cache

import attrs

from edi837.resources import segment_file


@attrs.frozen(slots=True)
class PlaceOfService:
    code: str
    name: str
    billable_from: date | None = None  # created by CMS on this date, inside the dates we check


@cache
def places() -> dict[str, PlaceOfService]:
    data = tomllib.loads(segment_file("codes/place-of-service.toml").read_text(encoding="utf-8"))
    return {
        code: PlaceOfService(code, entry["name"], entry.get("from"))
        for code, entry in data["codes"].items()
    }


def place_of_service(code: str) -> PlaceOfService | None:
    """The CMS entry for ``code`` (two digits), or None when CMS has not assigned it."""
    return places().get(code)


def is_valid(code: str, on: date | None = None) -> bool:
    """On the CMS list (and, given a date of service, already in force on it)."""
    found = places().get(code)
    if found is None:
        return False
    return on is None or found.billable_from is None or found.billable_from <= on
