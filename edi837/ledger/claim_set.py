"""A set of claim IDs kept in a TEMP table of the ledger's connection instead of in memory.

An import names as many claims as its 835s answer (a million in the growth bench), and the
claims it names are then refreshed and shown: held as a Python set, with the sorted JSON array
each reader made of it, they were most of the import's peak memory. Kept here, they cost a few
pages of SQLite's temporary store, and :class:`~edi837.ledger.events.EventReader` reads the
claims of such a set by joining its table (``event_rows.TABLE``), never listing them.

The table lives as long as the connection, and its rows belong to the transaction that wrote
them (rolled back with it): take a plain ``set()`` of it to keep the IDs past either.
"""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Iterable, Iterator, Set

_names = itertools.count(1)


class ClaimSet(Set[str]):
    """Claim IDs (as the ledger spells them) in a TEMP table; a read-only ``Set`` to its readers
    (compares equal to a ``set`` of the same IDs, iterates in claim-ID order)."""

    def __init__(self, db: sqlite3.Connection, ids: Iterable[str] = ()) -> None:
        self.db = db
        # one table per set, so two sets of one connection never share rows
        self.table = f"temp.claim_set_{next(_names)}"
        db.execute(f"CREATE TABLE {self.table} (claim_id TEXT PRIMARY KEY) WITHOUT ROWID")
        self.update(ids)

    def update(self, ids: Iterable[str]) -> None:
        self.db.executemany(
            f"INSERT OR IGNORE INTO {self.table} (claim_id) VALUES (?)", ((i,) for i in ids)
        )

    def add(self, claim_id: str) -> None:
        self.db.execute(f"INSERT OR IGNORE INTO {self.table} (claim_id) VALUES (?)", (claim_id,))

    def add_query(self, sql: str, params: Iterable[object] = ()) -> None:
        """Add the claim IDs a query selects (its first column), without reading them out."""
        self.db.execute(f"INSERT OR IGNORE INTO {self.table} (claim_id) {sql}", tuple(params))

    def drop(self) -> None:
        self.db.execute(f"DROP TABLE IF EXISTS {self.table}")

    @property
    def select(self) -> str:
        """The subquery of its IDs, for ``claim_id IN (...)``."""
        return f"SELECT claim_id FROM {self.table}"

    def __contains__(self, claim_id: object) -> bool:
        return (
            self.db.execute(
                f"SELECT 1 FROM {self.table} WHERE claim_id = ?", (claim_id,)
            ).fetchone()
            is not None
        )

    def __iter__(self) -> Iterator[str]:
        cursor = self.db.cursor()
        cursor.row_factory = None
        for (claim_id,) in cursor.execute(f"SELECT claim_id FROM {self.table} ORDER BY claim_id"):
            yield claim_id

    def __len__(self) -> int:
        return int(self.db.execute(f"SELECT count(*) FROM {self.table}").fetchone()[0])

    def __repr__(self) -> str:
        return f"ClaimSet({self.table}, {len(self)} claims)"
