"""Read service records (CSV or JSON) into typed :class:`ServiceRecord` objects.

The file as a whole must be readable (UTF-8, a header, the required columns, at least one row);
otherwise :class:`InputError`, with what to do. Problems in individual cells are collected as
issues with the spreadsheet row (the header is row 1) and the column, so the user sees every
problem in one run. A row with an error yields no record.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from edi837 import phi
from edi837.errors import InputError
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
from edi837.model.records import ServiceRecord
from edi837.x12.datatypes import clean_text

REQUIRED = (
    "member_id",
    "member_last_name",
    "member_first_name",
    "member_dob",
    "member_sex",
    "service_date",
    "hcpcs",
    "diagnosis_codes",
)
OPTIONAL = (
    "record_id",
    "modifiers",
    "minutes",
    "units",
    "charge",
    "service_end_date",
    "tar_number",
    "enrollment_date",
    "member_address1",
    "member_address2",
    "member_city",
    "member_state",
    "member_zip",
    "place_of_service",
    "rendering_npi",
    "rendering_last_name",
    "rendering_first_name",
    "member_present",
    "other_coverage",
)
COLUMNS = REQUIRED + OPTIONAL
PHI_COLUMNS = frozenset(
    {
        "member_id",
        "member_last_name",
        "member_first_name",
        "member_dob",
        "member_address1",
        "member_address2",
        "member_city",
        "member_zip",
    }
)
ADDRESS_COLUMNS = ("member_address1", "member_city", "member_state", "member_zip")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SPLIT_MODIFIERS = re.compile(r"[\s:,]+")
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
_TAR = re.compile(r"^[0-9A-Za-z-]{1,50}$")


def normalize_header(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.strip().lower())


class _Row:
    """One row's cells, with the parsers that record problems against the row and column."""

    __slots__ = ("cells", "file", "ok", "record_id", "report", "row")

    def __init__(self, cells: dict[str, str], row: int, file: str, report: Report) -> None:
        self.cells = cells
        self.row = row
        self.file = file
        self.report = report
        self.ok = True
        self.record_id = cells.get("record_id", "")

    def error(self, rule: str, column: str, message: str) -> None:
        self.ok = False
        self.report.error(rule, message, self._where(column))

    def warn(self, rule: str, column: str, message: str) -> None:
        self.report.warn(rule, message, self._where(column))

    def _where(self, column: str) -> Location:
        return Location(
            file=self.file, row=self.row, column=column, record_id=self.record_id or None
        )

    def shown(self, column: str) -> str:
        return repr(phi.value(self.cells.get(column, ""), sensitive=column in PHI_COLUMNS))

    def text(self, column: str, *, limit: int | None = None) -> str | None:
        raw = self.cells.get(column, "")
        if not raw:
            if column in REQUIRED:
                self.error("INPUT-REQUIRED", column, f"{column} is required")
            return None
        if limit is not None and len(raw) > limit:
            self.error(
                "INPUT-TEXT",
                column,
                f"{column} is {len(raw)} characters; at most {limit} fit in the claim",
            )
        return raw

    def name(self, column: str, limit: int) -> str | None:
        raw = self.text(column, limit=limit)
        if raw is None:
            return None
        cleaned = clean_text(raw)
        if not cleaned:
            self.error(
                "INPUT-TEXT",
                column,
                f"{column} {self.shown(column)} has no letters or digits an 837P can carry",
            )
            return None
        return cleaned

    def date(self, column: str) -> date | None:
        raw = self.text(column)
        if raw is None:
            return None
        if _ISO_DATE.match(raw):
            try:
                return date.fromisoformat(raw)
            except ValueError:
                pass
        self.error(
            "INPUT-DATE",
            column,
            f"{column} {self.shown(column)} is not a date; write YYYY-MM-DD (e.g. 2025-01-31)",
        )
        return None

    def number(self, column: str, *, whole: bool, allow_zero: bool = False) -> Decimal | None:
        raw = self.text(column)
        if raw is None:
            return None
        cleaned = raw.replace("$", "").replace(",", "").strip()
        try:
            value = Decimal(cleaned)
            if not value.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            self.error("INPUT-NUMBER", column, f"{column} {raw!r} is not a number")
            return None
        if value < 0 or (value == 0 and not allow_zero):
            self.error(
                "INPUT-NUMBER",
                column,
                f"{column} must be {'zero or more' if allow_zero else 'more than zero'} ({raw!r} given)",
            )
            return None
        if whole and value != value.to_integral_value():
            self.error("INPUT-NUMBER", column, f"{column} must be a whole number ({raw!r} given)")
            return None
        if not whole and value.as_tuple().exponent < -2:  # type: ignore[operator]
            self.error("INPUT-NUMBER", column, f"{column} has more than 2 decimal places ({raw!r})")
            return None
        return value


def _parse(row: _Row) -> ServiceRecord | None:
    cells = row.cells
    member_id = row.text("member_id", limit=80)
    if member_id is not None:
        member_id = member_id.upper()
        if not member_id.isalnum():
            row.error(
                "INPUT-MEMBER-ID",
                "member_id",
                f"member_id {row.shown('member_id')} may hold only letters and digits",
            )
    last = row.name("member_last_name", 60)
    first = row.name("member_first_name", 35)
    dob = row.date("member_dob")
    sex_raw = row.text("member_sex")
    sex = _SEX.get(sex_raw.upper()) if sex_raw else None
    if sex_raw and sex is None:
        row.error("INPUT-SEX", "member_sex", f"member_sex {sex_raw!r} is not F, M or U")
    service_date = row.date("service_date")

    hcpcs = row.text("hcpcs")
    if hcpcs is not None:
        hcpcs = hcpcs.upper()
        if not hcpcs_is_valid(hcpcs):
            row.error(
                "INPUT-CODE",
                "hcpcs",
                f"hcpcs {hcpcs!r} is not a HCPCS/CPT code (a letter and 4 digits, e.g. G9008)",
            )
    modifiers: tuple[str, ...] = ()
    if cells.get("modifiers"):
        modifiers = tuple(m for m in _SPLIT_MODIFIERS.split(cells["modifiers"].upper()) if m)
        bad = [m for m in modifiers if not modifier_is_valid(m)]
        if bad:
            row.error(
                "INPUT-CODE",
                "modifiers",
                f"modifiers {', '.join(map(repr, bad))} are not 2-character modifiers (write e.g. 'U8 GQ')",
            )
        elif len(modifiers) > 4:
            row.error("INPUT-CODE", "modifiers", "a service line carries at most 4 modifiers")
        elif len(set(modifiers)) != len(modifiers):
            row.error("INPUT-CODE", "modifiers", "a modifier is repeated")

    diagnoses: tuple[str, ...] = ()
    raw_dx = row.text("diagnosis_codes")
    if raw_dx is not None:
        diagnoses = tuple(
            dict.fromkeys(normalize_icd10(c) for c in _SPLIT_DIAGNOSES.split(raw_dx) if c.strip())
        )
        bad = [c for c in diagnoses if not icd10_is_valid(c)]
        if not diagnoses:
            row.error(
                "INPUT-REQUIRED",
                "diagnosis_codes",
                "diagnosis_codes is required (ICD-10, ';'-separated)",
            )
        elif bad:
            row.error(
                "INPUT-DIAGNOSIS",
                "diagnosis_codes",
                f"{', '.join(map(repr, bad))} {'is' if len(bad) == 1 else 'are'} not ICD-10 code{'s' if len(bad) > 1 else ''} (e.g. Z59.01)",
            )
        elif len(diagnoses) > 4:
            row.error(
                "INPUT-DIAGNOSIS",
                "diagnosis_codes",
                f"{len(diagnoses)} diagnoses given; a service line points to at most 4",
            )

    minutes = row.number("minutes", whole=True) if cells.get("minutes") else None
    units = row.number("units", whole=True) if cells.get("units") else None
    charge = row.number("charge", whole=False, allow_zero=True) if cells.get("charge") else None
    end_date = row.date("service_end_date") if cells.get("service_end_date") else None
    if end_date is not None and service_date is not None and end_date < service_date:
        row.error("INPUT-DATE", "service_end_date", "service_end_date is before service_date")
    enrollment = row.date("enrollment_date") if cells.get("enrollment_date") else None

    tar = cells.get("tar_number") or None
    if tar is not None and not _TAR.match(tar):
        row.error(
            "INPUT-TAR",
            "tar_number",
            f"tar_number {tar!r} may hold only letters, digits and '-' (at most 50)",
        )

    address = _address(row)
    pos = cells.get("place_of_service") or None
    if pos is not None:
        pos = pos.zfill(2)
        if not place_of_service_is_valid(pos):
            row.error(
                "INPUT-POS",
                "place_of_service",
                f"place_of_service {pos!r} is not a two-digit code (e.g. 11, 12, 99)",
            )

    rendering_npi = cells.get("rendering_npi") or None
    rendering_last = rendering_first = None
    if rendering_npi is not None:
        if not npi_is_valid(rendering_npi):
            row.error(
                "INPUT-NPI",
                "rendering_npi",
                f"rendering_npi {rendering_npi!r} is not a valid NPI (10 digits with a check digit)",
            )
        rendering_last = (
            row.name("rendering_last_name", 60) if cells.get("rendering_last_name") else None
        )
        if rendering_last is None:
            row.error(
                "INPUT-REQUIRED",
                "rendering_last_name",
                "rendering_last_name is required with rendering_npi",
            )
        rendering_first = (
            row.name("rendering_first_name", 35) if cells.get("rendering_first_name") else None
        )
    elif cells.get("rendering_last_name") or cells.get("rendering_first_name"):
        row.error("INPUT-REQUIRED", "rendering_npi", "a rendering provider needs rendering_npi")

    present: bool | None = None
    if cells.get("member_present"):
        present = _FLAGS.get(cells["member_present"].upper())
        if present is None:
            row.error(
                "INPUT-FLAG",
                "member_present",
                f"member_present {cells['member_present']!r} is not Y or N",
            )

    if not row.ok:
        return None
    assert member_id and last and first and dob and sex and service_date and hcpcs
    return ServiceRecord(
        row=row.row,
        record_id=row.record_id,
        member_id=member_id,
        member_last_name=last,
        member_first_name=first,
        member_dob=dob,
        member_sex=sex,
        service_date=service_date,
        hcpcs=hcpcs,
        modifiers=modifiers,
        diagnosis_codes=diagnoses,
        minutes=int(minutes) if minutes is not None else None,
        units=units,
        charge=charge,
        service_end_date=end_date,
        tar_number=tar.upper() if tar else None,
        enrollment_date=enrollment,
        address=address,
        place_of_service=pos,
        rendering_npi=rendering_npi,
        rendering_last_name=rendering_last,
        rendering_first_name=rendering_first,
        member_present=present,
        other_coverage=cells.get("other_coverage") or None,
    )


def _address(row: _Row) -> Address | None:
    cells = row.cells
    given = [c for c in (*ADDRESS_COLUMNS, "member_address2") if cells.get(c)]
    if not given:
        return None  # no address at all: the profile's fallback address is used
    missing = [c for c in ADDRESS_COLUMNS if not cells.get(c)]
    if missing:
        row.error(
            "INPUT-ADDRESS",
            missing[0],
            f"the member address is incomplete: {', '.join(missing)} missing (leave all address columns blank to use the profile's fallback address)",
        )
        return None
    state = cells["member_state"].upper()
    zip_code = normalize_zip(cells["member_zip"])
    if not state_is_valid(state):
        row.error(
            "INPUT-ADDRESS",
            "member_state",
            f"member_state {state!r} is not a two-letter state code",
        )
    if not zip_is_valid(zip_code):
        row.error(
            "INPUT-ADDRESS",
            "member_zip",
            f"member_zip {row.shown('member_zip')} is not a 5- or 9-digit ZIP code",
        )
    line1 = row.name("member_address1", 55)
    city = row.name("member_city", 30)
    line2 = clean_text(cells.get("member_address2", ""))
    if line1 is None or city is None:
        return None
    return Address(line1=line1, line2=line2, city=city, state=state, zip=zip_code)


# -- files ----------------------------------------------------------------------------------------


def _decode(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None
    if not raw.strip():
        raise InputError(f"{path} is empty", hint="export the service records with a header row")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(
            f"{path} is UTF-16 text", hint="save it as 'CSV UTF-8 (comma delimited)' and try again"
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(
            f"{path} is not UTF-8 text: byte 0x{raw[exc.start]:02X} on line {line} cannot be read",
            hint="save the file as 'CSV UTF-8 (comma delimited)' (Excel) or re-encode it as UTF-8",
        ) from None


def _csv_rows(path: Path, text: str, report: Report) -> Iterator[tuple[int, dict[str, str]]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except csv.Error as exc:
        raise InputError(f"{path}: the header row cannot be read as CSV ({exc})") from None
    except StopIteration:
        raise InputError(f"{path} is empty") from None
    columns = [normalize_header(h) for h in header]
    _check_columns(path, columns, report)
    row_number = 1
    try:
        for cells in reader:
            row_number += 1
            if not any(c.strip() for c in cells):
                continue
            if len(cells) > len(columns) and any(c.strip() for c in cells[len(columns) :]):
                report.error(
                    "INPUT-ROW",
                    f"this row has {len(cells)} cells but the header has {len(columns)} columns (an unquoted comma?)",
                    Location(file=str(path), row=row_number),
                )
                continue
            yield (
                row_number,
                {col: cell.strip() for col, cell in zip(columns, cells, strict=False) if col},
            )
    except csv.Error as exc:
        raise InputError(f"{path}: row {row_number + 1} cannot be read as CSV ({exc})") from None


def _check_columns(path: Path, columns: list[str], report: Report) -> None:
    seen: set[str] = set()
    duplicates = {c for c in columns if c and (c in seen or seen.add(c))}  # type: ignore[func-returns-value]
    if duplicates:
        raise InputError(f"{path}: the header repeats {', '.join(sorted(duplicates))}")
    missing = [c for c in REQUIRED if c not in seen]
    if missing:
        raise InputError(
            f"{path}: the header lacks the required column(s) {', '.join(missing)}",
            hint=f"the required columns are {', '.join(REQUIRED)} (see docs/input-format.md)",
        )
    for column in columns:
        if column and column not in COLUMNS:
            report.warn(
                "INPUT-COLUMN",
                f"column {column!r} is not one edi837 reads; it is ignored (a typo?)",
                Location(file=str(path), row=1, column=column),
            )


def _json_rows(path: Path, text: str, report: Report) -> Iterator[tuple[int, dict[str, str]]]:
    try:
        data = json.loads(text, parse_float=Decimal, parse_int=Decimal)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path} is not valid JSON: {exc.msg} at line {exc.lineno}") from None
    if isinstance(data, dict) and "records" in data:
        data = data["records"]
    if not isinstance(data, list):
        raise InputError(f'{path}: expected a list of records (or {{"records": [...]}})')
    if not data:
        raise InputError(f"{path} holds no service records", hint="give a list of record objects")
    columns: set[str] = set()
    for item in data:
        if isinstance(item, dict):
            columns.update(normalize_header(k) for k in item)
    _check_columns(path, sorted(columns), report)
    for index, item in enumerate(data, 1):
        if not isinstance(item, dict):
            report.error(
                "INPUT-ROW", "each record must be an object", Location(file=str(path), row=index)
            )
            continue
        yield index, {normalize_header(k): _json_cell(v) for k, v in item.items()}


def _json_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Y" if value else "N"
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    return str(value).strip()


def read_records(path: Path, report: Report) -> list[ServiceRecord]:
    """Every readable record of the file; problems go to ``report``."""
    text = _decode(path)
    rows: Iterable[tuple[int, dict[str, str]]]
    if path.suffix.lower() == ".json" or text.lstrip().startswith(("[", "{")):
        rows = _json_rows(path, text, report)
    else:
        rows = _csv_rows(path, text, report)
    records: list[ServiceRecord] = []
    seen_any = False
    name = str(path)
    for number, cells in rows:
        seen_any = True
        record = _parse(_Row(cells, number, name, report))
        if record is not None:
            records.append(record)
    if not seen_any:
        raise InputError(
            f"{path} has a header but no service records",
            hint="export the month's service records below the header row",
        )
    _check_consistency(records, name, report)
    return records


_MEMBER_FIELDS: tuple[tuple[str, Callable[[ServiceRecord], object]], ...] = (
    ("member_last_name", lambda r: r.member_last_name),
    ("member_first_name", lambda r: r.member_first_name),
    ("member_dob", lambda r: r.member_dob),
    ("member_sex", lambda r: r.member_sex),
    ("enrollment_date", lambda r: r.enrollment_date),
)


def _check_consistency(records: list[ServiceRecord], file: str, report: Report) -> None:
    """One member, one identity: a second name or birth date for the same ID is a data error."""
    first_seen: dict[str, ServiceRecord] = {}
    record_ids: dict[str, int] = {}
    for record in records:
        if record.record_id:
            if record.record_id in record_ids:
                report.error(
                    "INPUT-RECORD-ID",
                    f"record_id {record.record_id!r} is also on row {record_ids[record.record_id]}",
                    Location(
                        file=file, row=record.row, column="record_id", record_id=record.record_id
                    ),
                )
            else:
                record_ids[record.record_id] = record.row
        earlier = first_seen.setdefault(record.member_id, record)
        if earlier is record:
            continue
        for column, get in _MEMBER_FIELDS:
            mine, theirs = get(record), get(earlier)
            if column == "enrollment_date" and (mine is None or theirs is None):
                continue
            if mine != theirs:
                report.error(
                    "INPUT-MEMBER",
                    f"{column} differs from row {earlier.row} for the same member_id {phi.member_id(record.member_id)}",
                    Location(
                        file=file, row=record.row, column=column, record_id=record.record_id or None
                    ),
                )
        if (
            record.address is not None
            and earlier.address is not None
            and record.address != earlier.address
        ):
            report.error(
                "INPUT-MEMBER",
                f"the member address differs from row {earlier.row} for the same member_id {phi.member_id(record.member_id)}",
                Location(
                    file=file,
                    row=record.row,
                    column="member_address1",
                    record_id=record.record_id or None,
                ),
            )
