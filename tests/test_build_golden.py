"""The 837P as built: byte-stable goldens, pyx12 acceptance, the fee schedule in full, round trips."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from edi837.claim837.reader import read_claim_file
from edi837.oracle.pyx12_validator import validate_file
from edi837.payer.fee_schedule import default_schedule
from edi837.services.prepare import fee_schedule_for

from .conftest import FIXTURES
from .helpers import build_file, profile

GOLDEN = FIXTURES / "golden"
CASES = {
    # golden name: (records, tars, as-of)
    "demo.837": ("records.csv", "tars.csv", date(2026, 2, 2)),
    "all-codes.837": ("all-codes.csv", "all-codes-tars.csv", date(2026, 2, 5)),
}


def _build(name: str, tmp_path: Path) -> Path:
    records, tars, as_of = CASES[name]
    out = tmp_path / name
    build_file(
        FIXTURES / records, out, tmp_path / "ledger.sqlite", tars=FIXTURES / tars, as_of=as_of
    )
    return out


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden_files_are_byte_stable(name: str, tmp_path: Path) -> None:
    built = _build(name, tmp_path).read_bytes()
    golden = GOLDEN / name
    if os.environ.get("EDI837_UPDATE_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_bytes(built)
    assert built == golden.read_bytes(), (
        f"{name} changed: rerun with EDI837_UPDATE_GOLDEN=1 if intended"
    )


@pytest.mark.parametrize("name", sorted(CASES))
def test_built_files_pass_pyx12_with_zero_errors(name: str, tmp_path: Path) -> None:
    result = validate_file(_build(name, tmp_path))
    assert result.issues == ()
    assert result.ok
    assert [ack for _, _, ack in result.transactions] == ["A"]


def test_every_fee_schedule_combination_is_in_a_fixture() -> None:
    text = (FIXTURES / "all-codes.csv").read_text(encoding="utf-8")
    billed = set()
    for row in text.splitlines()[1:]:
        cells = row.split(",")
        billed.add((cells[7], frozenset(cells[8].split())))
    missing = [e.key for e in default_schedule() if (e.code, frozenset(e.modifiers)) not in billed]
    assert missing == []


def test_read_back_gives_the_same_claims_and_lines(tmp_path: Path) -> None:
    result = build_file(
        FIXTURES / "all-codes.csv",
        tmp_path / "out.837",
        tmp_path / "ledger.sqlite",
        tars=FIXTURES / "all-codes-tars.csv",
        as_of=date(2026, 2, 5),
    )
    schedule = fee_schedule_for(profile())

    def categorize(code: str, modifiers: tuple[str, ...]) -> str:
        entry = schedule.lookup(code, modifiers)
        return entry.category.value if entry else "OTHER"

    read = read_claim_file(tmp_path / "out.837", categorize=categorize)
    assert read.issues == []
    assert len(read.batches) == 1
    batch = read.batches[0]
    assert batch.claims == result.batch.claims
    assert batch.billing_provider == result.batch.billing_provider
    assert batch.submitter == result.batch.submitter
    assert batch.interchange == result.batch.interchange
    assert batch.payer == result.batch.payer


def test_splits_claims_and_transactions_and_stays_valid(tmp_path: Path) -> None:
    small = profile(claims={"max_lines_per_claim": 2, "max_claims_per_transaction": 3})
    result = build_file(
        FIXTURES / "all-codes.csv",
        tmp_path / "split.837",
        tmp_path / "ledger.sqlite",
        tars=FIXTURES / "all-codes-tars.csv",
        as_of=date(2026, 2, 5),
        prof=small,
    )
    assert all(len(c.lines) <= 2 for c in result.batch.claims)
    assert len(result.batch.interchange.transaction_numbers) == -(-len(result.batch.claims) // 3)
    validation = validate_file(tmp_path / "split.837")
    assert validation.issues == ()
    assert len(validation.transactions) == len(result.batch.interchange.transaction_numbers)


def _replacement(tmp_path: Path) -> Path:
    """The demo built, N00000001 paid by reconcile-a.835 (ICN0001), then replaced by its
    corrected records (fixtures/replace/README.md)."""
    from datetime import datetime

    from edi837.ingest.tars import read_tars
    from edi837.issues import Report
    from edi837.ledger.store import Ledger
    from edi837.services.reconcile import import_remittances
    from edi837.services.replace import replace

    ledger = tmp_path / "ledger.sqlite"
    _build("demo.837", tmp_path)
    out = tmp_path / "replace.837"
    with Ledger(ledger) as book:
        import_remittances(
            book, [FIXTURES / "835" / "reconcile" / "reconcile-a.835"], imported_at=date(2026, 3, 5)
        )
        replace(
            "N00000001",
            FIXTURES / "replace" / "N00000001-corrected.csv",
            None,
            profile(),
            out,
            book,
            as_of=date(2026, 3, 6),
            created=datetime(2026, 3, 6),
            tars=read_tars(FIXTURES / "tars.csv", Report()),
        )
    return out


def test_the_replacement_golden_is_byte_stable_and_passes_pyx12(tmp_path: Path) -> None:
    built = _replacement(tmp_path)
    golden = GOLDEN / "replace.837"
    if os.environ.get("EDI837_UPDATE_GOLDEN"):
        golden.write_bytes(built.read_bytes())
    assert built.read_bytes() == golden.read_bytes(), (
        "replace.837 changed: rerun with EDI837_UPDATE_GOLDEN=1 if intended"
    )
    result = validate_file(built)
    assert result.issues == ()
    assert [ack for _, _, ack in result.transactions] == ["A"]
    text = built.read_text()
    assert "CLM*N00000005*575***12:B:7*Y*A*Y*Y~\nREF*F8*ICN0001~" in text
