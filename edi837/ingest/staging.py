"""Records set aside by member, so a batch is checked and built one group of members at a time
and never held whole (issue 12: a million records in the memory of a hundred thousand).

Every rule is per member (docs/rules.md), and claims are grouped and written member by member,
so the rows are read once into a private SQLite database (an anonymous one: SQLite creates it
in the temporary directory and removes it when closed, and nothing else can open it by name),
keyed by member ID and row, then read back member by member. What a row holds is its cells as
the header read them (marshal: the cells are plain strings, and it is the quickest exact
round trip the standard library has).

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

    def add(self, member: str, row: int, cells: dict[str, str]) -> None:
        self._rows.append((member, row, marshal.dumps(cells)))
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
        self.db.execute("CREATE INDEX rows_by_member ON rows (member, row)")
        # its own connection's cursor reads while note_id() inserts: a second cursor is enough
        cursor = self.db.execute("SELECT member, row, cells FROM rows ORDER BY member, row")
        current: str | None = None
        group: list[tuple[int, dict[str, str]]] = []
        loads = marshal.loads
        for member, row, cells in cursor:
            if member != current and group:
                yield group
                group = []
            current = member
            group.append((row, loads(cells)))
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
