"""One row's cells into a :class:`ServiceRecord`, every problem named by its column.

The cell parsers are pure and cached: a month of records repeats each member's identity on
every row, and codes, dates and amounts come from small sets. Each returns its values and the
problems it found; :func:`parse_row` reports those problems at the row's own location.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from functools import lru_cache

import attrs

from edi837 import phi
from edi837.ingest import limits, money
from edi837.ingest.columns import ADDRESS_COLUMNS, PHI_COLUMNS
from edi837.ingest.dates import NumericDates, not_a_date, parse_date
from edi837.issues import Location, Report
from edi837.model.common import Address, Sex
from edi837.model.identifiers import (
    hcpcs_is_valid,
    icd10_is_valid,
    modifier_is_valid,
    normalize_icd10,
    normalize_zip,
    npi_is_valid,
    place_of_service_is_valid,
    state_is_valid,
    zip_is_valid,
)
from edi837.model.records import DateFormat, ServiceRecord
from edi837.x12.datatypes import clean_text

_SPLIT_MODIFIERS = re.compile(r"[\s:,;]+")
_SPLIT_DIAGNOSES = re.compile(r"[;,\s]+")
_SEX = {
    "F": Sex.FEMALE,
    "FEMALE": Sex.FEMALE,
    "M": Sex.MALE,
    "MALE": Sex.MALE,
    "U": Sex.UNKNOWN,
    "UNKNOWN": Sex.UNKNOWN,
}
_FLAGS = {
    "Y": True,
    "YES": True,
    "TRUE": True,
    "1": True,
    "N": False,
    "NO": False,
    "FALSE": False,
    "0": False,
}
_TAR = re.compile(rf"[0-9A-Za-z-]{{1,{limits.REFERENCE}}}")
_LISTED = 3  # bad codes a message names before it counts the rest


Problem = tuple[str, str, str]  # (rule ID, column, message)


def _shown(column: str, raw: str) -> str:
    return phi.quoted(raw, sensitive=column in PHI_COLUMNS)


def _listing(values: list[str]) -> str:
    named = ", ".join(phi.quoted(v) for v in values[:_LISTED])
    rest = len(values) - _LISTED
    return f"{named} and {rest:,} more" if rest > 0 else named


def _required(column: str) -> Problem:
    return ("INPUT-REQUIRED", column, f"{column} is required")


def _name(column: str, raw: str, limit: int, problems: list[Problem]) -> str | None:
    if not raw:
        problems.append(_required(column))
        return None
    if len(raw) > limit:
        problems.append(
            (
                "INPUT-TEXT",
                column,
                f"{column} is {len(raw)} characters; at most {limit} fit in the claim",
            )
        )
    cleaned = clean_text(raw)
    if not cleaned:
        problems.append(
            (
                "INPUT-TEXT",
                column,
                f"{column} {_shown(column, raw)} has no letters or digits an 837P can carry",
            )
        )
        return None
    return cleaned


# The parsers below are pure and cached: a month of records repeats each member's identity on
# every row, and codes, dates and amounts come from small sets. Each returns its values and the
# problems found; the row reports those problems at its own location. ``shown`` (whether PHI is
# shown) is part of every key that can put a raw value in a message.


# A member's rows are parsed together (edi837/ingest/staging.py), so a small cache hits as often
# as a large one and stays the same size for a file of a million rows.
@lru_cache(maxsize=2048)
def _member(
    member_id: str, last: str, first: str, sex: str, shown: bool
) -> tuple[tuple[str, str, str, Sex] | None, tuple[Problem, ...]]:
    problems: list[Problem] = []
    mid = member_id.upper()
    if not member_id:
        problems.append(_required("member_id"))
    elif len(member_id) > limits.MEMBER_ID or not (mid.isascii() and mid.isalnum()):
        problems.append(
            (
                "INPUT-MEMBER-ID",
                "member_id",
                f"member_id {_shown('member_id', member_id)} may hold only letters and digits "
                f"(at most {limits.MEMBER_ID})",
            )
        )
    last_name = _name("member_last_name", last, limits.LAST_NAME, problems)
    first_name = _name("member_first_name", first, limits.FIRST_NAME, problems)
    code = _SEX.get(sex.upper()) if sex else None
    if not sex:
        problems.append(_required("member_sex"))
    elif code is None:
        problems.append(
            ("INPUT-SEX", "member_sex", f"member_sex {phi.quoted(sex)} is not F, M or U")
        )
    if problems:
        return None, tuple(problems)
    assert last_name and first_name and code
    return (mid, last_name, first_name, code), ()


@lru_cache(maxsize=2048)
def _address(
    a1: str, a2: str, city: str, state: str, zip_raw: str, shown: bool
) -> tuple[Address | None, tuple[Problem, ...]]:
    if not (a1 or a2 or city or state or zip_raw):
        return None, ()  # no address at all: the profile's fallback address is used
    given = {
        "member_address1": a1,
        "member_city": city,
        "member_state": state,
        "member_zip": zip_raw,
    }
    missing = [c for c in ADDRESS_COLUMNS if not given[c]]
    if missing:
        return None, (
            (
                "INPUT-ADDRESS",
                missing[0],
                f"the member address is incomplete: {', '.join(missing)} missing (leave all address "
                "columns blank to use the profile's fallback address)",
            ),
        )
    problems: list[Problem] = []
    state_code = state.upper()
    zip_code = normalize_zip(zip_raw)
    if not state_is_valid(state_code):
        problems.append(
            (
                "INPUT-ADDRESS",
                "member_state",
                f"member_state {phi.quoted(state)} is not a two-letter state code",
            )
        )
    if not zip_is_valid(zip_code):
        problems.append(
            (
                "INPUT-ADDRESS",
                "member_zip",
                f"member_zip {_shown('member_zip', zip_raw)} is not a 5- or 9-digit ZIP code",
            )
        )
    line1 = _name("member_address1", a1, limits.ADDRESS_LINE, problems)
    city_name = _name("member_city", city, limits.CITY, problems)
    if problems or line1 is None or city_name is None:
        return None, tuple(problems)
    return Address(
        line1=line1,
        line2=clean_text(a2) if a2 else "",
        city=city_name,
        state=state_code,
        zip=zip_code,
    ), ()


@lru_cache(maxsize=8192)
def _code(hcpcs: str, raw_modifiers: str) -> tuple[str, tuple[str, ...], tuple[Problem, ...]]:
    problems: list[Problem] = []
    code = hcpcs.upper()
    if not hcpcs:
        problems.append(_required("hcpcs"))
    elif not hcpcs_is_valid(code):
        problems.append(
            (
                "INPUT-CODE",
                "hcpcs",
                f"hcpcs {phi.quoted(hcpcs)} is not a HCPCS/CPT code (a letter and 4 digits, e.g. G9008)",
            )
        )
    modifiers = (
        tuple(m for m in _SPLIT_MODIFIERS.split(raw_modifiers.upper()) if m)
        if raw_modifiers
        else ()
    )
    bad = [m for m in modifiers if not modifier_is_valid(m)]
    if bad:
        problems.append(
            (
                "INPUT-CODE",
                "modifiers",
                f"modifiers {_listing(bad)} are not 2-character modifiers (write e.g. 'U8 GQ')",
            )
        )
    elif len(modifiers) > limits.MODIFIERS:
        problems.append(
            (
                "INPUT-CODE",
                "modifiers",
                f"a service line carries at most {limits.MODIFIERS} modifiers",
            )
        )
    elif len(set(modifiers)) != len(modifiers):
        problems.append(("INPUT-CODE", "modifiers", "a modifier is repeated"))
    return code, modifiers, tuple(problems)


@lru_cache(maxsize=8192)
def _diagnoses(raw: str) -> tuple[tuple[str, ...], tuple[Problem, ...]]:
    column = "diagnosis_codes"
    if not raw:
        return (), (_required(column),)
    codes = tuple(
        dict.fromkeys(normalize_icd10(c) for c in _SPLIT_DIAGNOSES.split(raw) if c.strip())
    )
    bad = [c for c in codes if not icd10_is_valid(c)]
    if not codes:
        return (), (
            ("INPUT-REQUIRED", column, "diagnosis_codes is required (ICD-10, ';'-separated)"),
        )
    if bad:
        plural = len(bad) > 1
        return (), (
            (
                "INPUT-DIAGNOSIS",
                column,
                f"{_listing(bad)} {'are' if plural else 'is'} not ICD-10 code{'s' if plural else ''} (e.g. Z59.01)",
            ),
        )
    if len(codes) > limits.DIAGNOSIS_POINTERS:
        return (), (
            (
                "INPUT-DIAGNOSIS",
                column,
                f"{len(codes):,} diagnoses given; a service line points to at most "
                f"{limits.DIAGNOSIS_POINTERS}",
            ),
        )
    return codes, ()


@lru_cache(maxsize=8192)
def _number(column: str, raw: str) -> tuple[Decimal | None, Problem | None]:
    if column == "charge":
        value, message = money.amount(column, raw)
    else:
        value, message = money.whole_number(column, raw, digits=limits.QUANTITY_DIGITS)
    return value, (("INPUT-NUMBER", column, message) if message else None)


@lru_cache(maxsize=4096)
def _rendering(
    npi: str, last: str, first: str
) -> tuple[tuple[str, str | None, str | None] | None, tuple[Problem, ...]]:
    if not npi:
        if last or first:
            return None, (
                ("INPUT-REQUIRED", "rendering_npi", "a rendering provider needs rendering_npi"),
            )
        return None, ()
    problems: list[Problem] = []
    if not npi_is_valid(npi):
        problems.append(
            (
                "INPUT-NPI",
                "rendering_npi",
                f"rendering_npi {phi.quoted(npi)} is not a valid NPI (10 digits with a check digit)",
            )
        )
    last_name = _name("rendering_last_name", last, limits.LAST_NAME, problems) if last else None
    if not last:
        problems.append(
            (
                "INPUT-REQUIRED",
                "rendering_last_name",
                "rendering_last_name is required with rendering_npi",
            )
        )
    first_name = _name("rendering_first_name", first, limits.FIRST_NAME, []) if first else None
    if problems:
        return None, tuple(problems)
    return (npi, last_name, first_name), ()


@attrs.define
class Dates:
    """How one file's dates are read, and (when no format was given) its M/D/YYYY-looking
    cells, reported once for the whole file instead of once per cell."""

    file: str
    fmt: DateFormat = DateFormat.ISO
    numeric: NumericDates = attrs.field(init=False)

    @numeric.default
    def _numeric(self) -> NumericDates:
        return NumericDates(self.file)

    def required(self, column: str, raw: str, row: int, problems: list[Problem]) -> date | None:
        """A required date: parsed, or None with its problem (blank, or not a date) added."""
        value = parse_date(raw, self.fmt) if raw else None
        if value is None:
            if raw:
                self.unread(column, raw, row, problems)
            else:
                problems.append(_required(column))
        return value

    def unread(self, column: str, raw: str, row: int, problems: list[Problem]) -> None:
        """``raw`` is no date in the format: a problem for its cell, or (no format given and
        it looks like 11/2/2026) set aside for the file's one finding, the row still marked."""
        sensitive = column in PHI_COLUMNS
        if self.fmt is DateFormat.ISO and self.numeric.note(row, column, raw, sensitive=sensitive):
            problems.append(_SET_ASIDE)
        else:
            problems.append(
                ("INPUT-DATE", column, not_a_date(column, raw, self.fmt, sensitive=sensitive))
            )

    def report_to(self, report: Report) -> None:
        self.numeric.report_to(report)


_SET_ASIDE: Problem = ("", "", "")  # the row has no record, and the file one finding for it


def parse_row(
    cells: dict[str, str], row: int, file: str, report: Report, dates: Dates | None = None
) -> ServiceRecord | None:
    """One row; every problem goes to ``report`` at (file, row, column, record_id)."""
    get = cells.get
    shown = phi.showing()
    problems: list[Problem] = []
    dates = dates if dates is not None else Dates(file)

    member, found = _member(
        get("member_id", ""),
        get("member_last_name", ""),
        get("member_first_name", ""),
        get("member_sex", ""),
        shown,
    )
    problems.extend(found)
    birth = dates.required("member_dob", get("member_dob", ""), row, problems)
    address, found = _address(
        get("member_address1", ""),
        get("member_address2", ""),
        get("member_city", ""),
        get("member_state", ""),
        get("member_zip", ""),
        shown,
    )
    problems.extend(found)
    code, modifiers, found = _code(get("hcpcs", ""), get("modifiers", ""))
    problems.extend(found)
    diagnoses, found = _diagnoses(get("diagnosis_codes", ""))
    problems.extend(found)

    service_date = dates.required("service_date", get("service_date", ""), row, problems)
    fmt = dates.fmt
    end_date = enrollment = None
    raw = get("service_end_date", "")
    if raw:
        end_date = parse_date(raw, fmt)
        if end_date is None:
            dates.unread("service_end_date", raw, row, problems)
        elif service_date is not None and end_date < service_date:
            problems.append(
                ("INPUT-DATE", "service_end_date", "service_end_date is before service_date")
            )
    raw = get("enrollment_date", "")
    if raw:
        enrollment = parse_date(raw, fmt)
        if enrollment is None:
            dates.unread("enrollment_date", raw, row, problems)

    numbers: dict[str, Decimal] = {}
    for column in _NUMBER_COLUMNS:
        raw = get(column, "")
        if raw:
            value, problem = _number(column, raw)
            if problem is not None:
                problems.append(problem)
            elif value is not None:
                numbers[column] = value

    tar = get("tar_number") or None
    if tar is not None and not _TAR.fullmatch(tar):
        problems.append(
            (
                "INPUT-TAR",
                "tar_number",
                f"tar_number {phi.quoted(tar)} may hold only letters, digits and '-' "
                f"(at most {limits.REFERENCE})",
            )
        )
    pos = get("place_of_service") or None
    if pos is not None:
        pos = pos.zfill(2)
        if not place_of_service_is_valid(pos):
            problems.append(
                (
                    "INPUT-POS",
                    "place_of_service",
                    f"place_of_service {phi.quoted(pos)} is not a two-digit code (e.g. 11, 12, 99)",
                )
            )
    rendering, found = _rendering(
        get("rendering_npi", ""), get("rendering_last_name", ""), get("rendering_first_name", "")
    )
    problems.extend(found)
    present: bool | None = None
    raw = get("member_present", "")
    if raw:
        present = _FLAGS.get(raw.upper())
        if present is None:
            problems.append(
                ("INPUT-FLAG", "member_present", f"member_present {phi.quoted(raw)} is not Y or N")
            )

    record_id = get("record_id", "")
    if len(record_id) > limits.REFERENCE:
        problems.append(
            (
                "INPUT-TEXT",
                "record_id",
                f"record_id is {len(record_id):,} characters; at most {limits.REFERENCE}",
            )
        )
        record_id = ""  # every message shows the record_id: not this one
    if problems:
        for rule, column, message in problems:
            if rule:
                report.error(
                    rule,
                    message,
                    Location(file=file, row=row, column=column, record_id=record_id or None),
                )
        return None
    assert member is not None and service_date is not None and birth is not None
    member_id, last, first, sex = member
    minutes = numbers.get("minutes")
    return ServiceRecord(
        row=row,
        record_id=record_id,
        member_id=member_id,
        member_last_name=last,
        member_first_name=first,
        member_dob=birth,
        member_sex=sex,
        service_date=service_date,
        hcpcs=code,
        modifiers=modifiers,
        diagnosis_codes=diagnoses,
        minutes=int(minutes) if minutes is not None else None,
        units=numbers.get("units"),
        charge=numbers.get("charge"),
        service_end_date=end_date,
        tar_number=tar.upper() if tar else None,
        enrollment_date=enrollment,
        address=address,
        place_of_service=pos,
        rendering_npi=rendering[0] if rendering else None,
        rendering_last_name=rendering[1] if rendering else None,
        rendering_first_name=rendering[2] if rendering else None,
        member_present=present,
        other_coverage=get("other_coverage") or None,
    )


_NUMBER_COLUMNS = ("minutes", "units", "charge")
