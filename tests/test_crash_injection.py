"""Kill build, void, replace and reconcile at each step boundary (as kill -9 would) and check: no control
number is ever handed out twice to a published file, no partial file survives the next run, the
ledger passes SQLite's integrity check, and the next run succeeds."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import FIXTURES
from .helpers import accept

PROFILE = str(FIXTURES / "profile.toml")
TARS = str(FIXTURES / "tars.csv")


def edi837(*args: str, fault: str | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.pop("EDI837_FAULT", None)
    if fault:
        env["EDI837_FAULT"] = fault
    return subprocess.run(
        [sys.executable, "-m", "edi837", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def build(
    ledger: Path, records: Path, out: Path, fault: str | None = None, *more: str
) -> subprocess.CompletedProcess[str]:
    return edi837(
        "build", str(records), "--profile", PROFILE, "--tars", TARS, "--ledger", str(ledger),
        "--out", str(out), "--as-of", "2026-02-02", *more, fault=fault,
    )  # fmt: skip


def published_isa13s(folder: Path) -> list[str]:
    """ISA13 of every 837 in the folder (what could have reached the payer)."""
    return sorted(p.read_text()[90:99] for p in folder.glob("*.837"))


def check_ledger(ledger: Path) -> None:
    with sqlite3.connect(ledger) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []


def partials(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.name.endswith(".partial")]


@pytest.mark.slow
@pytest.mark.parametrize("fault", ["emit:encoded", "emit:recorded", "emit:published"])
def test_a_build_killed_at_each_step_never_reuses_a_number(tmp_path: Path, fault: str) -> None:
    ledger = tmp_path / "ledger.sqlite"
    first = tmp_path / "first.837"
    killed = build(ledger, FIXTURES / "records.csv", first, fault)
    assert killed.returncode == 137, killed.stderr
    if fault == "emit:encoded":
        assert not first.exists() and len(partials(tmp_path)) == 1  # nothing committed
    elif fault == "emit:recorded":
        assert not first.exists() and len(partials(tmp_path)) == 1  # committed, not renamed
    else:
        assert first.exists() and not partials(tmp_path)  # renamed, not confirmed
    check_ledger(ledger)

    # the next run settles everything
    again = build(ledger, FIXTURES / "records.csv", first)
    if fault == "emit:published":
        # the file is complete and in place: it must not be overwritten
        assert again.returncode == 2 and "interrupted after the file was complete" in again.stderr
        # under another name: the batch is adopted, so its records count as built and billed
        again = build(ledger, FIXTURES / "records.csv", tmp_path / "retry.837")
        assert again.returncode == 1 and "RECORDS-ALREADY-BUILT" in again.stderr
        assert "adopted as sent" in again.stderr  # findings of a build: standard error
        again = build(
            ledger, FIXTURES / "records.csv", tmp_path / "retry.837", None,
            "--allow", "RECORDS-ALREADY-BUILT",
        )  # fmt: skip
        assert again.returncode == 1
        assert "DUPLICATE-SERVICE" in again.stderr and "ECM-PMPM-MONTH" in again.stderr
        second = tmp_path / "second.837"
        other = build(ledger, FIXTURES / "all-codes.csv", second)
        assert other.returncode in (0, 1), other.stderr
    else:
        assert again.returncode == 0, again.stderr
        if fault == "emit:recorded":
            assert "abandoned" in again.stderr
    assert not partials(tmp_path)
    isa13s = published_isa13s(tmp_path)
    assert len(isa13s) == len(set(isa13s)), isa13s
    with sqlite3.connect(ledger) as db:
        pending = db.execute(
            "SELECT COUNT(*) FROM batches b LEFT JOIN batch_events e ON e.batch_id = b.batch_id "
            "WHERE e.batch_id IS NULL"
        ).fetchone()[0]
        assert pending == 0
        numbers = [r[0] for r in db.execute("SELECT isa13 FROM batches")]
        assert len(numbers) == len(set(numbers))
    check_ledger(ledger)


def killed_correction(
    tmp_path: Path, ledger: Path, args: tuple[str, ...], fault: str, already: str
) -> subprocess.CompletedProcess[str]:
    """Kill a void or replace (``args``, ending in --out F --as-of D) at ``fault``, run it again
    and check what each step leaves; returns the run after the kill."""
    assert edi837(*args, fault=fault).returncode == 137
    check_ledger(ledger)
    again = edi837(*args)
    if fault == "emit:published":
        # the correction is complete and in place: adopted, so it stands
        assert again.returncode == 2 and "recorded as sent" in again.stderr
        retry = edi837(*args[:-4], "--out", str(tmp_path / "retry.837"), *args[-2:])
        assert retry.returncode == 2 and already in retry.stderr
    else:
        assert again.returncode == 0, again.stderr
    assert not partials(tmp_path)
    isa13s = published_isa13s(tmp_path)
    assert len(isa13s) == len(set(isa13s))
    check_ledger(ledger)
    return again


@pytest.mark.slow
@pytest.mark.parametrize("fault", ["emit:encoded", "emit:recorded", "emit:published"])
def test_a_void_killed_at_each_step_never_reuses_a_number(tmp_path: Path, fault: str) -> None:
    ledger = tmp_path / "ledger.sqlite"
    assert build(ledger, FIXTURES / "records.csv", tmp_path / "demo.837").returncode == 0
    accept(ledger, "N00000001")
    args = ("void", "N00000001", "--payer-claim-number", "ICN1", "--profile", PROFILE,
            "--ledger", str(ledger), "--out", str(tmp_path / "void.837"), "--as-of", "2026-02-03")  # fmt: skip
    killed_correction(tmp_path, ledger, args, fault, "already voided")


@pytest.mark.slow
@pytest.mark.parametrize("fault", ["emit:encoded", "emit:recorded", "emit:published"])
def test_a_replace_killed_at_each_step_never_reuses_a_number(tmp_path: Path, fault: str) -> None:
    ledger = tmp_path / "ledger.sqlite"
    assert build(ledger, FIXTURES / "records.csv", tmp_path / "demo.837").returncode == 0
    accept(ledger, "N00000001")
    args = ("replace", "N00000001", "--records", str(FIXTURES / "replace" / "N00000001-corrected.csv"),
            "--payer-claim-number", "ICN1", "--profile", PROFILE, "--tars", TARS,
            "--ledger", str(ledger), "--out", str(tmp_path / "fix.837"), "--as-of", "2026-02-03")  # fmt: skip
    again = killed_correction(tmp_path, ledger, args, fault, "already replaced by N00000005")
    if fault == "emit:recorded":
        # the abandoned replacement keeps its number: the one sent is the next
        # the settling note is a finding (stderr); the summary is the output (stdout)
        assert "abandoned" in again.stderr and "replaced N00000001 with N00000006" in again.stdout
    with sqlite3.connect(ledger) as db:
        live = db.execute("SELECT DISTINCT live FROM lines WHERE claim_id = 'N00000001'").fetchall()
    assert live == [(0,)]  # whichever replacement stands, the original no longer counts


@pytest.mark.slow
@pytest.mark.parametrize("fault", ["reconcile:file", "reconcile:refreshed"])
def test_a_reconcile_killed_mid_import_records_nothing(tmp_path: Path, fault: str) -> None:
    ledger = tmp_path / "ledger.sqlite"
    assert build(ledger, FIXTURES / "records.csv", tmp_path / "demo.837").returncode == 0
    remits = [str(FIXTURES / "835" / "reconcile" / f"reconcile-{x}.835") for x in "ab"]
    assert edi837("reconcile", *remits, "--ledger", str(ledger), fault=fault).returncode == 137
    with sqlite3.connect(ledger) as db:
        assert db.execute("SELECT COUNT(*) FROM remittances").fetchone() == (0,)
    check_ledger(ledger)
    done = edi837("reconcile", *remits, "--ledger", str(ledger), "--as-of", "2026-03-05")
    assert done.returncode == 0, done.stderr
    assert "imported 2 file(s)" in done.stderr
    check_ledger(ledger)
