"""Read the ``--tars`` CSV: tar_number, member_id, start_date, end_date, approved_codes."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

from edi837.errors import InputError
from edi837.ingest.columns import normalize_header
from edi837.issues import Location, Report
from edi837.model.identifiers import hcpcs_is_valid, modifier_is_valid
from edi837.rules.tars import Tar, TarList, tar_key

TAR_COLUMNS = ("tar_number", "member_id", "start_date", "end_date", "approved_codes")


def read_tars(path: Path, report: Report) -> TarList:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise InputError(f"cannot read the TAR list {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise InputError(
            f"the TAR list {path} is not UTF-8 text", hint="save it as 'CSV UTF-8'"
        ) from None
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows:
        raise InputError(f"the TAR list {path} is empty")
    header = [normalize_header(h) for h in rows[0]]
    missing = [c for c in TAR_COLUMNS if c not in header]
    if missing:
        raise InputError(
            f"the TAR list {path} lacks the column(s) {', '.join(missing)}",
            hint=f"columns: {', '.join(TAR_COLUMNS)}",
        )
    tars: list[Tar] = []
    name = str(path)
    for number, cells in enumerate(rows[1:], 2):
        if not any(c.strip() for c in cells):
            continue
        row = {col: cell.strip() for col, cell in zip(header, cells, strict=False)}

        def bad(column: str, message: str, number: int = number) -> None:
            report.error("INPUT-TAR-FILE", message, Location(file=name, row=number, column=column))

        ok = True
        for column in TAR_COLUMNS:
            if not row.get(column):
                bad(column, f"{column} is required")
                ok = False
        dates: dict[str, date] = {}
        for column in ("start_date", "end_date"):
            if row.get(column):
                try:
                    dates[column] = date.fromisoformat(row[column])
                except ValueError:
                    bad(column, f"{column} {row[column]!r} is not a date (YYYY-MM-DD)")
                    ok = False
        codes: set[str] = set()
        listed: list[str] = []
        for item in row.get("approved_codes", "").replace(",", " ").split():
            code, *mods = item.upper().replace(":", "-").split("-")
            if not hcpcs_is_valid(code) or not all(modifier_is_valid(m) for m in mods):
                bad("approved_codes", f"{item!r} is not CODE or CODE-MODIFIER (e.g. G9008-U1)")
                ok = False
                continue
            codes.add(tar_key(code, mods))
            listed.append("-".join((code, *mods)))
        if ok and dates["end_date"] < dates["start_date"]:
            bad("end_date", "end_date is before start_date")
            ok = False
        if ok:
            tars.append(
                Tar(
                    row=number,
                    tar_number=row["tar_number"].upper(),
                    member_id=row["member_id"].upper(),
                    start=dates["start_date"],
                    end=dates["end_date"],
                    codes=frozenset(codes),
                    listed=tuple(listed),
                )
            )
    return TarList(name, tuple(tars))
