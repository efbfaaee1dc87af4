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
from edi837.reconcile.state import (
    Status,
    claim_states,
    payment_totals,
    provider_adjustments,
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


def states(path: Path, as_of: date = date(2026, 3, 5)) -> dict[str, object]:
    with Ledger(path) as book:
        return {s.claim_id: s for s in claim_states(book, as_of)}


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


def test_before_any_remittance_everything_is_outstanding(ledger: Path) -> None:
    found = states(ledger)
    assert sorted(found) == ["N00000001", "N00000002", "N00000003", "N00000004"]
    assert {s.status for s in found.values()} == {Status.OUTSTANDING}  # type: ignore[attr-defined]
    assert found["N00000001"].age_days == 31  # type: ignore[attr-defined]


def test_first_remittance_paid_denied_split_outstanding_unmatched(ledger: Path) -> None:
    tally = imported(ledger, A)
    assert (tally.payments, tally.claims, tally.claims_unmatched, tally.lines_unmatched) == (
        1,
        4,
        1,
        0,
    )
    s = states(ledger)
    n1, n2, n3, n4 = (s[f"N0000000{i}"] for i in range(1, 5))
    assert (n1.status, n1.paid, n1.payer_claim_number) == (Status.PAID, Decimal("570"), "ICN0001")  # type: ignore[attr-defined]
    assert n2.status is Status.DENIED  # type: ignore[attr-defined]
    assert [line.status for line in n2.lines] == [Status.DENIED, Status.DENIED]  # type: ignore[attr-defined]
    assert [(r.group, r.reason) for r in n2.reasons] == [("CO", "197")]  # type: ignore[attr-defined]
    assert n2.remarks == ("N54",)  # type: ignore[attr-defined]
    assert (n3.status, n3.paid) == (Status.PARTIAL, Decimal("674"))  # type: ignore[attr-defined]
    assert [line.status for line in n3.lines] == [Status.PAID] * 3 + [Status.OUTSTANDING] * 2  # type: ignore[attr-defined]
    assert n4.status is Status.OUTSTANDING  # type: ignore[attr-defined]
    with Ledger(ledger) as book:
        (other,) = list(unmatched(book))
        assert (other.patient_control_number, other.paid) == ("OTHER123", Decimal("80"))
        plb = provider_adjustments(book)
        assert [(p.reason, p.reference, p.amount) for p in plb] == [
            ("WO", "ICN0777", Decimal("25")),
            ("L6", "", Decimal("-1.25")),
        ]
        totals = payment_totals(book)
        assert totals.balanced and totals.received == Decimal("1300.25")


def test_reversal_readjudication_split_and_line_matching_without_6r(ledger: Path) -> None:
    imported(ledger, A)
    imported(ledger, B)
    s = states(ledger)
    n1, n3, n4 = s["N00000001"], s["N00000003"], s["N00000004"]
    # reversed, then paid again: the new state shows, the history stays
    assert (n1.status, n1.paid, n1.payer_claim_number, n1.events) == (
        Status.PARTIAL,
        Decimal("560"),
        "ICN0001A",
        3,
    )  # type: ignore[attr-defined]
    assert [line.status for line in n1.lines] == [
        Status.PAID,
        Status.DENIED,
        Status.PAID,
        Status.PAID,
    ]  # type: ignore[attr-defined]
    assert [(r.group, r.reason) for r in n1.lines[1].reasons] == [("CO", "119")]  # type: ignore[attr-defined]
    # the split claim is complete once its second part arrives
    assert (n3.status, n3.paid) == (Status.PAID, Decimal("945.5"))  # type: ignore[attr-defined]
    # no REF*6R: matched on code, modifiers and date
    assert (n4.status, n4.paid) == (Status.PARTIAL, Decimal("4000"))  # type: ignore[attr-defined]
    assert [(line.status, line.paid) for line in n4.lines] == [
        (Status.PAID, Decimal("1512")),
        (Status.PARTIAL, Decimal("2488")),
    ]  # type: ignore[attr-defined]
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
    assert states(ledger)["N00000001"].status is Status.REVERSED  # type: ignore[attr-defined]


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
    assert set(doc) == {"claims", "unmatched", "provider_adjustments"}
    first = doc["claims"][0]
    assert {
        k: first[k]
        for k in (
            "patient_control_number",
            "status",
            "billed",
            "paid",
            "payer_claim_number",
            "age_days",
        )
    } == {
        "patient_control_number": "N00000001",
        "status": "partial",
        "billed": "570.00",
        "paid": "560.00",
        "payer_claim_number": "ICN0001A",
        "age_days": 31,
    }
    assert first["lines"][1] | {"adjustments": None, "remarks": None} == {
        "line_control_number": "N00000001L02",
        "status": "denied",
        "billed": "10.00",
        "paid": "0.00",
        "adjustments": None,
        "remarks": None,
    }
    assert doc["unmatched"][0]["patient_control_number"] == "OTHER123"
    assert [p["reason"] for p in doc["provider_adjustments"]] == ["WO", "L6"]

    assert (
        main(["reconcile", "--ledger", str(ledger), "--as-of", "2026-03-05", "--format", "csv"])
        == 0
    )
    rows = capsys.readouterr().out.strip().splitlines()
    assert rows[0].startswith("patient_control_number,claim_status")
    assert len(rows) == 1 + 13  # one row per line we sent

    assert main(["reconcile", "--ledger", str(ledger), "--as-of", "2026-03-05"]) == 0
    table = capsys.readouterr().out
    assert "CO-119" in table and "N640" in table
    assert "90000001A" not in table  # member IDs masked
    assert "payments received: $5,561.75" in table


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
