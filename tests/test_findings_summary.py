"""Thousands of findings read from the top: one line per rule with its count first, the totals,
then the findings themselves, at most --max-issues of them (100 by default in text)."""

from __future__ import annotations

from pathlib import Path

import pytest

from edi837.cli import main
from edi837.issues import Location, Report, Severity
from edi837.ledger.store import Ledger
from edi837.render.issues import TEXT_LIMIT, render_text

from .conftest import FIXTURES

LATE = [
    "check",
    str(FIXTURES / "records.csv"),
    "--profile",
    str(FIXTURES / "profile.toml"),
    "--as-of",
    "2026-03-01",  # every line past the 30-day mark: 13 FILING-30 warnings and a merge note
]


def test_the_summary_comes_first_and_the_detail_after(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(LATE) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("WARN  FILING-30 x13  Claims should go out within 30 days")
    assert lines[1].startswith("INFO  ECM-U8-PER-DAY x1  One member, one day, one code")
    assert lines[2] == "0 error(s), 13 warning(s), 1 info"
    assert lines[3] == "" and lines[4] == "WARN  FILING-30"
    first = f"      {FIXTURES / 'records.csv'}, row 2, record R001: 2026-01-05 is 55 days"
    assert lines[5].startswith(first)
    assert sum("days before 2026-03-01" in line for line in lines) == 13


def test_max_issues_caps_the_detail_and_says_how_to_see_the_rest(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main([*LATE, "--max-issues", "3"]) == 0
    out = capsys.readouterr().out
    assert out.count("days before 2026-03-01") == 3
    assert "listed 3 of 14 findings: --max-issues 0 lists them all" in out
    assert "ECM-U8-PER-DAY x1" in out  # the summary still names every rule
    assert main([*LATE, "--max-issues", "0"]) == 0
    out = capsys.readouterr().out
    assert out.count("days before 2026-03-01") == 13 and "listed" not in out


def test_a_negative_max_issues_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*LATE, "--max-issues", "-1"]) == 64


def test_thousands_of_findings_list_a_hundred_by_default_and_count_them_all() -> None:
    report = Report()
    for row in range(2, 5260):
        report.warn("FILING-30", "late", Location(file="big.csv", row=row))
    report.error("ECM-PMPM-MONTH", "a second PMPM", Location(file="big.csv", row=9000))
    text = render_text(report.sorted())
    lines = text.splitlines()
    assert lines[0].startswith("ERROR ECM-PMPM-MONTH x1")  # the errors lead, whatever their row
    assert lines[1].startswith("WARN  FILING-30 x5,258  Claims should go out within 30 days")
    assert lines[2] == "1 error(s), 5,258 warning(s), 0 info"
    assert sum(line.startswith("      big.csv") for line in lines) == TEXT_LIMIT == 100
    assert (
        lines[-1]
        == "listed 100 of 5,259 findings: --max-issues 0 lists them all (or --format json)"
    )
    assert lines[4:6] == ["ERROR ECM-PMPM-MONTH", "      big.csv, row 9000: a second PMPM"]


def test_a_rule_with_findings_of_two_severities_is_summarised_at_the_worst() -> None:
    report = Report()
    report.add("INPUT-COLUMN", Severity.WARN, "a", Location(row=2))
    report.add("INPUT-COLUMN", Severity.ERROR, "b", Location(row=3))
    assert render_text(report.sorted()).startswith("ERROR INPUT-COLUMN x2")


def test_check_says_which_ledger_it_counted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ledger = tmp_path / "ledger.sqlite"
    Ledger(ledger).close()  # a new, empty ledger
    assert main([*LATE, "--ledger", str(ledger)]) == 0
    last = capsys.readouterr().out.splitlines()[-1]
    assert last == (
        "checked 14 record(s) as 13 line(s) for 4 member(s) as of 2026-03-01, "
        f"against the history in {ledger}"
    )
