"""Read service records (CSV, JSON, or an Excel workbook) into typed :class:`ServiceRecord`s.

The file as a whole must be readable (text or a workbook, a header whose columns edi837 can
read, at least one row); otherwise :class:`InputError`, listing every header problem at once
with "did you mean". A misspelled column stops the file before any row is checked: every
finding after it would follow from the lost values and mislead. Problems in individual cells
are collected as issues with the spreadsheet row (the header is row 1) and the column (see
:mod:`edi837.ingest.cells`), so the user sees every problem in one run. A row with an error
yields no record.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

from edi837 import phi, progress
from edi837.errors import InputError
from edi837.ingest.cells import Dates, parse_row
from edi837.ingest.columns import (
    COLUMNS,
    RECORDS,
    REQUIRED,
    Header,
    normalize_header,
    read_header,
)
from edi837.ingest.csvrows import csv_records, other_separator
from edi837.ingest.staging import RecordStage
from edi837.ingest.textfile import (
    SAVE_AS_CSV,
    check_text,
    decode,
    is_workbook,
    open_text,
    read_bytes,
    read_head,
)
from edi837.ingest.workbook import read_sheet
from edi837.issues import Location, Report
from edi837.model.records import DateFormat, ServiceRecord

__all__ = ["COLUMNS", "REQUIRED", "normalize_header", "read_records"]

WHAT = "the records file"
# (row, its cells); None for a row already reported as unreadable (it is a row all the same)
Rows = Iterator[tuple[int, dict[str, str] | None]]
Again = Callable[[], TextIO] | None  # the CSV text opened again, to quote a line in an error


def _refuse(path: Path, header: Header, names: str = "the header row") -> None:
    if header.problems:
        listing = "\n".join(f"  - {p}" for p in header.problems)
        raise InputError(
            f"{path}: {len(header.problems)} problem(s) in {names}:\n{listing}",
            hint="rename them; docs/input-format.md lists the columns and the other names "
            "accepted for them",
        )


def _warn_unread(path: Path, header: Header, report: Report, row: int = 1) -> None:
    for name, message in header.notes:
        report.warn(
            "INPUT-COLUMN", message, Location(file=str(path), row=row, column=name.strip()[:60])
        )


def _is_column(name: str) -> bool:
    return RECORDS.column_for(normalize_header(name)) is not None


# -- CSV ------------------------------------------------------------------------------------------


def _csv_rows(path: Path, text: str | TextIO, report: Report, again: Again = None) -> Rows:
    records = csv_records(text, str(path), again=again)
    first = next(records, None)
    if first is None:
        raise InputError(f"{WHAT} {path} is empty", hint="export it with a header row")
    separator = other_separator(first.cells, _is_column)
    if separator is not None:
        raise InputError(f"{path} is separated by {separator}, not commas", hint=SAVE_AS_CSV)
    header = read_header(first.cells)
    _refuse(path, header)
    _warn_unread(path, header, report, first.line)
    width = len(header.columns)
    for record in records:
        cells = record.cells
        if record.runaway is not None:
            column = (
                header.columns[record.runaway] if record.runaway < width else None
            ) or f"cell {record.runaway + 1}"
            report.error(
                "INPUT-QUOTE",
                f'a quote (") opens in this cell and does not close on its line, so lines '
                f"{record.line:,}-{record.end_line:,} were read as this one cell and are not "
                "checked: close the quote (or remove it) and export again",
                Location(file=str(path), row=record.line, column=column),
            )
            yield record.line, None
            continue
        if len(cells) > width and any(cells[width:]):
            report.error(
                "INPUT-ROW",
                f"this row has {len(cells)} cells but the header has {width} columns (an unquoted comma?)",
                Location(file=str(path), row=record.line),
            )
            yield record.line, None
            continue
        yield record.line, header.cells(cells)


# -- Excel ----------------------------------------------------------------------------------------


def _workbook_rows(path: Path, raw: bytes, report: Report, step: progress.Task) -> Rows:
    sheet = read_sheet(str(path), raw)
    step.expect(len(sheet.rows))
    rows = iter(r for r in sheet.rows if any(r[1]))
    first = next(rows, None)
    if first is None:
        raise InputError(f"{WHAT} {path} is a workbook with an empty first sheet")
    header_row, names = first
    header = read_header(names)
    _refuse(path, header)
    _warn_unread(path, header, report, header_row)
    if sheet.sheets > 1:
        report.warn(
            "INPUT-SHEET",
            f"the workbook has {sheet.sheets} sheets: only the first was read",
            Location(file=str(path)),
        )
    for number, cells in rows:
        yield number, header.cells(cells)


# -- JSON -----------------------------------------------------------------------------------------


def _json_text(value: Any) -> str | None:
    """A scalar as the text a CSV cell would hold; None for what no cell can hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Y" if value else "N"
    if isinstance(value, Decimal):
        # plain digits for any sane number; an absurd exponent stays as written, to be refused
        return format(value, "f") if abs(value.adjusted()) <= 40 else str(value)
    if isinstance(value, str):
        return value.strip()
    return None


def _json_cell(value: Any) -> str | None:
    if isinstance(value, list):
        parts = [_json_text(v) for v in value]
        if any(p is None for p in parts):
            return None
        return ";".join(p for p in parts if p)
    return _json_text(value)


def _no_constants(name: str) -> str:
    return name  # NaN and Infinity read as the words they are (refused where a number is due)


def _json_rows(path: Path, text: str, report: Report, step: progress.Task) -> Rows:
    try:
        data = json.loads(
            text, parse_float=Decimal, parse_int=Decimal, parse_constant=_no_constants
        )
    except json.JSONDecodeError as exc:
        raise InputError(f"{path} is not valid JSON: {exc.msg} at line {exc.lineno}") from None
    except RecursionError:
        raise InputError(
            f"{path} is nested too deeply to be a list of records",
            hint='give a list of flat record objects (or {"records": [...]})',
        ) from None
    if isinstance(data, dict) and "records" in data:
        data = data["records"]
    if not isinstance(data, list):
        raise InputError(f'{path}: expected a list of records (or {{"records": [...]}})')
    if not data:
        raise InputError(f"{path} holds no service records", hint="give a list of record objects")
    step.expect(len(data))
    keys = list(dict.fromkeys(k for item in data if isinstance(item, dict) for k in item))
    header = read_header(keys)
    _refuse(path, header, "the records' field names")
    _warn_unread(path, header, report)
    position = {key: index for index, key in enumerate(keys)}
    for index, item in enumerate(data, 1):
        where = Location(file=str(path), row=index)
        if not isinstance(item, dict):
            report.error("INPUT-ROW", "each record must be an object", where)
            yield index, None
            continue
        values = [""] * len(keys)
        bad = []
        for key, value in item.items():
            cell = _json_cell(value)
            if cell is None:
                bad.append(header.columns[position[key]] or key.strip()[:60])
            else:
                values[position[key]] = cell
        if bad:
            for column in bad:
                report.error(
                    "INPUT-ROW",
                    "this field holds a JSON object or a nested list; give text, a number, or "
                    "a list of codes",
                    Location(file=str(path), row=index, column=column),
                )
            yield index, None
            continue
        yield index, header.cells(values)


# -- the file -------------------------------------------------------------------------------------


def read_records(
    path: Path,
    report: Report,
    *,
    date_format: DateFormat = DateFormat.ISO,
    name: str | None = None,
) -> list[ServiceRecord]:
    """Every readable record of the file, held at once, in row order (a batch is read member
    by member instead: :func:`stage_records`, :func:`parse_members`); problems go to ``report``.
    ``name`` is what messages call the file when it is not its path (``<stdin>`` for records
    piped in)."""
    with RecordStage() as stage:
        file = stage_records(path, report, stage, name=name)
        records = [
            record
            for members in parse_members(stage, file, report, Dates(file, date_format))
            for record in members
        ]
    return sorted(records, key=lambda record: record.row)


def stage_records(path: Path, report: Report, stage: RecordStage, *, name: str | None) -> str:
    """Read the file's rows into ``stage`` by member, nothing parsed yet (a CSV file streams
    and is never held whole); header and row problems go to ``report``. Returns what findings
    call the file."""
    shown = Path(name) if name is not None else path  # only ever printed, never opened
    head = read_head(path, WHAT)
    rows: Rows
    with progress.task("reading records", unit="row") as step, ExitStack() as opened:
        if is_workbook(head):
            rows = _workbook_rows(shown, read_bytes(path, WHAT), report, step)
        elif path.suffix.lower() == ".json" or _starts_json(head):
            rows = _json_rows(shown, decode(shown, read_bytes(path, WHAT), WHAT), report, step)
        else:
            step.expect(check_text(path, shown, WHAT, head))  # lines, less the header: near enough
            stream = opened.enter_context(open_text(path))
            rows = _csv_rows(shown, stream, report, lambda: open_text(path))
        seen_any = False
        for number, cells in rows:
            step.advance()
            seen_any = True
            if cells is not None:
                stage.add(cells.get("member_id", "").upper(), number, cells)
    if not seen_any:
        raise InputError(
            f"{shown} has a header but no service records",
            hint="export the month's service records below the header row",
        )
    return str(shown)


def _starts_json(head: bytes) -> bool:
    """Whether the text starts as JSON does (after a byte-order mark and blanks)."""
    text = head.decode("utf-8-sig", errors="ignore")
    return text.lstrip().startswith(("[", "{"))


def parse_members(
    stage: RecordStage, file: str, report: Report, dates: Dates
) -> Iterator[list[ServiceRecord]]:
    """Each member's records, in row order, members in ID order: the rows of ``stage``
    parsed, problems to ``report``. Once the last member is yielded, the file-wide findings
    follow (dates read ambiguously, a record ID used twice): read it to the end."""
    for rows in stage.by_member():
        records = []
        for number, cells in rows:
            record = parse_row(cells, number, file, report, dates)
            if record is not None:
                records.append(record)
                if record.record_id:
                    stage.note_id(record.record_id, record.row)
        if records:
            _check_member(records, file, report)
            yield records
    dates.report_to(report)
    for record_id, row, first in stage.repeated_ids():
        report.error(
            "INPUT-RECORD-ID",
            f"record_id {phi.quoted(record_id)} is also on row {first}",
            Location(file=file, row=row, column="record_id", record_id=record_id),
        )


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


def _check_member(records: list[ServiceRecord], file: str, report: Report) -> None:
    """One member, one identity: a second name or birth date for the same ID is a data error.
    ``records`` are one member's, in row order."""
    earlier = records[0]  # the staging key is the member ID as parsed: one member here
    known = _identity(earlier)
    for record in records[1:]:
        identity = _identity(record)
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
