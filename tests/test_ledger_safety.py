"""The ledger under faults: permissions, concurrent creation, empty and damaged ledgers."""

from __future__ import annotations

import multiprocessing
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from edi837.cli import main
from edi837.errors import LedgerError
from edi837.ledger.schema import SCHEMA_VERSION
from edi837.ledger.store import Ledger

from .conftest import FIXTURES
from .helpers import build_file


def test_a_new_ledger_is_private(tmp_path: Path) -> None:
    old = os.umask(0o002)
    try:
        path = tmp_path / "data" / "edi837" / "ledger.sqlite"
        build_file(FIXTURES / "records.csv", tmp_path / "out.837", path, tars=FIXTURES / "tars.csv")
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    for sidecar in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if sidecar.exists():
            assert stat.S_IMODE(sidecar.stat().st_mode) & 0o077 == 0, sidecar
    assert stat.S_IMODE((tmp_path / "out.837").stat().st_mode) == 0o600
    assert not [p for p in path.parent.iterdir() if "creating" in p.name]


def _open(path: str, queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    try:
        with Ledger(Path(path)) as book, book.write():
            book.allocate("isa13")
        queue.put("ok")
    except Exception as exc:
        queue.put(f"{type(exc).__name__}: {exc}")


@pytest.mark.slow
def test_four_processes_opening_a_new_ledger_at_once(tmp_path: Path) -> None:
    context = multiprocessing.get_context("fork")
    for round_ in range(6):
        path = tmp_path / f"ledger-{round_}.sqlite"
        queue = context.Queue()
        workers = [context.Process(target=_open, args=(str(path), queue)) for _ in range(4)]
        for w in workers:
            w.start()
        for w in workers:
            w.join(60)
        results = [queue.get(timeout=5) for _ in workers]
        assert results == ["ok"] * 4, results
        with sqlite3.connect(path) as db:
            assert db.execute("SELECT value FROM counters WHERE name = 'isa13'").fetchone() == (4,)


@pytest.mark.slow
def test_four_processes_migrating_an_old_ledger_at_once(tmp_path: Path) -> None:
    context = multiprocessing.get_context("fork")
    for round_ in range(4):
        path = tmp_path / f"v2-{round_}.sqlite"
        db = sqlite3.connect(path)
        db.executescript((FIXTURES / "ledger" / "v2-demo.sql").read_text(encoding="utf-8"))
        db.close()
        queue = context.Queue()
        workers = [context.Process(target=_open, args=(str(path), queue)) for _ in range(4)]
        for w in workers:
            w.start()
        for w in workers:
            w.join(60)
        assert [queue.get(timeout=5) for _ in workers] == ["ok"] * 4
        with sqlite3.connect(path) as db:
            version = db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            assert version == (str(SCHEMA_VERSION),)


def test_an_empty_file_is_not_taken_for_a_new_ledger(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "ledger.sqlite"
    path.touch()
    with pytest.raises(LedgerError, match="is empty"):
        Ledger(path)
    code = main(
        [
            "build",
            str(FIXTURES / "records.csv"),
            "--profile",
            str(FIXTURES / "profile.toml"),
            "--tars",
            str(FIXTURES / "tars.csv"),
            "--ledger",
            str(path),
            "--out",
            str(tmp_path / "out.837"),
            "--as-of",
            "2026-02-02",
        ]
    )
    assert code == 2 and "is empty" in capsys.readouterr().err
    assert path.stat().st_size == 0 and not (tmp_path / "out.837").exists()


def test_a_damaged_meta_row_or_missing_table_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite"
    Ledger(path).close()
    with sqlite3.connect(path) as db:
        db.execute("UPDATE meta SET value = 'three' WHERE key = 'schema_version'")
    with pytest.raises(LedgerError, match="damaged"):
        Ledger(path)
    other = tmp_path / "other.sqlite"
    Ledger(other).close()
    with sqlite3.connect(other) as db:
        db.execute("DROP TABLE lines")
    code = main(["claims", "--ledger", str(other)])
    assert code == 2


def test_a_read_only_ledger_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "ledger.sqlite"
    Ledger(path).close()
    uri = f"file:{path}?mode=ro"
    book = Ledger.__new__(Ledger)
    book.path = path
    book.created = False
    book.db = sqlite3.connect(uri, uri=True, isolation_level=None)
    with pytest.raises(LedgerError, match="read-only"), book.write():
        book.allocate("isa13")
