"""`edi837 claims`: the work queue from the one state machine, its JSON schema, its totals."""

from __future__ import annotations

import csv
import io
import json
import stat
from datetime import date
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest

from edi837.cli import main
from edi837.ledger.store import Ledger
from edi837.model.acks import AckCode, ClaimAck, Verdict
from edi837.services.acks import import_acks
from edi837.services.reconcile import import_remittances

from .conftest import FIXTURES, REPO
from .helpers import build_file

RECON = FIXTURES / "835" / "reconcile"
SCHEMA = json.loads((REPO / "edi837" / "schemas" / "claims.schema.json").read_text("utf-8"))


@pytest.fixture
def ledger(tmp_path: Path) -> Path:
    path = tmp_path / "ledger.sqlite"
    build_file(FIXTURES / "records.csv", tmp_path / "demo.837", path, tars=FIXTURES / "tars.csv")
    with Ledger(path) as book:
        import_remittances(book, [RECON / "reconcile-a.835"], imported_at=date(2026, 3, 5))
    return path


def claims(capsys: pytest.CaptureFixture[str], ledger: Path, *args: str) -> tuple[int, str, str]:
    code = main(["claims", "--ledger", str(ledger), "--as-of", "2026-03-05", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_json_document_validates_against_its_schema(
    ledger: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    code, out, err = claims(capsys, ledger, "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(doc)
    states = {c["claim_id"]: c["state"] for c in doc["claims"]}
    assert states == {
        "N00000001": "paid",
        "N00000002": "denied",
        "N00000003": "partially_paid",
        "N00000004": "sent",
    }
    assert all(c["test"] for c in doc["claims"])  # the sample profile sends ISA15=T


def test_totals_are_the_sum_of_the_claims_to_the_cent(
    ledger: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = claims(capsys, ledger, "--format", "json")
    doc = json.loads(out)
    book = doc["totals"]["test"]
    for field in ("billed", "paid", "contractual", "patient_responsibility", "denied", "open"):
        assert Decimal(book[field]) == sum(Decimal(c[field]) for c in doc["claims"]), field
    for claim in doc["claims"]:
        parts = sum(
            Decimal(claim[f])
            for f in (
                "paid",
                "contractual",
                "patient_responsibility",
                "denied",
                "cancelled",
                "open",
            )
        )
        assert Decimal(claim["billed"]) == parts - Decimal(claim["overpaid"]), claim["claim_id"]
    assert doc["totals"]["production"]["claims"] == 0
    assert doc["totals"]["needing_action"] == 3


def test_filters(ledger: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def ids(*args: str) -> list[str]:
        _, out, _ = claims(capsys, ledger, "--format", "json", *args)
        return [c["claim_id"] for c in json.loads(out)["claims"]]

    assert ids("--state", "denied", "--state", "sent") == ["N00000002", "N00000004"]
    assert ids("--open") == ["N00000002", "N00000003", "N00000004"]
    assert ids("--member", "90000001a") == ["N00000001"]
    assert ids("--month", "2026-01") == ["N00000001", "N00000002", "N00000003", "N00000004"]
    assert ids("--production") == []
    code, _, err = claims(capsys, ledger, "--month", "2026-13")
    assert code == 64 and "YYYY-MM" in err  # a usage error


def test_member_ids_are_masked_unless_asked(
    ledger: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for fmt in ("table", "json", "csv"):
        _, out, _ = claims(capsys, ledger, "--format", fmt)
        assert "90000001A" not in out, fmt
    code = main(["--show-phi", "claims", "--ledger", str(ledger), "--as-of", "2026-03-05"])
    out = capsys.readouterr().out
    assert code == 0 and "90000001A" in out


def test_csv_and_terminal_output_are_safe_from_what_the_835_says(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "ledger.sqlite"
    build_file(FIXTURES / "records.csv", tmp_path / "demo.837", path, tars=FIXTURES / "tars.csv")
    hostile = tmp_path / "hostile.835"
    hostile.write_text(
        (RECON / "reconcile-a.835").read_text().replace("ICN0001", "=HYPERLINK(1)\x1b[2J")
    )
    with Ledger(path) as book:
        import_remittances(book, [hostile], imported_at=date(2026, 3, 5))
    _, out, _ = claims(capsys, path, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    first = next(r for r in rows if r["claim_id"] == "N00000001")
    assert first["payer_claim_number"].startswith("'=HYPERLINK")
    assert Decimal(first["claim_paid"]) == Decimal("570.00")  # amounts stay numbers
    _, table, _ = claims(capsys, path)
    assert "\x1b" not in table


def test_out_is_private_and_guarded(
    ledger: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "queue.csv"
    code, out, _ = claims(capsys, ledger, "--format", "csv", "--out", str(target))
    assert code == 0 and out == ""
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    code, _, err = claims(capsys, ledger, "--out", str(ledger))
    assert code == 2 and "the ledger" in err
    assert Ledger(ledger).db.execute("SELECT COUNT(*) FROM claims").fetchone()[0] == 4


def test_a_rejected_claim_says_what_the_payer_said(
    ledger: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    marker = tmp_path / "reject.277"
    marker.write_text("277CA")
    answer = ClaimAck(
        1, "N00000004", Verdict.REJECTED, (AckCode("STC01", "A7:562:85", "NPI invalid"),)
    )
    with Ledger(ledger) as book:
        import_acks(book, [marker], lambda _p: [answer], imported_at=date(2026, 2, 4))
    _, out, _ = claims(capsys, ledger, "--format", "json", "--state", "rejected")
    (claim,) = json.loads(out)["claims"]
    assert claim["front_door"]["source"] == "277CA" and "NPI invalid" in claim["next_action"]
    assert "new original" in claim["next_action"]


def test_denials_by_reason_make_the_denied_total_and_programs_the_billed(
    ledger: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = claims(capsys, ledger, "--format", "json")
    book = json.loads(out)["totals"]["test"]
    denials = book["denials_by_reason"]
    assert [(d["group"], d["code"], d["claims"]) for d in denials] == [("CO", "197", 1)]
    assert sum(Decimal(d["amount"]) for d in denials) == Decimal(book["denied"])
    assert denials[0]["words"] == "authorization" and "TAR" in denials[0]["action"]
    assert [r["code"] for r in book["remarks_on_denials"]] == ["N54"]
    programs = {p["program"]: p for p in book["by_program"]}
    assert sum(Decimal(p["billed"]) for p in programs.values()) == Decimal(book["billed"])
    assert programs["ECM PMPM"]["denied_lines"] == 1  # N00000002's PMPM, denied CO-197
    assert programs["ECM outreach"]["units"] == "4"
    open_claims = {b["bucket"]: b["claims"] for b in book["open_by_aging_bucket"]}
    assert open_claims["31-60"] == 2 and sum(open_claims.values()) == 2
