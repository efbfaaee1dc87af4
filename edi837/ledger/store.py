"""Opening the ledger, its transactions and its counters."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from edi837.errors import LedgerError
from edi837.ledger.schema import MIGRATIONS, SCHEMA_VERSION

APP_ID = "edi837-ledger"
# X12 limits: ISA13 and GS06 are at most 9 digits; ST02 is 4 to 9 characters.
COUNTER_LIMITS = {
    "isa13": 999_999_999,
    "gs06": 999_999_999,
    "st02": 999_999_999,
    "claim": 99_999_999,
}


def default_ledger_path() -> Path:
    """``$EDI837_LEDGER``, else ``$XDG_DATA_HOME/edi837/ledger.sqlite`` (~/.local/share/...).

    One ledger per provider, in one place: two ledgers would hand out the same control numbers.
    """
    env = os.environ.get("EDI837_LEDGER")
    if env:
        return Path(env)
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "edi837" / "ledger.sqlite"


class Ledger:
    """A connection to one ledger file. Use :meth:`write` for every change (one transaction)."""

    def __init__(self, path: Path, *, create: bool = True) -> None:
        self.path = path
        if not path.exists() and not create:
            raise LedgerError(
                f"there is no ledger at {path}",
                hint="pass --ledger with the ledger your builds used",
            )
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(path, timeout=30, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            raise LedgerError(f"cannot open the ledger {path}: {exc}") from None
        self.db.row_factory = sqlite3.Row
        try:
            self.db.execute("PRAGMA foreign_keys = ON")
            self.db.execute("PRAGMA journal_mode = WAL")
            self.db.execute("PRAGMA synchronous = FULL")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            self.db.close()
            raise LedgerError(f"{path} is not an edi837 ledger ({exc})") from None

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- schema ---------------------------------------------------------------------------------
    def _migrate(self) -> None:
        tables = {
            row[0] for row in self.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        if not tables:
            version = 0
        elif "meta" not in tables:
            raise LedgerError(f"{self.path} is a SQLite file but not an edi837 ledger")
        else:
            row = self.db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            app = self.db.execute("SELECT value FROM meta WHERE key = 'application'").fetchone()
            if row is None or app is None or app[0] != APP_ID:
                raise LedgerError(f"{self.path} is a SQLite file but not an edi837 ledger")
            version = int(row[0])
        if version > SCHEMA_VERSION:
            raise LedgerError(
                f"{self.path} was written by a newer edi837 (schema {version}; this one knows {SCHEMA_VERSION})",
                hint="upgrade edi837",
            )
        if version == SCHEMA_VERSION:
            return
        with self.write():
            for step in range(version + 1, SCHEMA_VERSION + 1):
                for statement in _statements(MIGRATIONS[step]):
                    self.db.execute(statement)
            now = datetime.now(UTC).isoformat(timespec="seconds")
            self.db.execute("INSERT OR REPLACE INTO meta VALUES ('application', ?)", (APP_ID,))
            self.db.execute(
                "INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)
            )
            self.db.execute("INSERT OR IGNORE INTO meta VALUES ('created_at', ?)", (now,))

    # -- transactions ---------------------------------------------------------------------------
    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken at once (BEGIN IMMEDIATE) so that two builds cannot
        interleave; rolled back on any exception."""
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise LedgerError(
                f"the ledger {self.path} is busy ({exc}); is another edi837 running?"
            ) from None
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        else:
            self.db.execute("COMMIT")

    # -- counters -------------------------------------------------------------------------------
    def allocate(self, name: str, count: int = 1) -> list[int]:
        """The next ``count`` values of a counter. Must run inside :meth:`write`, so a failed
        build gives them back and a successful one never hands them out again."""
        if not self.db.in_transaction:
            raise LedgerError("control numbers are allocated inside a ledger transaction only")
        row = self.db.execute("SELECT value FROM counters WHERE name = ?", (name,)).fetchone()
        last = row[0] if row else 0
        limit = COUNTER_LIMITS.get(name, 999_999_999)
        if last + count > limit:
            raise LedgerError(f"the {name} counter would pass its limit {limit}")
        self.db.execute(
            "INSERT INTO counters (name, value) VALUES (?, ?) "
            "ON CONFLICT(name) DO UPDATE SET value = excluded.value",
            (name, last + count),
        )
        return list(range(last + 1, last + count + 1))


def _statements(script: str) -> list[str]:
    """Split a DDL script on ';' (ours has no ';' inside strings) so each runs in our transaction:
    sqlite3's executescript would commit first."""
    body = "\n".join(line.split("--", 1)[0] for line in script.splitlines())
    return [s.strip() for s in body.split(";") if s.strip()]
