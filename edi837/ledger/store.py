"""Opening the ledger, its transactions and its counters."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from edi837.errors import LedgerError
from edi837.ledger.schema import MIGRATIONS, SCHEMA_VERSION
from edi837.outputs import private_folder

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
        self.created = False  # this run made the file (a build reports it)
        if not path.exists():
            if not create:
                raise LedgerError(
                    f"there is no ledger at {path}",
                    hint="pass --ledger with the ledger your builds used",
                )
            self.created = _create(path)
        elif path.is_file() and path.stat().st_size == 0:
            # SQLite would take an empty file for a new database and number from 1 again; a
            # ledger never is empty (see _create), so this one was truncated or replaced.
            raise LedgerError(
                f"{path} is empty: it is not a ledger (an edi837 ledger is never empty)",
                hint="restore the ledger from a backup; if you meant to start a new one, remove "
                "the empty file first",
            )
        elif not path.is_file():
            raise LedgerError(f"{path} is not a file, so it cannot be a ledger")
        try:
            self.db = sqlite3.connect(path, timeout=30, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            raise LedgerError(f"cannot open the ledger {path}: {exc}") from None
        self.db.row_factory = sqlite3.Row
        try:
            self.db.execute("PRAGMA foreign_keys = ON")
            self.db.execute("PRAGMA synchronous = FULL")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            self.db.close()
            raise LedgerError(f"{path} is not an edi837 ledger, or it is damaged ({exc})") from None
        except BaseException:
            self.db.close()
            raise

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- schema ---------------------------------------------------------------------------------
    def _version(self) -> int:
        tables = {
            row[0] for row in self.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        if not tables:
            return 0
        if "meta" not in tables:
            raise LedgerError(f"{self.path} is a SQLite file but not an edi837 ledger")
        row = self.db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        app = self.db.execute("SELECT value FROM meta WHERE key = 'application'").fetchone()
        if row is None or app is None or app[0] != APP_ID:
            raise LedgerError(f"{self.path} is a SQLite file but not an edi837 ledger")
        try:
            return int(row[0])
        except (TypeError, ValueError):
            raise LedgerError(
                f"{self.path}: its schema version {str(row[0])[:20]!r} is not a number; the ledger is damaged",
                hint="restore the ledger from a backup",
            ) from None

    def _migrate(self) -> None:
        version = self._version()
        if version == SCHEMA_VERSION:
            return
        if version > SCHEMA_VERSION:
            raise LedgerError(
                f"{self.path} was written by a newer edi837 (schema {version}; this one knows {SCHEMA_VERSION})",
                hint="upgrade edi837",
            )
        # Take the write lock first, then look again: another process may have migrated (or
        # created) the ledger while we waited.
        with self.write():
            version = self._version()
            if version >= SCHEMA_VERSION:
                return
            for step in range(version + 1, SCHEMA_VERSION + 1):
                for statement in _statements(MIGRATIONS[step]):
                    self.db.execute(statement)
            now = datetime.now(UTC).isoformat(timespec="seconds")
            self.db.execute("INSERT OR REPLACE INTO meta VALUES ('application', ?)", (APP_ID,))
            self.db.execute(
                "INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)
            )
            self.db.execute("INSERT OR IGNORE INTO meta VALUES ('created_at', ?)", (now,))
            if version >= 1:
                # an older ledger: what counts as billed is computed anew from its events
                from edi837.ledger.events import refresh

                refresh(self, None)

    # -- transactions ---------------------------------------------------------------------------
    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken at once (BEGIN IMMEDIATE) so that two builds cannot
        interleave; rolled back on any exception."""
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise LedgerError(_write_problem(self.path, exc)) from None
        try:
            yield self.db
        except sqlite3.OperationalError as exc:
            with contextlib.suppress(sqlite3.Error):
                self.db.execute("ROLLBACK")
            if _is_storage_problem(exc):
                raise LedgerError(_write_problem(self.path, exc)) from None
            raise
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                self.db.execute("ROLLBACK")
            raise
        try:
            self.db.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            with contextlib.suppress(sqlite3.Error):
                self.db.execute("ROLLBACK")
            raise LedgerError(_write_problem(self.path, exc)) from None

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


_STORAGE_WORDS = ("readonly", "read-only", "full", "locked", "busy", "disk i/o", "malformed")


def _is_storage_problem(exc: sqlite3.Error) -> bool:
    """The disk or the file, not our SQL: a read-only or full disk, a lock, a damaged file."""
    text = str(exc).lower()
    return any(word in text for word in _STORAGE_WORDS)


def _write_problem(path: Path, exc: sqlite3.Error) -> str:
    text = str(exc)
    if "readonly" in text or "read-only" in text:
        return f"the ledger {path} is read-only: edi837 cannot record anything in it"
    if "full" in text:
        return f"the disk holding the ledger {path} is full: nothing was recorded"
    if "locked" in text or "busy" in text:
        return f"the ledger {path} is busy ({text}); is another edi837 running?"
    return f"the ledger {path} cannot be written ({text})"


def _create(path: Path) -> bool:
    """Create a new, empty ledger atomically: built beside its place, then linked into it, so no
    process ever sees a half-made (or 0-byte) ledger. False when another process won the race.
    The folder is created 0700 and the file 0600: the ledger holds member data."""
    private_folder(path.parent)
    temp = path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}.creating")
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.fchmod(fd, 0o600)
        os.close(fd)
        db = sqlite3.connect(temp, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("BEGIN IMMEDIATE")
            for step in range(1, SCHEMA_VERSION + 1):
                for statement in _statements(MIGRATIONS[step]):
                    db.execute(statement)
            now = datetime.now(UTC).isoformat(timespec="seconds")
            db.execute("INSERT INTO meta VALUES ('application', ?)", (APP_ID,))
            db.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
            db.execute("INSERT INTO meta VALUES ('created_at', ?)", (now,))
            db.execute("COMMIT")
        finally:
            db.close()
        try:
            os.link(temp, path)
        except FileExistsError:
            return False
        return True
    except (OSError, sqlite3.Error) as exc:
        raise LedgerError(f"cannot create the ledger {path}: {exc}") from None
    finally:
        for leftover in (
            temp,
            temp.with_name(temp.name + "-wal"),
            temp.with_name(temp.name + "-shm"),
        ):
            with contextlib.suppress(OSError):
                leftover.unlink()


def _statements(script: str) -> list[str]:
    """Split a DDL script on ';' (ours has no ';' inside strings) so each runs in our transaction:
    sqlite3's executescript would commit first."""
    body = "\n".join(line.split("--", 1)[0] for line in script.splitlines())
    return [s.strip() for s in body.split(";") if s.strip()]
