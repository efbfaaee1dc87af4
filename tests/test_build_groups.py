"""A batch is checked and built a group of members at a time (issue 12: memory that does not grow
with the batch). What protects it: the findings, the 837P and the ledger are the same whatever
the group's size, from one member to the whole file, with and without earlier batches."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import date, datetime
from pathlib import Path

import pytest

from bench.records_gen import write_records
from edi837.ingest.profile import load_profile
from edi837.ingest.records import read_records
from edi837.ingest.staging import RecordStage
from edi837.issues import Report
from edi837.ledger.history import LedgerHistory
from edi837.ledger.store import Ledger
from edi837.rules.history import NoHistory
from edi837.services import prepare as prepare_module
from edi837.services.build import build
from edi837.services.prepare import prepare_groups
from tests.helpers import FIXTURES, PROFILE, build_file

AS_OF = date(2026, 3, 2)


def _findings(report: Report) -> list[tuple[object, ...]]:
    return [
        (i.rule_id, i.severity.value, i.message, i.location.row, i.location.rows, i.location.column)
        for i in report.sorted()
    ]


def _check(records: Path, ledger: Path | None, group_records: int) -> tuple[list[object], int]:
    profile = load_profile(PROFILE)
    report = Report()
    book = Ledger(ledger, create=False) if ledger is not None else None
    try:
        history = (
            LedgerHistory(book, test=True, denied_lines_count=profile.policies.denied_lines_count)
            if book is not None
            else NoHistory()
        )
        lines = sum(
            len(group.lines)
            for group in prepare_groups(
                records,
                profile,
                as_of=AS_OF,
                history=history,
                report=report,
                group_records=group_records,
            )
        )
    finally:
        if book is not None:
            book.close()
    return list(_findings(report)), lines


@pytest.fixture(scope="module")
def months(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """January built into a ledger; February's records, and January's again (every line a
    duplicate of one billed)."""
    work = tmp_path_factory.mktemp("groups")
    january = work / "january.csv"
    february = work / "february.csv"
    write_records(january, 3000, month=1, seed=3)
    write_records(february, 3000, month=2, seed=4)
    ledger = work / "ledger.sqlite"
    build_file(january, work / "january.837", ledger, as_of=date(2026, 2, 2))
    return january, february, ledger


@pytest.mark.parametrize("which", ["january-again", "february"])
def test_the_findings_do_not_depend_on_the_group_size(
    months: tuple[Path, Path, Path], which: str
) -> None:
    january, february, ledger = months
    records = january if which == "january-again" else february
    whole = _check(records, ledger, 10**9)
    assert whole[0], "the records have findings to compare"
    for size in (1, 7, 500):
        assert _check(records, ledger, size) == whole, size


def test_the_demo_records_find_the_same_member_by_member() -> None:
    records = FIXTURES / "records.csv"
    assert _check(records, None, 1) == _check(records, None, 10**9)


def _build(records: Path, ledger: Path, out: Path) -> bytes:
    profile = load_profile(PROFILE)
    with Ledger(ledger) as book:
        build(
            records,
            profile,
            out,
            book,
            as_of=AS_OF,
            created=datetime(2026, 3, 2, 9, 30),
        )
    return out.read_bytes()


def _rows(ledger: Path, table: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(ledger) as db:
        return db.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall()


def test_the_837p_and_the_ledger_do_not_depend_on_the_group_size(
    months: tuple[Path, Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, february, ledger = months
    built = {}
    for size in (1, 250, 10**9):
        copy = tmp_path / f"ledger-{size}.sqlite"
        shutil.copy(ledger, copy)
        monkeypatch.setattr(prepare_module, "GROUP_RECORDS", size)
        built[size] = (
            _build(february, copy, tmp_path / f"february-{size}.837"),
            [_rows(copy, t) for t in ("claims", "lines", "transaction_sets", "counters")],
        )
    assert built[1] == built[250] == built[10**9]
    assert built[1][0].count(b"\nCLM*") > 100


def test_a_whole_file_is_read_in_its_own_row_order(tmp_path: Path) -> None:
    records = tmp_path / "r.csv"
    write_records(records, 200)
    rows = [r.row for r in read_records(records, Report())]
    assert rows == sorted(set(rows)) and len(rows) > 100


def test_the_staged_records_are_in_a_database_no_one_can_open_by_name() -> None:
    with RecordStage() as stage:
        stage.add("10000000K", 2, {"member_id": "10000000K"})
        (_, name, path), *_ = stage.db.execute("PRAGMA database_list").fetchall()
        assert name == "main" and path == ""  # SQLite's anonymous temporary database
        assert list(stage.by_member()) == [[(2, {"member_id": "10000000K"})]]


def _staged(rows: list[tuple[str, int, dict[str, str]]]) -> list[list[tuple[int, dict[str, str]]]]:
    with RecordStage() as stage:
        for member, row, cells in rows:
            stage.add(member, row, cells)
        return list(stage.by_member())


def test_the_staged_rows_come_back_by_member_whatever_their_order_and_columns() -> None:
    a = {"member_id": "B", "hcpcs": "G9008", "units": "1"}
    short = {"member_id": "A", "hcpcs": "T1019"}  # fewer columns than the first row
    other_order = {"hcpcs": "H0043", "member_id": "A", "units": "2"}
    rows = [("B", 2, a), ("A", 3, short), ("C", 4, dict(a, member_id="C")), ("A", 5, other_order)]
    staged = _staged(rows)
    assert staged == [[(3, short), (5, other_order)], [(2, a)], [(4, dict(a, member_id="C"))]]
    assert [list(cells) for _, cells in staged[0]] == [list(short), list(other_order)]
    # in member order already (most exports): the same answer without the index
    in_order = sorted(rows, key=lambda r: (r[0], r[1]))
    assert _staged(in_order) == staged
