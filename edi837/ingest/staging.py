"""Records set aside by member, so a batch is checked and built one group of members at a time
and never held whole (issue 12: a million records in the memory of a hundred thousand).

Every rule is per member (docs/rules.md), and claims are grouped and written member by member,
so the rows are read once into a private SQLite database (an anonymous one: SQLite creates it
in the temporary directory and removes it when closed, and nothing else can open it by name),
keyed by member ID and row, then read back member by member. What a row holds is its cells as
the header read them (marshal: the cells are plain strings, and it is the quickest exact
round trip the standard library has). A file's rows nearly always have the same columns in the
same order, so a row is stored as its values alone, the column names once (a row with other
columns keeps its names); and a file already in member order (most exports) is read back in
the order it was written, with no index to build.

A record ID must be unique across the whole file, which no one member can tell: the parsed
records' IDs are noted here and the repeats found in one query at the end.
"""

from __future__ import annotations

import marshal
import sqlite3
from collections.abc import Iterator
from types import TracebackType

_FLUSH = 10_000  # rows inserted at a time


class RecordStage:
    """The rows of one records file, by member."""

    def __init__(self) -> None:
        self.db = sqlite3.connect("", isolation_level=None)
        self.db.execute("PRAGMA journal_mode = OFF")
        self.db.execute("PRAGMA synchronous = OFF")
        self.db.execute("PRAGMA cache_size = -16384")  # 16 MiB of pages; the rest on disk
        self.db.execute(
            "CREATE TABLE rows (member TEXT NOT NULL, row INTEGER NOT NULL, cells BLOB)"
        )
        self.db.execute("CREATE TABLE ids (record_id TEXT NOT NULL, row INTEGER NOT NULL)")
        self.db.execute("BEGIN")
        self._rows: list[tuple[str, int, bytes]] = []
        self._ids: list[tuple[str, int]] = []
        self.count = 0
        # the columns of the first row: a row with these, in this order, is stored as a tuple
        # of its values (a row with others as its dict: marshal tells the two apart)
        self._columns: tuple[str, ...] | None = None
        self._last: tuple[str, int] | None = None  # the last (member, row) added
        self._sorted = True  # added in (member, row) order so far: no index needed to read back

    def add(self, member: str, row: int, cells: dict[str, str]) -> None:
        columns = tuple(cells)
        if self._columns is None:
            self._columns = columns
        key = (member, row)
        if self._sorted and self._last is not None and key < self._last:
            self._sorted = False
        self._last = key
        stored = tuple(cells.values()) if columns == self._columns else cells
        self._rows.append((member, row, marshal.dumps(stored)))
        self.count += 1
        if len(self._rows) >= _FLUSH:
            self._flush_rows()

    def _flush_rows(self) -> None:
        self.db.executemany("INSERT INTO rows VALUES (?, ?, ?)", self._rows)
        self._rows.clear()

    def by_member(self) -> Iterator[list[tuple[int, dict[str, str]]]]:
        """Each member's rows, (row, cells) in row order; members in ID order (the order of
        the claims in the file)."""
        self._flush_rows()
        if self._sorted:  # the rows went in in (member, row) order: that is the rowid order
            query = "SELECT member, row, cells FROM rows ORDER BY rowid"
        else:
            self.db.execute("CREATE INDEX rows_by_member ON rows (member, row)")
            query = "SELECT member, row, cells FROM rows ORDER BY member, row"
        # its own connection's cursor reads while note_id() inserts: a second cursor is enough
        cursor = self.db.execute(query)
        current: str | None = None
        group: list[tuple[int, dict[str, str]]] = []
        loads = marshal.loads
        columns = self._columns or ()
        for member, row, cells in cursor:
            if member != current and group:
                yield group
                group = []
            current = member
            stored = loads(cells)
            if type(stored) is tuple:  # a row of the first row's columns: its values alone
                stored = dict(zip(columns, stored, strict=True))
            group.append((row, stored))
        if group:
            yield group

    def note_id(self, record_id: str, row: int) -> None:
        """A parsed record's ID, for :meth:`repeated_ids`."""
        self._ids.append((record_id, row))
        if len(self._ids) >= _FLUSH:
            self._flush_ids()

    def _flush_ids(self) -> None:
        self.db.executemany("INSERT INTO ids VALUES (?, ?)", self._ids)
        self._ids.clear()

    def repeated_ids(self) -> Iterator[tuple[str, int, int]]:
        """(record ID, row, the first row with that ID) for every row but the first that
        holds an ID, in row order."""
        self._flush_ids()
        yield from self.db.execute(
            "SELECT record_id, row, first FROM (SELECT record_id, row, MIN(row) OVER "
            "(PARTITION BY record_id) AS first, COUNT(*) OVER (PARTITION BY record_id) AS n "
            "FROM ids) WHERE n > 1 AND row > first ORDER BY row"
        )

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> RecordStage:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
