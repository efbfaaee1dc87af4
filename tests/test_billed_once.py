"""Bill each service once, and correct it the way the payer expects (issue 8): the scenarios a
coordinator meets, each through the real services and one ledger."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from edi837.errors import BlockedError, InputError
from edi837.ledger.events import outcome
from edi837.ledger.store import Ledger
from edi837.lifecycle.machine import State
from edi837.model.profile import Profile
from edi837.outputs import OutputRefused
from edi837.services.build import BuildResult
from edi837.services.reconcile import import_remittances
from edi837.services.replace import replace
from edi837.services.void import void

from .conftest import FIXTURES
from .helpers import accept, build_file, profile, reject, write_csv

RECORDS = FIXTURES / "records.csv"
TARS = FIXTURES / "tars.csv"
CORRECTED = FIXTURES / "replace" / "N00000001-corrected.csv"
PAID_AND_DENIED = FIXTURES / "835" / "reconcile" / "reconcile-a.835"  # pays N1, denies N2
HEADER = RECORDS.read_text(encoding="utf-8").splitlines()[0]


def ledger_rows(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table: what "no ledger change" compares."""
    with sqlite3.connect(path) as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {t: db.execute(f"SELECT * FROM {t} ORDER BY rowid").fetchall() for t in tables}


def files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith("ledger.sqlite"))


def rows_of(path: Path, *record_ids: str) -> list[str]:
    return [
        line
        for line in path.read_text(encoding="utf-8").splitlines()[1:]
        if line.split(",")[0] in record_ids
    ]


def state(ledger: Path, claim_id: str) -> State:
    with Ledger(ledger) as book:
        found = outcome(book, claim_id)
    assert found is not None
    return found[1].state


def live(ledger: Path, claim_id: str) -> set[int]:
    with sqlite3.connect(ledger) as db:
        return {r[0] for r in db.execute("SELECT live FROM lines WHERE claim_id = ?", (claim_id,))}


def do_replace(
    ledger: Path,
    claim_id: str,
    records: Path,
    out: Path,
    *,
    number: str | None = None,
    prof: Profile | None = None,
    on: date = date(2026, 3, 6),
    allow: frozenset[str] = frozenset(),
) -> BuildResult:
    from edi837.ingest.tars import read_tars
    from edi837.issues import Report

    with Ledger(ledger) as book:
        return replace(
            claim_id,
            records,
            number,
            prof or profile(),
            out,
            book,
            as_of=on,
            created=datetime.combine(on, datetime.min.time()),
            allow=allow,
            tars=read_tars(TARS, Report()),
        )


def do_void(
    ledger: Path, claim_id: str, out: Path, *, prof: Profile | None = None, number: str = ""
) -> BuildResult:
    with Ledger(ledger) as book:
        return void(
            [claim_id],
            {claim_id: number} if number else {},
            prof or profile(),
            out,
            book,
            as_of=date(2026, 3, 6),
            created=datetime(2026, 3, 6),
        )


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    """The demo month built into a new ledger (claims N00000001..N00000004); returns the ledger."""
    ledger = tmp_path / "ledger.sqlite"
    build_file(RECORDS, tmp_path / "demo.837", ledger, tars=TARS)
    return ledger


def paid(ledger: Path) -> Path:
    """The payer's 835: N00000001 paid in full (ICN0001), N00000002 denied (CO-197)."""
    with Ledger(ledger) as book:
        import_remittances(book, [PAID_AND_DENIED], imported_at=date(2026, 3, 5))
    return ledger


# -- the same services twice ---------------------------------------------------------------------


def test_the_same_records_built_twice_are_refused_and_change_nothing(
    demo: Path, tmp_path: Path
) -> None:
    before, present = ledger_rows(demo), files(tmp_path)
    with pytest.raises(BlockedError) as refused:
        build_file(RECORDS, tmp_path / "again.837", demo, tars=TARS)
    (issue,) = refused.value.issues
    assert issue.rule_id == "RECORDS-ALREADY-BUILT"
    assert "batch 1 of 2026-02-02" in issue.message and "demo.837" in issue.message
    assert "13 of its 13 line(s) still count as billed" in issue.message
    assert ledger_rows(demo) == before
    assert files(tmp_path) == present  # no again.837, no partial file


def test_the_same_records_built_again_on_purpose_meet_the_duplicate_rule(
    demo: Path, tmp_path: Path
) -> None:
    """--allow RECORDS-ALREADY-BUILT lets the file through to the rules, which still find every
    service billed already: the lines no monthly or lifetime rule covers among them."""
    with pytest.raises(BlockedError) as refused:
        build_file(
            RECORDS,
            tmp_path / "again.837",
            demo,
            tars=TARS,
            allow=frozenset({"RECORDS-ALREADY-BUILT"}),
        )
    duplicates = [i for i in refused.value.issues if i.rule_id == "DUPLICATE-SERVICE"]
    assert len(duplicates) == 13  # every line, S5130, G9007, U8 outreach and T2033 among them
    assert any("S5130-U6 on 2026-01-14" in i.message for i in duplicates)
    assert any("G9007 on 2026-01-21" in i.message for i in duplicates)


def test_january_exported_again_into_february_is_refused_line_by_line(
    demo: Path, tmp_path: Path
) -> None:
    february = [
        rows_of(RECORDS, "R011")[0].replace("R011", "F001").replace("2026-01-14", "2026-02-04"),
        rows_of(RECORDS, "R008")[0].replace("R008", "F002").replace("2026-01-05", "2026-02-05"),
    ]
    # the export's date range slipped: January's homemaker visit and outreach attempts came along
    january = rows_of(RECORDS, "R011", "R001", "R002")
    mixed = write_csv(tmp_path / "february.csv", HEADER, *february, *january)
    with pytest.raises(BlockedError) as refused:
        build_file(mixed, tmp_path / "february.837", demo, tars=TARS, as_of=date(2026, 2, 20))
    found = sorted(
        (i.rule_id, i.location.first_row) for i in refused.value.issues if i.severity == "error"
    )
    # rows 4 and 5 (R001, R002: one line, the units added up) and row 6 (R011)
    assert found == [("DUPLICATE-SERVICE", 4), ("DUPLICATE-SERVICE", 6)]
    messages = " ".join(i.message for i in refused.value.issues)
    assert "claim N00000003 (batch 1 of 2026-02-02" in messages
    assert "claim N00000001 (batch 1 of 2026-02-02" in messages
    assert not (tmp_path / "february.837").exists()
    # February alone goes out
    alone = write_csv(tmp_path / "february-only.csv", HEADER, *february)
    result = build_file(alone, tmp_path / "february.837", demo, tars=TARS, as_of=date(2026, 2, 20))
    assert [c.claim_id for c in result.batch.claims] == ["N00000005"]


def test_a_second_service_on_a_day_already_billed_can_be_allowed(
    demo: Path, tmp_path: Path
) -> None:
    # another homemaker visit on 2026-01-14, found after January was billed
    visit = rows_of(RECORDS, "R011")[0].replace("R011", "L001").replace(",95,", ",30,")
    later = write_csv(tmp_path / "later.csv", HEADER, visit)
    with pytest.raises(BlockedError) as refused:
        build_file(later, tmp_path / "later.837", demo, tars=TARS)
    (issue,) = [i for i in refused.value.issues if i.severity == "error"]
    assert issue.rule_id == "DUPLICATE-SERVICE"
    assert "billed by 15-minute units" in issue.message and "replacing that claim" in issue.message
    result = build_file(
        later, tmp_path / "later.837", demo, tars=TARS, allow=frozenset({"DUPLICATE-SERVICE"})
    )
    assert result.allowed == {"DUPLICATE-SERVICE": 1}


# -- what counts as billed ------------------------------------------------------------------------


def test_a_test_batch_does_not_block_the_production_build_of_the_same_month(
    tmp_path: Path,
) -> None:
    ledger = tmp_path / "ledger.sqlite"
    production = profile(interchange={"usage": "P"})
    build_file(RECORDS, tmp_path / "enrollment-test.837", ledger, tars=TARS)  # ISA15=T
    result = build_file(RECORDS, tmp_path / "january.837", ledger, tars=TARS, prof=production)
    assert result.batch.interchange.usage.value == "P"
    assert not result.report.errors
    # the production batch now counts; the test batch never did
    with pytest.raises(BlockedError, match="built already"):
        build_file(RECORDS, tmp_path / "twice.837", ledger, tars=TARS, prof=production)
    # and a test build sees test history only: the first test batch, not the production one
    with pytest.raises(BlockedError) as refused:
        build_file(RECORDS, tmp_path / "test-again.837", ledger, tars=TARS)
    assert "batch 1 of" in refused.value.issues[0].message


def test_a_denied_claim_is_rebilled_corrected_as_a_new_original(demo: Path, tmp_path: Path) -> None:
    paid(demo)
    assert state(demo, "N00000002") is State.DENIED  # CO-197: no authorization on file
    corrected = write_csv(tmp_path / "rebill.csv", HEADER, *rows_of(RECORDS, "R006", "R007"))
    result = build_file(corrected, tmp_path / "rebill.837", demo, tars=TARS, as_of=date(2026, 3, 6))
    assert not result.report.errors
    assert [len(c.lines) for c in result.batch.claims] == [2]


def test_the_strict_reading_counts_denied_lines(demo: Path, tmp_path: Path) -> None:
    paid(demo)
    strict = profile(policies={"denied_lines_count": True})
    corrected = write_csv(tmp_path / "rebill.csv", HEADER, *rows_of(RECORDS, "R006", "R007"))
    with pytest.raises(BlockedError) as refused:
        build_file(
            corrected, tmp_path / "rebill.837", demo, tars=TARS, as_of=date(2026, 3, 6), prof=strict
        )
    assert {i.rule_id for i in refused.value.issues if i.severity == "error"} == {
        "DUPLICATE-SERVICE",
        "ECM-PMPM-MONTH",
    }


def test_a_front_door_rejection_is_resent_as_a_new_original(demo: Path, tmp_path: Path) -> None:
    reject(demo, "N00000001", "N00000002", "N00000003", "N00000004")
    assert state(demo, "N00000001") is State.REJECTED
    assert live(demo, "N00000001") == {0}
    # nothing counts, so the same records go out again, without --allow
    again = build_file(RECORDS, tmp_path / "resent.837", demo, tars=TARS, as_of=date(2026, 2, 4))
    assert [c.claim_id for c in again.batch.claims] == [f"N0000000{n}" for n in (5, 6, 7, 8)]
    with Ledger(demo) as book:
        found = outcome(book, "N00000001")
    assert found is not None and found[0].resent_as == "N00000005"


# -- voids and replacements refused ---------------------------------------------------------------


def test_void_and_replace_refuse_a_claim_rejected_at_the_front_door(
    demo: Path, tmp_path: Path
) -> None:
    reject(demo, "N00000001")
    before = ledger_rows(demo)
    with pytest.raises(InputError, match=r"rejected at the front door.*new original"):
        do_void(demo, "N00000001", tmp_path / "void.837", number="ICN1")
    with pytest.raises(InputError, match=r"rejected at the front door.*new original"):
        do_replace(demo, "N00000001", CORRECTED, tmp_path / "fix.837", number="ICN1")
    assert ledger_rows(demo) == before
    assert not (tmp_path / "void.837").exists() and not (tmp_path / "fix.837").exists()


def test_void_and_replace_refuse_a_claim_already_voided(demo: Path, tmp_path: Path) -> None:
    accept(demo, "N00000001")
    do_void(demo, "N00000001", tmp_path / "void.837", number="ICN1")
    with pytest.raises(InputError, match="already voided by N00000005"):
        do_void(demo, "N00000001", tmp_path / "void-again.837", number="ICN1")
    with pytest.raises(InputError, match="already voided by N00000005"):
        do_replace(demo, "N00000001", CORRECTED, tmp_path / "fix.837", number="ICN1")


def test_void_and_replace_refuse_a_claim_never_accepted(demo: Path, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not been accepted by the payer yet"):
        do_replace(demo, "N00000001", CORRECTED, tmp_path / "fix.837", number="ICN1")
    with pytest.raises(InputError, match="not been accepted by the payer yet"):
        do_void(demo, "N00000001", tmp_path / "void.837", number="ICN1")


def test_a_void_or_replacement_with_another_providers_profile_is_refused(
    demo: Path, tmp_path: Path
) -> None:
    accept(demo, "N00000001")
    other = profile(billing_provider={"npi": "1245319599"})
    with pytest.raises(InputError, match=r"NPI 1234567893.*bills for NPI 1245319599"):
        do_void(demo, "N00000001", tmp_path / "void.837", prof=other, number="ICN1")
    with pytest.raises(InputError, match=r"NPI 1234567893.*bills for NPI 1245319599"):
        do_replace(demo, "N00000001", CORRECTED, tmp_path / "fix.837", prof=other, number="ICN1")
    assert live(demo, "N00000001") == {1}


# -- replace --------------------------------------------------------------------------------------


def test_replace_after_payment(demo: Path, tmp_path: Path) -> None:
    from edi837.oracle.pyx12_validator import validate_file

    paid(demo)
    result = do_replace(demo, "N00000001", CORRECTED, tmp_path / "fix.837")
    (claim,) = result.batch.claims
    assert claim.claim_id == "N00000005" and claim.frequency.value == "7"
    assert claim.payer_claim_number == "ICN0001"  # CLP07 of the 835 that paid the original
    text = (tmp_path / "fix.837").read_text()
    assert "CLM*N00000005*575***12:B:7*" in text and "REF*F8*ICN0001~" in text
    assert "SV1*HC:G9012:U8*15*UN*3" in text  # the correction: 40 minutes are 3 units
    # sent under what the original was sent under, whatever the profile says today
    assert result.batch.interchange.usage.value == "T"
    assert result.batch.billing_provider.npi == "1234567893"
    assert validate_file(tmp_path / "fix.837").issues == ()
    with sqlite3.connect(demo) as db:
        kind, originals = db.execute(
            "SELECT b.kind, c.original_claim_id FROM batches b JOIN claims c "
            "ON c.batch_id = b.batch_id WHERE c.claim_id = 'N00000005'"
        ).fetchone()
    assert (kind, originals) == ("replace", "N00000001")


def test_a_replacement_counts_instead_of_the_claim_it_replaces(demo: Path, tmp_path: Path) -> None:
    paid(demo)
    do_replace(demo, "N00000001", CORRECTED, tmp_path / "fix.837")
    assert state(demo, "N00000001") is State.REPLACED
    assert live(demo, "N00000001") == {0} and live(demo, "N00000005") == {1}
    with Ledger(demo) as book:
        found = outcome(book, "N00000001")
    assert found is not None and found[1].successor == "N00000005"
    # the services are billed once: by the replacement
    attempt = write_csv(tmp_path / "again.csv", HEADER, *rows_of(CORRECTED, "R003"))
    with pytest.raises(BlockedError) as refused:
        build_file(attempt, tmp_path / "again.837", demo, tars=TARS, as_of=date(2026, 3, 6))
    (issue,) = [i for i in refused.value.issues if i.rule_id == "DUPLICATE-SERVICE"]
    assert "claim N00000005 (batch 2 of 2026-03-06" in issue.message
    # and the original cannot be corrected twice
    with pytest.raises(InputError, match="already replaced by N00000005; replace N00000005"):
        do_replace(demo, "N00000001", CORRECTED, tmp_path / "fix-again.837")


def test_a_replacement_is_checked_without_the_claim_it_replaces(demo: Path, tmp_path: Path) -> None:
    """Its own PMPM and engagement fee are no second PMPM or second engagement; every other rule
    still applies to what it bills."""
    paid(demo)
    result = do_replace(demo, "N00000001", CORRECTED, tmp_path / "fix.837")
    assert not result.report.errors
    doubled = write_csv(
        tmp_path / "doubled.csv",
        HEADER,
        *rows_of(CORRECTED, "R001", "R003", "R004", "R005"),
        *(
            r.replace("R005", "R006").replace("2026-01-15", "2026-01-22")
            for r in rows_of(CORRECTED, "R005")
        ),
    )
    accept(demo, "N00000005")
    with pytest.raises(BlockedError) as refused:
        do_replace(demo, "N00000005", doubled, tmp_path / "fix2.837", number="ICN0001")
    assert [i.rule_id for i in refused.value.issues if i.severity == "error"] == ["ECM-PMPM-MONTH"]


def test_a_replacement_rejected_at_the_front_door_gives_the_original_back(
    demo: Path, tmp_path: Path
) -> None:
    paid(demo)
    do_replace(demo, "N00000001", CORRECTED, tmp_path / "fix.837")
    reject(demo, "N00000005", on=date(2026, 3, 7))
    assert state(demo, "N00000005") is State.REJECTED
    assert state(demo, "N00000001") is State.PAID and live(demo, "N00000001") == {1}
    with pytest.raises(InputError, match="fix what the acknowledgment names and replace N00000001"):
        do_replace(demo, "N00000005", CORRECTED, tmp_path / "fix2.837", number="ICN0001")
    again = do_replace(demo, "N00000001", CORRECTED, tmp_path / "fix2.837")
    assert again.batch.claims[0].claim_id == "N00000006"


def test_replace_refuses_records_of_other_members_or_months(demo: Path, tmp_path: Path) -> None:
    paid(demo)
    before = ledger_rows(demo)
    with pytest.raises(InputError) as refused:
        do_replace(demo, "N00000001", RECORDS, tmp_path / "fix.837")
    message = str(refused.value)
    assert "rows 7, 8, 9" in message and "bill another member" in message
    february = write_csv(
        tmp_path / "feb.csv",
        HEADER,
        *rows_of(CORRECTED, "R001", "R003", "R004"),
        *(r.replace("2026-01-15", "2026-02-02") for r in rows_of(CORRECTED, "R005")),
    )
    with pytest.raises(InputError, match="row 5 are dated outside 2026-01"):
        do_replace(demo, "N00000001", february, tmp_path / "fix.837")
    assert ledger_rows(demo) == before
    assert "90000002B" not in message  # member data stays out of messages


def test_replace_with_no_records_writes_nothing(demo: Path, tmp_path: Path) -> None:
    paid(demo)
    empty = write_csv(tmp_path / "empty.csv", HEADER)
    with pytest.raises(InputError, match="no service records"):
        do_replace(demo, "N00000001", empty, tmp_path / "fix.837")
    assert not (tmp_path / "fix.837").exists() and state(demo, "N00000001") is State.PAID


# -- outputs --------------------------------------------------------------------------------------


@pytest.mark.parametrize("target", ["records", "profile", "tars", "ledger", "-wal", "-shm", "sent"])
def test_build_refuses_to_write_over_an_input_the_ledger_or_a_sent_file(
    demo: Path, tmp_path: Path, target: str
) -> None:
    import shutil

    records = shutil.copy(RECORDS, tmp_path / "records.csv")
    prof_path = shutil.copy(FIXTURES / "profile.toml", tmp_path / "profile.toml")
    tars = shutil.copy(TARS, tmp_path / "tars.csv")
    out = {
        "records": Path(records),
        "profile": Path(prof_path),
        "tars": Path(tars),
        "ledger": demo,
        "-wal": demo.with_name(demo.name + "-wal"),
        "-shm": demo.with_name(demo.name + "-shm"),
        "sent": tmp_path / "demo.837",
    }[target]
    existed = out.read_bytes() if out.exists() else None
    before = ledger_rows(demo)
    from edi837.ingest.profile import load_profile

    with pytest.raises(OutputRefused):
        build_file(Path(records), out, demo, tars=Path(tars), prof=load_profile(Path(prof_path)))
    assert ledger_rows(demo) == before
    if existed is not None:
        assert out.read_bytes() == existed


@pytest.mark.parametrize("target", ["records", "sent", "ledger"])
def test_replace_and_void_refuse_to_write_over_an_input_the_ledger_or_a_sent_file(
    demo: Path, tmp_path: Path, target: str
) -> None:
    paid(demo)
    out = {"records": CORRECTED, "sent": tmp_path / "demo.837", "ledger": demo}[target]
    existed = out.read_bytes()
    with pytest.raises(OutputRefused):
        do_replace(demo, "N00000001", CORRECTED, out)
    if target != "records":
        with pytest.raises(OutputRefused):
            do_void(demo, "N00000001", out)
    assert out.read_bytes() == existed
    assert state(demo, "N00000001") is State.PAID
