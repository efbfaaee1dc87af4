"""Service records as read from the provider's export: one row, typed, with its row number."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum

import attrs

from edi837.model.common import Address, Sex


@attrs.frozen(slots=True)
class ServiceRecord:
    """One row of the records file. ``row`` is the spreadsheet row (the header is row 1) or,
    for JSON input, the 1-based position of the record."""

    row: int
    member_id: str
    member_last_name: str
    member_first_name: str
    member_dob: date
    member_sex: Sex
    service_date: date
    hcpcs: str
    modifiers: tuple[str, ...]
    diagnosis_codes: tuple[str, ...]
    record_id: str = ""
    minutes: int | None = None
    units: Decimal | None = None
    charge: Decimal | None = None
    service_end_date: date | None = None
    tar_number: str | None = None
    enrollment_date: date | None = None
    address: Address | None = None
    place_of_service: str | None = None
    rendering_npi: str | None = None
    rendering_last_name: str | None = None
    rendering_first_name: str | None = None
    member_present: bool | None = None
    other_coverage: str | None = None

    @property
    def month(self) -> tuple[int, int]:
        return (self.service_date.year, self.service_date.month)


class DateFormat(StrEnum):
    """How the records (and the TAR list) write dates. YYYY-MM-DD is always read as well: it
    cannot be mistaken for another date. Month-first and day-first are never guessed: the
    provider says which (``--date-format`` or the profile's ``[records] date_format``)."""

    ISO = "YYYY-MM-DD"
    MONTH_FIRST = "M/D/YYYY"  # Excel's US short date: 11/2/2026 is November 2
    DAY_FIRST = "D/M/YYYY"  # 11/2/2026 is 11 February

    @classmethod
    def named(cls, text: str) -> DateFormat | None:
        """The format a person names: ``M/D/YYYY``, ``mm/dd/yyyy``, ``iso``... (None: unknown)."""
        key = text.strip().upper().replace("MM", "M").replace("DD", "D").replace("-", "/")
        return _DATE_FORMAT_NAMES.get(key)


_DATE_FORMAT_NAMES = {
    "YYYY/M/D": DateFormat.ISO,
    "ISO": DateFormat.ISO,
    "M/D/YYYY": DateFormat.MONTH_FIRST,
    "US": DateFormat.MONTH_FIRST,
    "D/M/YYYY": DateFormat.DAY_FIRST,
}
