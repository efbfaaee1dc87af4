"""Reconciliation: 835s recorded against the ledger, every claim's state, idempotent, atomic."""

from __future__ import annotations

import json
import shutil
import sqlite3
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from edi837.cli import main
from edi837.errors import X12ParseError
from edi837.ledger import remittances as remittances_module
from edi837.ledger.store import Ledger
from edi837.lifecycle.machine import State
from edi837.services.queue import (
    QueueItem,
    payment_totals,
    provider_adjustments,
    queue,
    unmatched,
)
from edi837.services.reconcile import import_remittances

from .conftest import FIXTURES
from .helpers import build_file

RECON = FIXTURES / "835" / "reconcile"
A = RECON / "reconcile-a.835"
B = RECON / "reconcile-b.835"


@pytest.fixture
def ledger(tmp_path: Path) -> Path:
    path = tmp_path / "ledger.sqlite"
    build_file(FIXTURES / "records.csv", tmp_path / "demo.837", path, tars=FIXTURES / "tars.csv")
    return path


def states(path: Path, as_of: date = date(2026, 3, 5)) -> dict[str, QueueItem]:
    with Ledger(path) as book:
        return {item.facts.claim_id: item for item in queue(book, as_of=as_of)}


def table_counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as db:
        return {
            t: db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
            for t in (
                "remittance_files",
                "remittances",
                "claim_events",
                "line_events",
                "provider_adjustments",
            )
        }


def imported(path: Path, *files: Path):  # type: ignore[no-untyped-def]
    with Ledger(path) as book:
        return import_remittances(book, list(files), imported_at=date(2026, 3, 5))


def test_before_any_remittance_everything_is_sent(ledger: Path) -> None:
    found = states(ledger)
    assert sorted(found) == ["N00000001", "N00000002", "N00000003", "N00000004"]
    assert {i.outcome.state for i in found.values()} == {State.SENT}
    assert found["N00000001"].aging.days == 31


def test_first_remittance_paid_denied_split_sent_unmatched(ledger: Path) -> None:
    tally = imported(ledger, A)
    assert (tally.payments, tally.claims, tally.claims_unmatched, tally.lines_unmatched) == (
        1,
        4,
        1,
        0,
    )
    s = states(ledger)
    n1, n2, n3, n4 = (s[f"N0000000{i}"].outcome for i in range(1, 5))
    assert (n1.state, n1.figures.paid, n1.payer_claim_number) == (
        State.PAID,
        Decimal("570"),
        "ICN0001",
    )
    assert n2.state is State.DENIED and n2.figures.denied == Decimal("400.04")
    # denied without line detail: every line takes the claim's state, and stops counting as billed
    assert [line.state for line in n2.lines] == [State.DENIED, State.DENIED]
    # the G9007 line too, though never payable: nothing of a claim denied whole stands, so the
    # corrected claim reports it again without being a duplicate (tests/test_billed_once.py)
    assert [line.denied for line in n2.lines] == [True, True]
    assert [(r.group, r.code) for r in n2.reasons] == [("CO", "197")]
    assert n2.remarks == ("N54",)
    assert "TAR" in s["N00000002"].advice.text
    # split: three lines answered, two not yet
    assert (n3.state, n3.figures.paid, n3.figures.open) == (
        State.PARTIALLY_PAID,
        Decimal("674"),
        Decimal("271.50"),
    )
    assert "lines_pending" in n3.flags
    assert [line.state for line in n3.lines] == [State.PAID] * 3 + [State.ACCEPTED] * 2
    assert n4.state is State.SENT
    with Ledger(ledger) as book:
        (other,) = list(unmatched(book))
        assert (other.patient_control_number, other.paid) == ("OTHER123", Decimal("80"))
        plb = provider_adjustments(book)
        assert [(p.reason, p.reference, p.amount, p.claim_id) for p in plb] == [
            ("WO", "ICN0777", Decimal("25"), None),
            ("L6", "", Decimal("-1.25"), None),
        ]
        totals = payment_totals(book)
        assert totals.balanced and totals.received == Decimal("1300.25")


def test_reversal_readjudication_split_and_line_matching_without_6r(ledger: Path) -> None:
    imported(ledger, A)
    imported(ledger, B)
    s = states(ledger)
    n1, n3, n4 = s["N00000001"].outcome, s["N00000003"].outcome, s["N00000004"].outcome
    # reversed, then paid again: the new state shows, the history stays
    assert (n1.state, n1.figures.paid, n1.payer_claim_number, n1.events) == (
        State.PARTIALLY_PAID,
        Decimal("560"),
        "ICN0001A",
        3,
    )
    assert [line.state for line in n1.lines] == [
        State.PAID,
        State.DENIED,
        State.PAID,
        State.PAID,
    ]
    assert [(r.group, r.code) for r in n1.lines[1].reasons] == [("CO", "119")]
    assert "paid_twice" not in n1.flags
    # the split claim is complete once its second part arrives
    assert (n3.state, n3.figures.paid) == (State.PAID, Decimal("945.5"))
    # no REF*6R: matched on code, modifiers and date; CO-45 is contractual, so as expected
    assert (n4.state, n4.figures.paid) == (State.PAID_AS_EXPECTED, Decimal("4000"))
    assert [(line.state, line.paid) for line in n4.lines] == [
        (State.PAID, Decimal("1512")),
        (State.PAID_AS_EXPECTED, Decimal("2488")),
    ]
    assert all(item.outcome.figures.balanced for item in s.values())
    with sqlite3.connect(ledger) as db:
        how = {
            row[0]
            for row in db.execute(
                "SELECT matched_by FROM line_events WHERE procedure IN ('H0044', 'T2033')"
            )
        }
    assert how == {"code+date"}


def test_a_reversal_alone_shows_reversed(ledger: Path, tmp_path: Path) -> None:
    text = B.read_text()
    head = text.partition("CLP*N00000001*1*570*560")[0]
    only_reversal = tmp_path / "reversal.835"
    # keep the reversal, drop the rest of the claims, fix the counts and the payment
    body = head.split("\n")
    kept = [seg for seg in body if seg and not seg.startswith(("SE*", "GE*", "IEA*"))]
    kept = [k.replace("BPR*I*4261.5*C", "BPR*I*570*D") for k in kept]
    st_index = next(i for i, seg in enumerate(kept) if seg.startswith("ST*"))
    count = len(kept) - st_index + 1
    only_reversal.write_text("\n".join(kept) + f"\nSE*{count}*0702~\nGE*1*702~\nIEA*1*000000702~\n")
    imported(ledger, A)
    tally = imported(ledger, only_reversal)
    assert [i.rule_id for i in tally.issues] == []
    assert states(ledger)["N00000001"].outcome.state is State.REVERSED


def test_reimporting_changes_nothing(ledger: Path, tmp_path: Path) -> None:
    imported(ledger, A, B)
    before = table_counts(ledger)
    again = imported(ledger, A, B)
    assert (again.files, again.files_already) == (0, 2)
    assert table_counts(ledger) == before
    # the same payment in another file (other bytes, same payer and trace number) is recognised too
    copy = tmp_path / "copy.835"
    copy.write_text(A.read_text().replace("\n", "\r\n"))
    tally = imported(ledger, copy)
    assert (tally.files, tally.payments, tally.payments_already) == (1, 0, 1)
    after = table_counts(ledger)
    assert (
        after["remittances"] == before["remittances"]
        and after["claim_events"] == before["claim_events"]
    )


def test_a_failure_mid_import_leaves_the_ledger_as_it_was(
    ledger: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = table_counts(ledger)
    original = remittances_module.RemittanceImport._claim
    calls = {"n": 0}

    def failing(self, claim):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError("disk full (injected)")
        original(self, claim)

    monkeypatch.setattr(remittances_module.RemittanceImport, "_claim", failing)
    with pytest.raises(OSError):
        imported(ledger, A)
    assert table_counts(ledger) == before


def test_a_truncated_file_in_the_batch_rolls_back_the_others(ledger: Path, tmp_path: Path) -> None:
    truncated = tmp_path / "cut.835"
    truncated.write_text(B.read_text()[:1500])
    with pytest.raises(X12ParseError):
        imported(ledger, A, truncated)
    assert table_counts(ledger)["remittances"] == 0


def test_reconcile_cli_json_csv_table(ledger: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "reconcile",
            str(A),
            str(B),
            "--ledger",
            str(ledger),
            "--as-of",
            "2026-03-05",
            "--format",
            "json",
        ]
    )
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "imported 2 file(s)" in err
    doc = json.loads(out)
    assert doc["schema_version"] == 1
    first = doc["claims"][0]
    assert {
        k: first[k]
        for k in ("claim_id", "state", "billed", "paid", "payer_claim_number", "days_since_sent")
    } == {
        "claim_id": "N00000001",
        "state": "partially_paid",
        "billed": "570.00",
        "paid": "560.00",
        "payer_claim_number": "ICN0001A",
        "days_since_sent": 31,
    }
    line = first["lines"][1]
    assert (line["line_id"], line["state"], line["billed"], line["paid"]) == (
        "N00000001L02",
        "denied",
        "10.00",
        "0.00",
    )
    assert doc["unmatched"][0]["patient_control_number"] == "OTHER123"
    assert [p["reason"] for p in doc["provider_adjustments"]] == ["WO", "L6"]

    assert (
        main(["reconcile", "--ledger", str(ledger), "--as-of", "2026-03-05", "--format", "csv"])
        == 0
    )
    rows = capsys.readouterr().out.strip().splitlines()
    assert rows[0].startswith("record,claim_id,state")
    records = [row.split(",", 1)[0] for row in rows[1:]]
    # one row per line we sent, and the unmatched claim and the two PLBs are kept
    assert records.count("line") == 13
    assert records.count("unmatched_claim") == 1 and records.count("provider_adjustment") == 2

    assert main(["reconcile", "--ledger", str(ledger), "--as-of", "2026-03-05"]) == 0
    table = capsys.readouterr().out
    assert "CO-119" in table and "N640" in table
    assert "90000001A" not in table  # member IDs masked
    assert "payments received: $5,561.75" in table


def test_reimporting_a_known_file_says_so_in_one_line(
    ledger: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["reconcile", str(A), "--ledger", str(ledger), "--as-of", "2026-03-05"]
    assert main(args) == 0
    capsys.readouterr()
    assert main(args) == 0
    out, err = capsys.readouterr()
    assert out == "" and "(1 already recorded)" in err


def test_dry_run_records_nothing(ledger: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = table_counts(ledger)
    code = main(["reconcile", str(A), "--ledger", str(ledger), "--dry-run"])
    _out, err = capsys.readouterr()
    assert code == 0 and "would record 1 file(s)" in err and "nothing was recorded" in err
    assert table_counts(ledger) == before


def test_an_acknowledgment_or_an_837_is_not_recorded_as_a_remittance(
    ledger: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = table_counts(ledger)
    code = main(["reconcile", str(FIXTURES / "golden" / "demo.837"), "--ledger", str(ledger)])
    err = capsys.readouterr().err
    assert code == 2 and "is an 837 claim file" in err and "edi837 validate" in err
    ack = tmp_path / "answer.999"
    ack.write_text(
        "ISA*00*          *00*          *ZZ*PHCTEST01      *ZZ*NCCC0001       *260203*1200*^*00501*000000901*0*T*:~"
        "GS*FA*PHCTEST01*NCCC0001*20260203*1200*901*X*005010X231A1~ST*999*0001*005010X231A1~"
        "AK1*HC*1*005010X222A1~AK9*A*1*1*1~SE*4*0001~GE*1*901~IEA*1*000000901~"
    )
    code = main(["reconcile", str(ack), "--ledger", str(ledger)])
    err = capsys.readouterr().err
    assert code == 2 and "999 acknowledgment" in err and "edi837 ack" in err
    assert table_counts(ledger) == before


def test_a_payment_to_another_payee_is_refused_unless_forced(
    ledger: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "other-payee.835"
    other.write_text(A.read_text().replace("*XX*1234567893", "*XX*1245319599"))
    before = table_counts(ledger)
    code = main(["reconcile", str(other), "--ledger", str(ledger)])
    err = capsys.readouterr().err
    assert code == 2 and "not a billing provider of this ledger" in err and "--force" in err
    assert table_counts(ledger) == before
    assert main(["reconcile", str(other), "--ledger", str(ledger), "--force"]) == 0


def test_a_payment_without_trn_resent_under_another_isa13_counts_once(
    ledger: Path, tmp_path: Path
) -> None:
    text = A.read_text()
    no_trn = "\n".join(seg for seg in text.split("\n") if not seg.startswith("TRN*"))
    lines = no_trn.split("\n")
    st = next(i for i, seg in enumerate(lines) if seg.startswith("ST*"))
    se = next(i for i, seg in enumerate(lines) if seg.startswith("SE*"))
    lines[se] = f"SE*{se - st + 1}*0701~" if lines[se].endswith("~") else f"SE*{se - st + 1}*0701"
    first = tmp_path / "first.835"
    first.write_text("\n".join(lines))
    again = tmp_path / "again.835"
    again.write_text(first.read_text().replace("000000701", "000000999"))
    one = imported(ledger, first)
    two = imported(ledger, again)
    assert (one.payments, two.payments, two.payments_already) == (1, 0, 1)
    assert states(ledger)["N00000001"].outcome.figures.paid == Decimal("570")


def test_a_payment_recorded_before_still_names_its_claims(ledger: Path, tmp_path: Path) -> None:
    """The twin is rolled back to its savepoint, and with it the claims it named from the
    import's ClaimSet: they are named again (refreshed, shown), as the first import named them."""
    text = A.read_text()
    no_trn = "\n".join(seg for seg in text.split("\n") if not seg.startswith("TRN*"))
    first, again = tmp_path / "first.835", tmp_path / "again.835"
    first.write_text(no_trn)
    again.write_text(no_trn.replace("000000701", "000000999"))
    with Ledger(ledger) as book:
        one = import_remittances(book, [first], imported_at=date(2026, 3, 5))
        named = sorted(one.claim_ids)
    with Ledger(ledger) as book:
        two = import_remittances(book, [again], imported_at=date(2026, 3, 5))
        assert (two.payments, two.payments_already) == (0, 1)
        assert named and sorted(two.claim_ids) == named


@pytest.mark.parametrize("order", [(0, 1), (1, 0)])
def test_two_835s_of_the_same_payment_date_give_one_state_in_any_order(
    ledger: Path, tmp_path: Path, order: tuple[int, int]
) -> None:
    """A reversal and a denial paid on the same day: the reversal undoes the earlier payment and
    the denial is the new adjudication, whichever file is read first."""
    imported(ledger, A)
    reversal = B.read_text().partition("CLP*N00000001*1*570*560")[0]
    kept = [
        seg for seg in reversal.split("\n") if seg and not seg.startswith(("SE*", "GE*", "IEA*"))
    ]
    kept = [k.replace("BPR*I*4261.5*C", "BPR*I*570*D") for k in kept]
    st = next(i for i, seg in enumerate(kept) if seg.startswith("ST*"))
    files = [tmp_path / "reversal.835", tmp_path / "denial.835"]
    files[0].write_text(
        "\n".join(kept) + f"\nSE*{len(kept) - st + 1}*0702~\nGE*1*702~\nIEA*1*000000702~\n"
    )
    denial = (
        A.read_text()
        .replace("000000701", "000000703")
        .replace("*701*", "*703*")
        .replace("TRN*1*100001", "TRN*1*100003")
        .replace("20260215", "20260301")
    )
    files[1].write_text(denial.replace("CLP*N00000001*1*570*570", "CLP*N00000001*4*570*0"))
    for index in order:
        imported(ledger, files[index])
    assert states(ledger)["N00000001"].outcome.state is State.DENIED


def test_reconcile_needs_an_existing_ledger(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["reconcile", str(A), "--ledger", str(tmp_path / "none.sqlite")]) == 2
    assert "no ledger" in capsys.readouterr().err


def test_an_older_ledger_is_migrated(tmp_path: Path) -> None:
    from edi837.ledger.schema import SCHEMA_V1, SCHEMA_VERSION
    from edi837.ledger.store import _statements

    path = tmp_path / "v1.sqlite"
    db = sqlite3.connect(path, isolation_level=None)
    for statement in _statements(SCHEMA_V1):
        db.execute(statement)
    db.execute("INSERT INTO meta VALUES ('application', 'edi837-ledger'), ('schema_version', '1')")
    db.close()
    with Ledger(path) as book:
        assert book.db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[
            0
        ] == str(SCHEMA_VERSION)
        assert book.db.execute("SELECT COUNT(*) FROM remittances").fetchone()[0] == 0
    shutil.copy(path, tmp_path / "copy.sqlite")


def test_void_takes_the_payer_claim_number_from_recorded_remittances(
    ledger: Path, tmp_path: Path
) -> None:
    from datetime import datetime

    from edi837.services.void import void

    from .helpers import profile

    imported(ledger, A, B)
    with Ledger(ledger) as book:
        result = void(
            ["N00000003"],
            {},
            profile(),
            tmp_path / "void.837",
            book,
            as_of=date(2026, 3, 6),
            created=datetime(2026, 3, 6),
        )
    assert result.batch.claims[0].payer_claim_number == "ICN0003B"
    assert "REF*F8*ICN0003B" in (tmp_path / "void.837").read_text()
