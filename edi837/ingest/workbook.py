"""An Excel workbook (.xlsx, .xlsm, .xls) or OpenDocument sheet (.ods) given as records: its
first worksheet read as rows of text, with python-calamine (docs/decisions/0005-*).

Cells come typed: a date cell is a date (so a workbook never has the M/D/YYYY question a CSV
export has), a number is a float. Each is turned into the text a CSV export would hold, so the
same cell parsers read both: dates as YYYY-MM-DD, whole numbers without ".0", other numbers in
their shortest exact form, TRUE/FALSE as Y/N.
"""

from __future__ import annotations

import io
import math
import zipfile
from datetime import date, datetime, time, timedelta

import attrs

from edi837.errors import InputError

# Uncompressed size we are willing to expand (a 100,000-record sheet is about 80 MB): a zip
# bomb is refused before anything is decompressed.
MAX_EXPANDED = 1 << 30
_FLOAT_DIGITS = 15  # a float holds 15 significant digits exactly; beyond, it is not our number

Cell = int | float | str | bool | time | date | datetime | timedelta


@attrs.frozen
class Sheet:
    rows: list[tuple[int, list[str]]]  # (spreadsheet row, cells as text)
    sheets: int  # how many visible worksheets the workbook has


def cell_text(value: Cell) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "Y" if value else "N"
    if isinstance(value, datetime):
        return value.date().isoformat()  # the 837P carries dates, never times
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer() and abs(value) < 10**_FLOAT_DIGITS:
            return str(int(value))
        return repr(value)  # shortest exact form; inf, nan and 1e+20 are then refused as numbers
    return str(value)


def _check_expansion(path: str, raw: bytes) -> None:
    if not raw.startswith(b"PK"):
        return  # .xls is not a zip
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            expanded = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise InputError(
            f"{path} looks like an Excel workbook but is damaged (not a readable zip)",
            hint="open it in Excel and save it again, or save it as CSV UTF-8",
        ) from None
    if expanded > MAX_EXPANDED:
        raise InputError(
            f"{path} would expand to {expanded:,} bytes, more than a records workbook can be",
            hint="save the sheet as CSV UTF-8 instead",
        )


def read_sheet(path: str, raw: bytes) -> Sheet:
    """The first visible worksheet of the workbook in ``raw``, or :class:`InputError`."""
    from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

    _check_expansion(path, raw)
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(raw))
        visible = [
            i
            for i, meta in enumerate(book.sheets_metadata)
            if meta.typ == SheetTypeEnum.WorkSheet and meta.visible == SheetVisibleEnum.Visible
        ]
        if not visible:
            raise InputError(f"{path} is a workbook with no visible worksheet")
        sheet = book.get_sheet_by_index(visible[0])
        first_row = (sheet.start or (0, 0))[0] + 1
        rows = [
            (first_row + offset, [cell_text(c).strip() for c in values])
            for offset, values in enumerate(sheet.iter_rows())
        ]
    except InputError:
        raise
    except Exception as exc:  # calamine's errors (zip, XML, password, format) and any other
        raise InputError(
            f"{path} cannot be read as a workbook ({type(exc).__name__})",
            hint="open it in Excel and save it again, or save it as CSV UTF-8",
        ) from None
    return Sheet(rows, len(visible))
