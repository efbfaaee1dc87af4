"""The ledger around a build: control numbers never repeat, failures change nothing."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest

from edi837.claim837 import encoder as encoder_module
from edi837.errors import BlockedError, LedgerError
from edi837.ledger import submissions
from edi837.ledger.store import Ledger

from .conftest import FIXTURES
from .helpers import build_file


def rows(ledger: Path, table: str) -> int:
    with sqlite3.connect(ledger) as db:
        return int(db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


def test_two_builds_through_one_ledger_never_reuse_a_control_number(tmp_path: Path) -> None:
    ledger = tmp_path / "ledger.sqlite"
    first = build_file(
        FIXTURES / "records.csv", tmp_path / "a.837", ledger, tars=FIXTURES / "tars.csv"
    )
    second = build_file(
        FIXTURES / "all-codes.csv",
        tmp_path / "b.837",
        ledger,
        tars=FIXTURES / "all-codes-tars.csv",
        as_of=date(2026, 2, 5),
    )
    a, b = first.batch.interchange, second.batch.interchange
    assert a.control_number != b.control_number
    assert a.group_number != b.group_number
    assert not set(a.transaction_numbers) & set(b.transaction_numbers)
    claims_a = {c.claim_id for c in first.batch.claims}
    claims_b = {c.claim_id for c in second.batch.claims}
    assert not claims_a & claims_b
    lines = [
        line.control_number for r in (first, second) for c in r.batch.claims for line in c.lines
    ]
    assert len(lines) == len(set(lines))
    assert all(len(c) <= 20 for c in claims_a | claims_b)
    assert rows(ledger, "batches") == 2
    with sqlite3.connect(ledger) as db:
        isa = [r[0] for r in db.execute("SELECT isa13 FROM batches ORDER BY batch_id")]
    assert isa == [a.control_number, b.control_number]


def test_a_failure_mid_write_leaves_no_file_and_no_ledger_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger = tmp_path / "ledger.sqlite"
    out = tmp_path / "out.837"
    original = encoder_module.Encoder._claim
    calls = {"n": 0}

    def failing(self, out, claim):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 3:  # after two claims were written to the temporary file
            raise OSError("disk full (injected)")
        original(self, out, claim)

    monkeypatch.setattr(encoder_module.Encoder, "_claim", failing)
    with pytest.raises(OSError, match="injected"):
        build_file(FIXTURES / "records.csv", out, ledger, tars=FIXTURES / "tars.csv")
    assert not out.exists()
    assert list(tmp_path.glob("*.partial")) == []
    assert list(tmp_path.glob(".*.partial")) == []
    for table in ("batches", "claims", "lines", "counters", "transaction_sets"):
        assert rows(ledger, table) == 0, table


def test_build_keeps_no_file_the_conformance_engine_refuses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An encoder bug (here: the billing provider's ZIP+4 cut to five digits) is caught on the
    written file, before anything is recorded or renamed."""
    ledger = tmp_path / "ledger.sqlite"
    out = tmp_path / "out.837"
    original = encoder_module.Encoder.transaction

    def five_digits(self, st02, claims):  # type: ignore[no-untyped-def]
        for text in original(self, st02, claims):
            yield text.replace("N4*SANTA ROSA*CA*954011234", "N4*SANTA ROSA*CA*95401")

    monkeypatch.setattr(encoder_module.Encoder, "transaction", five_digits)
    with pytest.raises(BlockedError, match="fails 1 conformance check") as refused:
        build_file(FIXTURES / "records.csv", out, ledger, tars=FIXTURES / "tars.csv")
    assert [i.rule_id for i in refused.value.issues if i.severity.value == "error"] == [
        "SNIP4-ZIP4"
    ]
    assert not out.exists()
    assert list(tmp_path.glob(".*.partial")) == []
    for table in ("batches", "claims", "lines", "counters"):
        assert rows(ledger, table) == 0, table


def test_a_failure_while_recording_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger = tmp_path / "ledger.sqlite"
    out = tmp_path / "out.837"

    def failing(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise sqlite3.OperationalError("database is locked (injected)")

    monkeypatch.setattr("edi837.services.emit.record_transaction", failing)
    with pytest.raises(LedgerError, match="busy"):
        build_file(FIXTURES / "records.csv", out, ledger, tars=FIXTURES / "tars.csv")
    assert not out.exists()
    assert list(tmp_path.glob(".*.partial")) == []
    assert rows(ledger, "batches") == 0
    assert rows(ledger, "counters") == 0


def test_after_a_failure_the_next_build_takes_the_numbers_that_were_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger = tmp_path / "ledger.sqlite"
    monkeypatch.setattr(submissions, "_claim_row", lambda *args: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        build_file(FIXTURES / "records.csv", tmp_path / "x.837", ledger, tars=FIXTURES / "tars.csv")
    monkeypatch.undo()
    result = build_file(
        FIXTURES / "records.csv", tmp_path / "y.837", ledger, tars=FIXTURES / "tars.csv"
    )
    assert result.batch.interchange.control_number == 1


def test_blocked_build_writes_nothing(tmp_path: Path) -> None:
    ledger = tmp_path / "ledger.sqlite"
    out = tmp_path / "out.837"
    with pytest.raises(BlockedError) as caught:
        build_file(FIXTURES / "invalid" / "TAR-REQUIRED.csv", out, ledger)
    assert [(i.rule_id, i.location.row) for i in caught.value.issues] == [("TAR-REQUIRED", 2)]
    assert not out.exists()
    assert rows(ledger, "counters") == 0
    assert rows(ledger, "batches") == 0


def test_allow_lets_a_payer_rule_through_and_is_recorded(tmp_path: Path) -> None:
    ledger = tmp_path / "ledger.sqlite"
    out = tmp_path / "out.837"
    result = build_file(
        FIXTURES / "invalid" / "TAR-REQUIRED.csv", out, ledger, allow=frozenset({"TAR-REQUIRED"})
    )
    assert out.exists()
    assert result.allowed == {"TAR-REQUIRED": 1}
    with sqlite3.connect(ledger) as db:
        recorded = db.execute("SELECT overrides FROM batches").fetchone()[0]
    assert '"rule_id": "TAR-REQUIRED"' in recorded


def test_input_problems_cannot_be_allowed(tmp_path: Path) -> None:
    from edi837.errors import InputError

    with pytest.raises(InputError, match="cannot override INPUT-DATE"):
        build_file(
            FIXTURES / "records.csv",
            tmp_path / "o.837",
            tmp_path / "l.sqlite",
            allow=frozenset({"INPUT-DATE"}),
        )


def test_an_existing_output_is_replaced_only_on_success(tmp_path: Path) -> None:
    out = tmp_path / "out.837"
    out.write_text("previous batch\n")
    with pytest.raises(BlockedError):
        build_file(FIXTURES / "invalid" / "TAR-REQUIRED.csv", out, tmp_path / "ledger.sqlite")
    assert out.read_text() == "previous batch\n"


def test_a_file_that_is_not_a_ledger_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE notes (x)")
    with pytest.raises(LedgerError, match="not an edi837 ledger"):
        Ledger(path)
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(LedgerError):
        Ledger(junk)


def test_the_ledger_gives_back_each_claim_exactly_as_sent(tmp_path: Path) -> None:
    ledger = tmp_path / "ledger.sqlite"
    result = build_file(
        FIXTURES / "all-codes.csv",
        tmp_path / "a.837",
        ledger,
        tars=FIXTURES / "all-codes-tars.csv",
        as_of=date(2026, 2, 5),
    )
    sent = build_file(
        FIXTURES / "records.csv", tmp_path / "b.837", ledger, tars=FIXTURES / "tars.csv"
    )
    with Ledger(ledger) as book:
        for claim in (*result.batch.claims, *sent.batch.claims):
            assert submissions.load_claim(book, claim.claim_id) == claim
