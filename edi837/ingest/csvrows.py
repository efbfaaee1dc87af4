"""CSV text as records, each with the line it starts on, and the damage a spreadsheet user can
do to a CSV found and named: a quote left open, a file separated by semicolons or tabs.

One unbalanced quote makes every CSV reader take the rest of the file (or everything up to the
next quote) as one cell. Such a cell is never quoted back, since it holds other rows' member
data: the record is flagged with the line and column where the quote opened.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from typing import NamedTuple, TextIO

from edi837.errors import InputError

# csv's own cap on one cell (131,072 characters): only a runaway quote reaches it
FIELD_LIMIT = csv.field_size_limit()


class CsvRecord(NamedTuple):  # a tuple: one is made per row of a 100,000-row file
    line: int  # the line it starts on (1 = the first line of the file)
    cells: list[str]
    end_line: int
    runaway: int | None = None  # the cell a quote opened in and did not close on its line


def _line(lines: Iterable[str], number: int) -> str:
    """Line ``number`` (1-based) of ``lines``, as csv counts lines (only on the error path)."""
    for index, line in enumerate(lines, 1):
        if index == number:
            return line
    return ""


def _opened_in(first_line: str) -> int:
    """The cell of ``first_line`` whose quote does not close on it: the line's last cell."""
    return max(len(next(csv.reader([first_line]), [""])) - 1, 0)


def csv_records(
    text: str | TextIO,
    source: str,
    *,
    comments: bool = False,
    delimiter: str = ",",
    again: Callable[[], TextIO] | None = None,
) -> Iterator[CsvRecord]:
    """Every record of ``text`` (the text, or a stream of it opened with ``newline=""``) that
    has a non-blank cell, its cells trimmed (comment lines skipped when ``comments``: a first
    cell starting with ``#``). A runaway quote that reaches csv's cell limit cannot be read
    past: :class:`InputError` says where it opened (for a stream, read ``again`` to find it)."""
    if isinstance(text, str):
        lines: Iterable[str] = io.StringIO(text, newline="")
        again = lambda: io.StringIO(text, newline="")  # noqa: E731 (the text read again)
    else:
        lines = text
    reader = csv.reader(lines, delimiter=delimiter)
    strip = str.strip
    end = 0
    while True:
        start = end + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            line = ""
            if again is not None:
                with again() as stream:
                    line = _line(stream, start)
            column = _opened_in(line)
            raise InputError(
                f'{source}: line {start}, cell {column + 1}: a quote (") opens here and is never '
                f"closed, so the rest of the file is read as this one cell ({exc})",
                hint="close the quote, or remove it; then export the file again",
            ) from None
        end = reader.line_num
        trimmed = list(map(strip, cells))
        if not any(trimmed):
            continue
        if comments and trimmed[0].startswith("#"):
            continue
        runaway = None
        if end > start:  # a record over several lines: a quoted cell holds a line break
            runaway = next((i for i, c in enumerate(cells) if "\n" in c or "\r" in c), 0)
        yield CsvRecord(start, trimmed, end, runaway)


_SEPARATORS = ((";", "semicolons (;)"), ("\t", "tabs"))


def other_separator(header: list[str], is_column: Callable[[str], bool]) -> str | None:
    """The separator a header row is really written with, when it is not a comma: a header
    that names at most one known column with commas but several with ``;`` or tabs (Excel in a
    locale with decimal commas saves "CSV" with semicolons)."""
    if sum(map(is_column, header)) > 1:
        return None
    line = ",".join(header)
    for separator, name in _SEPARATORS:
        if sum(map(is_column, line.split(separator))) > 1:
            return name
    return None
