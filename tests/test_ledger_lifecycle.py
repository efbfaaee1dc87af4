"""The ledger's events through the one state machine: acknowledgments, voids, what counts as
billed, and the migration of a version-2 ledger made by the previous release."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest

from edi837.ledger.events import outcome, outcomes, refresh
from edi837.ledger.store import Ledger
from edi837.lifecycle.machine import State
from edi837.model.acks import AckCode, ClaimAck, GroupAck, InterchangeAck, SetAck, Verdict
from edi837.services.acks import import_acks
from edi837.services.reconcile import import_remittances

from .conftest import FIXTURES
from .helpers import accept, build_file

RECON = FIXTURES / "835" / "reconcile"


@pytest.fixture
def ledger(tmp_path: Path) -> Path:
    path = tmp_path / "ledger.sqlite"
    build_file(FIXTURES / "records.csv", tmp_path / "demo.837", path, tars=FIXTURES / "tars.csv")
    return path


def states(path: Path) -> dict[str, State]:
    with Ledger(path) as book:
        return {facts.claim_id: result.state for facts, result in outcomes(book)}


def live_lines(path: Path, claim_id: str) -> list[int]:
    with sqlite3.connect(path) as db:
        return [
            r[0]
            for r in db.execute(
                "SELECT live FROM lines WHERE claim_id = ? ORDER BY line_number", (claim_id,)
            )
        ]


def answer(path: Path, name: str, *answers: object, on: date = date(2026, 2, 3)) -> object:
    marker = path.with_name(name)
    marker.write_text(name + repr(answers), encoding="utf-8")
    with Ledger(path) as book:
        return import_acks(book, [marker], lambda _p: answers, imported_at=on)  # type: ignore[arg-type,return-value]


def test_a_new_batch_is_sent(ledger: Path) -> None:
    assert set(states(ledger).values()) == {State.SENT}
    assert live_lines(ledger, "N00000001") == [1] * len(live_lines(ledger, "N00000001"))


def test_a_999_rejecting_the_transaction_set_rejects_its_claims(ledger: Path) -> None:
    rejected = GroupAck(
        1,
        "HC",
        "1",
        Verdict.REJECTED,
        sets=(
            SetAck(
                2,
                "837",
                "0001",
                Verdict.REJECTED,
                (AckCode("IK304", "8", "segment has data element errors", 12, "NM1", "2010BA"),),
            ),
        ),
        on=date(2026, 2, 3),
    )
    tally = answer(ledger, "one.999", rejected)
    assert tally.rejected == 2 and tally.unmatched == 0  # type: ignore[attr-defined]
    assert set(states(ledger).values()) == {State.REJECTED}
    assert set(live_lines(ledger, "N00000002")) == {0}
    with Ledger(ledger) as book:
        found = outcome(book, "N00000002")
        assert found is not None and found[1].front_door is not None
        assert "segment has data element errors" in found[1].front_door.detail
    # the same file read again changes nothing
    again = answer(ledger, "one.999", rejected)
    assert again.files_already == 1 and again.answers == 0  # type: ignore[attr-defined]


def test_a_277ca_accepts_one_claim_and_rejects_another(ledger: Path) -> None:
    answer(ledger, "a.999", GroupAck(1, "HC", "1", Verdict.ACCEPTED, on=date(2026, 2, 3)))
    answer(
        ledger,
        "a.277",
        ClaimAck(1, "N00000001", Verdict.ACCEPTED, payer_claim_number="ICN0001"),
        ClaimAck(
            2,
            "n00000003",  # echoed in lower case: matched all the same
            Verdict.REJECTED,
            (AckCode("STC01", "A7:562:85", "invalid NPI"),),
        ),
        ClaimAck(3, "X999", Verdict.ACCEPTED),
    )
    found = states(ledger)
    assert found["N00000001"] is State.ACCEPTED and found["N00000003"] is State.REJECTED
    assert found["N00000002"] is State.ACCEPTED
    with sqlite3.connect(ledger) as db:
        unmatched = db.execute(
            "SELECT reference FROM ack_events WHERE claim_id IS NULL AND batch_id IS NULL"
        ).fetchall()
    assert unmatched == [("X999",)]


def test_a_ta1_rejecting_the_interchange_rejects_everything(ledger: Path) -> None:
    answer(ledger, "a.ta1", InterchangeAck(1, "000000001", Verdict.REJECTED, test=True))
    assert set(states(ledger).values()) == {State.REJECTED}
    with sqlite3.connect(ledger) as db:
        assert db.execute("SELECT test FROM ack_events").fetchone() == (1,)


def test_adjudication_and_void_settlement(ledger: Path, tmp_path: Path) -> None:
    from datetime import datetime

    from edi837.services.void import void

    from .helpers import profile

    with Ledger(ledger) as book:
        import_remittances(book, [RECON / "reconcile-a.835"], imported_at=date(2026, 3, 5))
    found = states(ledger)
    assert found["N00000001"] is State.PAID
    assert found["N00000002"] is State.DENIED
    assert found["N00000004"] is State.SENT
    with Ledger(ledger) as book:
        void(
            ["N00000001"],
            {},
            profile(),
            tmp_path / "void.837",
            book,
            as_of=date(2026, 3, 6),
            created=datetime(2026, 3, 6),
        )
    found = states(ledger)
    assert found["N00000001"] is State.VOIDED and found["N00000005"] is State.SENT
    assert set(live_lines(ledger, "N00000001")) == {0}
    assert set(live_lines(ledger, "N00000005")) == {0}  # a void never counts as billed
    with Ledger(ledger) as book:
        original = outcome(book, "N00000001")
        assert original is not None and not original[1].settled
        assert original[1].figures.open == 0


def test_refresh_of_everything_equals_refresh_claim_by_claim(ledger: Path) -> None:
    accept(ledger, "N00000001")
    with Ledger(ledger) as book:
        import_remittances(book, [RECON / "reconcile-a.835"], imported_at=date(2026, 3, 5))
    with sqlite3.connect(ledger) as db:
        before = db.execute("SELECT line_id, live, denied FROM lines ORDER BY line_id").fetchall()
    with Ledger(ledger) as book, book.write():
        book.db.execute("UPDATE lines SET live = 1, denied = 0")
        assert refresh(book, None) > 0
    with sqlite3.connect(ledger) as db:
        after = db.execute("SELECT line_id, live, denied FROM lines ORDER BY line_id").fetchall()
    assert before == after


def test_a_version_2_ledger_made_by_the_previous_release_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "v2.sqlite"
    db = sqlite3.connect(path)
    db.executescript((FIXTURES / "ledger" / "v2-demo.sql").read_text(encoding="utf-8"))
    db.close()
    with Ledger(path) as book:
        version = book.db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        assert version[0] == "4"  # through 3 (the lifecycle) and 4 (the lines index)
        columns = {r[1] for r in book.db.execute("PRAGMA table_info(claims)")}
        assert "status" not in columns
        assert "active" not in {r[1] for r in book.db.execute("PRAGMA table_info(lines)")}
        found = {facts.claim_id: result for facts, result in outcomes(book)}
    assert found["N00000004"].state is State.VOIDED and found["N00000004"].successor == "N00000005"
    assert found["N00000001"].state is State.PAID
    assert found["N00000002"].state is State.DENIED
    assert set(live_lines(path, "N00000004")) == {0}
    assert set(live_lines(path, "N00000005")) == {0}
    with sqlite3.connect(path) as db:
        # the denied claim's lines no longer count as billed (the default reading)
        assert db.execute(
            "SELECT DISTINCT denied FROM lines WHERE claim_id = 'N00000002'"
        ).fetchall() == [(1,)]
        assert db.execute("SELECT COUNT(*) FROM batch_events").fetchone()[0] == 2
