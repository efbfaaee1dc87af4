"""Dates in records and TAR lists: YYYY-MM-DD always, M/D/YYYY or D/M/YYYY when the provider
says which. A file that writes 11/2/2026 without saying is told so once, not once per cell."""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

import attrs

from edi837 import phi
from edi837.issues import Location, Report
from edi837.model.records import DateFormat

_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
# 11/2/2026, 11-02-2026, 11.2.2026 (one separator throughout); a 2-digit year is recognised
# to be named in the message, never read
_NUMERIC = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})")
_EXAMPLES = {
    DateFormat.ISO: "2026-01-31",
    DateFormat.MONTH_FIRST: "1/31/2026",
    DateFormat.DAY_FIRST: "31/1/2026",
}
DATE_FORMAT_RULE = "INPUT-DATE-FORMAT"


def _make(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


@lru_cache(maxsize=4096)
def parse_date(raw: str, fmt: DateFormat = DateFormat.ISO) -> date | None:
    """The date ``raw`` writes in ``fmt`` (or as YYYY-MM-DD), or None (cached: a month of
    records holds few distinct dates)."""
    iso = _ISO.fullmatch(raw)
    if iso:
        return _make(int(iso[1]), int(iso[2]), int(iso[3]))
    if fmt is DateFormat.ISO:
        return None
    numeric = _NUMERIC.fullmatch(raw)
    if numeric is None or len(numeric[4]) != 4:
        return None
    first, second, year = int(numeric[1]), int(numeric[3]), int(numeric[4])
    if fmt is DateFormat.MONTH_FIRST:
        return _make(year, first, second)
    return _make(year, second, first)


@lru_cache(maxsize=4096)
def numeric_parts(raw: str) -> tuple[int, int, int] | None:
    """(first, second, year digits) when ``raw`` is written like 11/2/2026 or 11/2/26."""
    numeric = _NUMERIC.fullmatch(raw)
    if numeric is None:
        return None
    return int(numeric[1]), int(numeric[3]), len(numeric[4])


def not_a_date(column: str, raw: str, fmt: DateFormat, *, sensitive: bool) -> str:
    accepted = "YYYY-MM-DD" if fmt is DateFormat.ISO else f"{fmt.value} (or YYYY-MM-DD)"
    return (
        f"{column} {phi.quoted(raw, sensitive=sensitive)} is not a date; write {accepted}, "
        f"e.g. {_EXAMPLES[fmt]}"
    )


@attrs.define
class NumericDates:
    """The cells of one file that write dates as 11/2/2026 while no format was given, so the
    file gets one finding that names the format to pass, instead of one error per cell."""

    file: str
    cells: int = 0
    rows: set[int] = attrs.field(factory=set)
    example: tuple[int, str, str, bool] | None = None  # row, column, raw, is PHI
    month_first_only: tuple[int, str] | None = None  # a cell only M/D/YYYY reads (2/13/2026)
    day_first_only: tuple[int, str] | None = None
    two_digit_years: int = 0
    # where each example is in the file: (row, the cell's order of noting)
    _example_key: tuple[bool, tuple[int, int]] = attrs.field(default=(True, (0, 0)), repr=False)
    _day_first: tuple[int, int] = attrs.field(default=(0, 0), repr=False)
    _month_first: tuple[int, int] = attrs.field(default=(0, 0), repr=False)

    def note(self, row: int, column: str, raw: str, *, sensitive: bool) -> bool:
        """Record ``raw`` if it is such a date (True), else leave it to the caller (False).

        The rows may come in any order (a build reads them member by member): each example is
        the first in the file's own order, a cell that is not member data preferred, so the
        finding reads the same whatever the order."""
        parts = numeric_parts(raw)
        if parts is None:
            return False
        first, second, year_digits = parts
        self.cells += 1
        self.rows.add(row)
        place = (row, self.cells)  # a row's cells are noted together, in column order
        if self.example is None or (sensitive, place) < self._example_key:
            self.example = (row, column, raw, sensitive)
            self._example_key = (sensitive, place)
        if year_digits == 2:
            self.two_digit_years += 1
        shown = phi.quoted(raw, sensitive=sensitive)
        if first > 12 >= second and (self.day_first_only is None or place < self._day_first):
            self.day_first_only = (row, shown)
            self._day_first = place
        if second > 12 >= first and (self.month_first_only is None or place < self._month_first):
            self.month_first_only = (row, shown)
            self._month_first = place
        return True

    def report_to(self, report: Report) -> None:
        if self.example is None:
            return
        row, column, raw, sensitive = self.example
        where = (
            f"e.g. {phi.quoted(raw, sensitive=sensitive)} in {column}; "
            f"{self.cells:,} cell(s) in {len(self.rows):,} row(s)"
        )
        if self.two_digit_years == self.cells:
            message = (
                f"dates are written with two-digit years ({where}), which edi837 does not read: "
                "format the date columns as m/d/yyyy (or yyyy-mm-dd) and export again"
            )
        else:
            if self.month_first_only and self.day_first_only:
                evidence = (
                    f" This file mixes both: {self.month_first_only[1]} (row "
                    f"{self.month_first_only[0]}) is month-first, {self.day_first_only[1]} (row "
                    f"{self.day_first_only[0]}) day-first; correct the dates first."
                )
            elif self.month_first_only:
                evidence = (
                    f" Only M/D/YYYY reads {self.month_first_only[1]} (row "
                    f"{self.month_first_only[0]})."
                )
            elif self.day_first_only:
                evidence = (
                    f" Only D/M/YYYY reads {self.day_first_only[1]} (row {self.day_first_only[0]})."
                )
            else:
                evidence = " Every date here reads either way, so only you can say which."
            message = (
                f"dates are written as M/D/YYYY or D/M/YYYY ({where}); edi837 reads YYYY-MM-DD and "
                "never guesses between month-first and day-first: pass --date-format M/D/YYYY "
                "(Excel's US dates) or --date-format D/M/YYYY, or set date_format in the profile's "
                f"[records] table.{evidence}"
            )
            if self.two_digit_years:
                message += f" {self.two_digit_years:,} of them have two-digit years, which no format reads."
        report.error(DATE_FORMAT_RULE, message, Location(file=self.file, row=row, column=column))
