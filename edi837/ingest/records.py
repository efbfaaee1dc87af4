"""Read service records (CSV or JSON) into typed :class:`ServiceRecord` objects.

The file as a whole must be readable (UTF-8, a header, the required columns, at least one row);
otherwise :class:`InputError`, with what to do. Problems in individual cells are collected as
issues with the spreadsheet row (the header is row 1) and the column (see
:mod:`edi837.ingest.cells`), so the user sees every problem in one run. A row with an error
yields no record.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from edi837 import phi
from edi837.errors import InputError
from edi837.ingest.cells import parse_row
from edi837.ingest.columns import COLUMNS, REQUIRED, normalize_header
from edi837.issues import Location, Report
from edi837.model.records import ServiceRecord

__all__ = ["COLUMNS", "REQUIRED", "normalize_header", "read_records"]

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
        width = len(columns)
        for cells in reader:
            row_number += 1
            stripped = list(map(str.strip, cells))
            if not any(stripped):
                continue
            if len(stripped) > width and any(stripped[width:]):
                report.error(
                    "INPUT-ROW",
                    f"this row has {len(cells)} cells but the header has {width} columns (an unquoted comma?)",
                    Location(file=str(path), row=row_number),
                )
                continue
            yield row_number, dict(zip(columns, stripped, strict=False))
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
        record = parse_row(cells, number, name, report)
        if record is not None:
            records.append(record)
    if not seen_any:
        raise InputError(
            f"{path} has a header but no service records",
            hint="export the month's service records below the header row",
        )
    _check_consistency(records, name, report)
    return records


_MEMBER_COLUMNS = (
    "member_last_name",
    "member_first_name",
    "member_dob",
    "member_sex",
    "enrollment_date",
)


def _identity(record: ServiceRecord) -> tuple[object, ...]:
    return (
        record.member_last_name,
        record.member_first_name,
        record.member_dob,
        record.member_sex,
        record.enrollment_date,
    )


def _check_consistency(records: list[ServiceRecord], file: str, report: Report) -> None:
    """One member, one identity: a second name or birth date for the same ID is a data error."""
    first_seen: dict[str, tuple[ServiceRecord, tuple[object, ...]]] = {}
    record_ids: dict[str, int] = {}
    for record in records:
        if record.record_id:
            earlier_row = record_ids.setdefault(record.record_id, record.row)
            if earlier_row != record.row:
                report.error(
                    "INPUT-RECORD-ID",
                    f"record_id {record.record_id!r} is also on row {earlier_row}",
                    Location(
                        file=file, row=record.row, column="record_id", record_id=record.record_id
                    ),
                )
        identity = _identity(record)
        seen = first_seen.get(record.member_id)
        if seen is None:
            first_seen[record.member_id] = (record, identity)
            continue
        earlier, known = seen
        if identity != known:
            for column, mine, theirs in zip(_MEMBER_COLUMNS, identity, known, strict=True):
                if column == "enrollment_date" and (mine is None or theirs is None):
                    continue
                if mine != theirs:
                    report.error(
                        "INPUT-MEMBER",
                        f"{column} differs from row {earlier.row} for the same member_id {phi.member_id(record.member_id)}",
                        Location(
                            file=file,
                            row=record.row,
                            column=column,
                            record_id=record.record_id or None,
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
