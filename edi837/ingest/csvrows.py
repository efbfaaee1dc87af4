"""CSV text as records, each with the line it starts on, and the damage a spreadsheet user can
do to a CSV found and named: a quote left open, a file separated by semicolons or tabs.

One unbalanced quote makes every CSV reader take the rest of the file (or everything up to the
next quote) as one cell. Such a cell is never quoted back, since it holds other rows' member
data: the record is flagged with the line and column where the quote opened.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator

import attrs

from edi837.errors import InputError

# csv's own cap on one cell (131,072 characters): only a runaway quote reaches it
FIELD_LIMIT = csv.field_size_limit()


@attrs.frozen(slots=True)
class CsvRecord:
    line: int  # the line it starts on (1 = the first line of the file)
    cells: list[str]
    end_line: int
    runaway: int | None = None  # the cell a quote opened in and did not close on its line


class _Lines:
    """The file's lines for csv.reader, counted, remembering the first line of each record."""

    def __init__(self, text: str) -> None:
        self._lines = iter(io.StringIO(text, newline=""))
        self.number = 0
        self.first: str | None = None

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.number += 1
        if self.first is None:
            self.first = line
        return line


def _opened_in(first_line: str) -> int:
    """The cell of ``first_line`` whose quote does not close on it: the line's last cell."""
    return max(len(next(csv.reader([first_line]), [""])) - 1, 0)


def csv_records(
    text: str, source: str, *, comments: bool = False, delimiter: str = ","
) -> Iterator[CsvRecord]:
    """Every record of ``text`` that has a non-blank cell (comment lines skipped when
    ``comments``: a first cell starting with ``#``). A runaway quote that reaches csv's cell
    limit cannot be read past: :class:`InputError` says where it opened."""
    lines = _Lines(text)
    reader = csv.reader(lines, delimiter=delimiter)
    while True:
        lines.first = None
        start = lines.number + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            column = _opened_in(lines.first or "")
            raise InputError(
                f'{source}: line {start}, cell {column + 1}: a quote (") opens here and is never '
                f"closed, so the rest of the file is read as this one cell ({exc})",
                hint="close the quote, or remove it; then export the file again",
            ) from None
        if not any(c.strip() for c in cells):
            continue
        if comments and cells[0].lstrip().startswith("#"):
            continue
        runaway = None
        if lines.number > start:
            runaway = next((i for i, c in enumerate(cells) if "\n" in c or "\r" in c), None)
        yield CsvRecord(start, cells, lines.number, runaway)


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
