"""The Python API (edi837/api.py): typed (py.typed), the commands' own services, and the
runnable example in docs/ works as its page says."""

from __future__ import annotations

import inspect
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from edi837 import api
from edi837.cli import main

from .conftest import FIXTURES, REPO

PROFILE = FIXTURES / "profile.toml"
RECORDS = FIXTURES / "records.csv"
TARS = FIXTURES / "tars.csv"
ON = date(2026, 2, 2)


def test_the_package_says_it_is_typed() -> None:
    assert (REPO / "edi837" / "py.typed").is_file()
    assert all(hasattr(api, name) for name in api.__all__)
    functions = [name for name in api.__all__ if inspect.isfunction(getattr(api, name))]
    assert len(functions) == 11
    assert [name for name in functions if not getattr(api, name).__doc__] == []


def test_check_finds_what_the_command_finds(capsys: pytest.CaptureFixture[str]) -> None:
    invalid = FIXTURES / "invalid" / "ECM-PMPM-MONTH.csv"
    found = api.check(invalid, PROFILE, as_of=ON)
    assert not found.ok and [i.rule_id for i in found.issues] == ["ECM-PMPM-MONTH"]
    main(["check", str(invalid), "--profile", str(PROFILE), "--as-of", "2026-02-02"])
    assert found.issues[0].message in capsys.readouterr().out
    clean = api.check(RECORDS, api.load_profile(PROFILE), tars=TARS, as_of=ON)
    assert clean.ok and (clean.records, clean.lines, clean.members) == (14, 13, 4)
    assert clean.ledger is None  # the API never guesses a default ledger


def test_build_validate_reconcile_and_the_queue(tmp_path: Path) -> None:
    ledger = tmp_path / "ledger.sqlite"
    built = api.build(RECORDS, PROFILE, tmp_path / "claims.837", ledger=ledger, tars=TARS, as_of=ON)
    assert [c.claim_id for c in built.batch.claims] == [f"N0000000{n}" for n in range(1, 5)]
    assert (
        built.ledger_created
        and built.output.read_bytes() == (FIXTURES / "golden" / "demo.837").read_bytes()
    )
    assert any(i.rule_id == "ECM-U8-PER-DAY" for i in built.report)
    assert api.validate(built.output, ack=True).ack is not None
    (advice,) = api.read_remittance(FIXTURES / "demo" / "remit.835")
    assert [c.patient_control_number for c in advice.claims] == [
        "N00000001",
        "N00000003",
        "N00000004",
    ]
    tally = api.reconcile([FIXTURES / "demo" / "remit.835"], ledger=ledger, as_of=date(2026, 3, 2))
    assert (tally.payments, tally.claims, tally.claims_unmatched) == (1, 3, 0)
    items = api.work_queue(ledger, as_of=date(2026, 3, 2), open_only=True)
    assert {i.facts.claim_id: i.outcome.state.value for i in items} == {
        "N00000002": "sent",
        "N00000003": "partially_paid",
        "N00000004": "denied",
    }
    assert api.claim_data(items[0])["claim_id"] == "N00000002"


def test_replace_writes_a_frequency_7_claim_for_an_accepted_one(tmp_path: Path) -> None:
    from .helpers import accept

    ledger = tmp_path / "ledger.sqlite"
    api.build(RECORDS, PROFILE, tmp_path / "claims.837", ledger=ledger, tars=TARS, as_of=ON)
    with pytest.raises(api.InputError, match="accepted"):
        api.replace(
            "N00000001",
            FIXTURES / "replace" / "N00000001-corrected.csv",
            PROFILE,
            tmp_path / "fix.837",
            ledger=ledger,
            tars=TARS,
            as_of=date(2026, 2, 3),
        )
    accept(ledger, "N00000001")
    fixed = api.replace(
        "n00000001",
        FIXTURES / "replace" / "N00000001-corrected.csv",
        PROFILE,
        tmp_path / "fix.837",
        ledger=ledger,
        payer_claim_number="ICN1",
        tars=TARS,
        as_of=date(2026, 2, 3),
    )
    (claim,) = fixed.batch.claims
    assert (claim.frequency.value, claim.payer_claim_number) == ("7", "ICN1")
    assert fixed.originals == {claim.claim_id: "N00000001"}


def test_a_blocked_build_raises_with_every_finding(tmp_path: Path) -> None:
    with pytest.raises(api.BlockedError) as caught:
        api.build(
            FIXTURES / "invalid" / "ECM-PMPM-MONTH.csv",
            PROFILE,
            tmp_path / "o.837",
            ledger=tmp_path / "l.sqlite",
            as_of=ON,
        )
    assert caught.value.exit_code == api.ExitCode.FINDINGS
    assert [i.rule_id for i in caught.value.issues] == ["ECM-PMPM-MONTH"]
    assert not (tmp_path / "o.837").exists()


def test_read_remittance_refuses_an_837(tmp_path: Path) -> None:
    with pytest.raises(api.InputError, match="837 claim file"):
        api.read_remittance(FIXTURES / "golden" / "demo.837")


def test_the_example_in_the_docs_runs(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(REPO / "docs" / "examples" / "month.py"), str(tmp_path / "month")],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert "claims.837: valid against the TR3" in lines
    assert any(line.startswith("N00000003  partially_paid") for line in lines)
    assert "90000001A" not in done.stdout  # the API masks member data like the commands
    page = (REPO / "docs" / "api.md").read_text(encoding="utf-8")
    assert "docs/examples/month.py" in page


def test_validate_checks_as_the_command_does(tmp_path: Path) -> None:
    """Our engine by default (SNIP 1-5, as `edi837 validate`), pyx12 when asked: an NPI with a
    wrong check digit is a SNIP 5 finding pyx12 does not look for."""
    demo = (FIXTURES / "golden" / "demo.837").read_text(encoding="ascii")
    broken = tmp_path / "npi.837"
    broken.write_text(demo.replace("XX*1234567893", "XX*1234567890"), encoding="ascii")
    ours = api.validate(broken)
    assert not ours.ok and {i.rule_id for i in ours.issues} == {"SNIP5-NPI"}
    assert [code for _, _, code in ours.transactions] == ["R"]
    assert api.validate(broken, engine="pyx12").ok
    clean = api.validate(FIXTURES / "golden" / "demo.837", ack=True)
    assert clean.ok and [code for _, _, code in clean.transactions] == ["A"]
    assert clean.ack is not None and "IK5*A" in clean.ack
    garbage = tmp_path / "notes.837"
    garbage.write_text("not an interchange at all\n", encoding="ascii")
    refused = api.validate(garbage)
    assert not refused.ok and [i.rule_id for i in refused.issues] == ["SNIP1-NOT-X12"]
    with pytest.raises(api.InputError):
        api.validate(broken, engine="pyx13")
