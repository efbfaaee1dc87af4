"""Read the ``--tars`` list: tar_number, member_id, start_date, end_date, approved_codes.

CSV (lines starting with ``#`` are comments, as in the template ``edi837 init --tars`` writes)
or an Excel workbook, read like the records: the same header reading (aliases, "did you
mean"), the same dates (``--date-format``), the same care with a quote left open.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

from edi837 import phi
from edi837.errors import InputError
from edi837.ingest import limits
from edi837.ingest.columns import Vocabulary, read_header
from edi837.ingest.csvrows import csv_records
from edi837.ingest.dates import NumericDates, not_a_date, parse_date
from edi837.ingest.textfile import decode, is_workbook, read_bytes
from edi837.ingest.workbook import read_sheet
from edi837.issues import Location, Report
from edi837.model.identifiers import hcpcs_is_valid, modifier_is_valid
from edi837.model.records import DateFormat
from edi837.rules.tars import Tar, TarList, tar_key

TAR_COLUMNS = ("tar_number", "member_id", "start_date", "end_date", "approved_codes")
TARS = Vocabulary(
    TAR_COLUMNS,
    TAR_COLUMNS,
    {
        "tar_number": ("tar", "tar_no", "tar_id", "auth_number", "authorization_number"),
        "member_id": ("cin", "member_cin", "medi_cal_id"),
        "start_date": ("start", "from_date", "begin_date", "effective_date", "tar_start_date"),
        "end_date": ("end", "to_date", "through_date", "thru_date", "tar_end_date"),
        "approved_codes": ("codes", "approved_code", "approved_services", "procedure_codes"),
    },
)
WHAT = "the TAR list"
PLACEHOLDER = "REPLACE"


def _rows(path: Path, raw: bytes) -> Iterator[tuple[int, list[str]]]:
    if is_workbook(raw):
        yield from ((n, c) for n, c in read_sheet(str(path), raw).rows if any(c))
        return
    text = decode(path, raw, WHAT)
    for record in csv_records(text, f"{WHAT} {path}", comments=True):
        if record.runaway is not None:
            raise InputError(
                f'{WHAT} {path}: line {record.line:,}, cell {record.runaway + 1}: a quote (") '
                f"opens here and does not close on its line, so lines {record.line:,}-"
                f"{record.end_line:,} read as one cell",
                hint="close the quote, or remove it; then save the list again",
            )
        yield record.line, record.cells


def read_tars(path: Path, report: Report, *, date_format: DateFormat = DateFormat.ISO) -> TarList:
    rows = _rows(path, read_bytes(path, WHAT))
    first = next(rows, None)
    if first is None:
        raise InputError(
            f"{WHAT} {path} is empty", hint="`edi837 init --tars PATH` writes a template"
        )
    header_row, names = first
    header = read_header(names, TARS)
    if header.problems:
        listing = "\n".join(f"  - {p}" for p in header.problems)
        raise InputError(
            f"{WHAT} {path}: {len(header.problems)} problem(s) in the header row:\n{listing}",
            hint=f"columns: {', '.join(TAR_COLUMNS)} (docs/tars.md)",
        )
    for name, message in header.notes:
        report.warn(
            "INPUT-COLUMN", message, Location(file=str(path), row=header_row, column=name[:60])
        )
    name = str(path)
    numeric = NumericDates(name)
    tars: list[Tar] = []
    for number, values in rows:
        row = header.cells(values)

        def bad(column: str, message: str, number: int = number) -> None:
            report.error("INPUT-TAR-FILE", message, Location(file=name, row=number, column=column))

        if any(PLACEHOLDER in v.upper() for v in row.values()):
            # an unfilled template, like an unfilled profile, is refused whole: every line's
            # TAR check after it would only say the same thing
            raise InputError(
                f"{WHAT} {path}: row {number} still holds the template's example (REPLACE...)",
                hint="replace it with your approved TARs, or delete the row",
            )
        ok = True
        for column in TAR_COLUMNS:
            if not row.get(column):
                bad(column, f"{column} is required")
                ok = False
        tar_number, member_id = row.get("tar_number", ""), row.get("member_id", "").upper()
        if len(tar_number) > limits.REFERENCE:
            bad(
                "tar_number",
                f"tar_number is {len(tar_number):,} characters; at most {limits.REFERENCE}",
            )
            ok = False
        if member_id and not (member_id.isascii() and member_id.isalnum()):
            bad(
                "member_id",
                f"member_id {phi.quoted(member_id, sensitive=True)} may hold only letters and digits",
            )
            ok = False
        dates: dict[str, date] = {}
        for column in ("start_date", "end_date"):
            raw = row.get(column, "")
            if not raw:
                continue
            value = parse_date(raw, date_format)
            if value is not None:
                dates[column] = value
                continue
            ok = False
            if date_format is not DateFormat.ISO or not numeric.note(
                number, column, raw, sensitive=False
            ):
                bad(column, not_a_date(column, raw, date_format, sensitive=False))
        codes: set[str] = set()
        listed: list[str] = []
        for item in row.get("approved_codes", "").replace(",", " ").split():
            code, *mods = item.upper().replace(":", "-").split("-")
            if not hcpcs_is_valid(code) or not all(modifier_is_valid(m) for m in mods):
                bad(
                    "approved_codes",
                    f"{phi.quoted(item)} is not CODE or CODE-MODIFIER (e.g. G9008-U1)",
                )
                ok = False
                break  # one bad code says what the column should hold
            codes.add(tar_key(code, mods))
            listed.append("-".join((code, *mods)))
        if ok and dates["end_date"] < dates["start_date"]:
            bad("end_date", "end_date is before start_date")
            ok = False
        if ok:
            tars.append(
                Tar(
                    row=number,
                    tar_number=tar_number.upper(),
                    member_id=member_id,
                    start=dates["start_date"],
                    end=dates["end_date"],
                    codes=frozenset(codes),
                    listed=tuple(listed),
                )
            )
    numeric.report_to(report)
    return TarList(name, tuple(tars))
