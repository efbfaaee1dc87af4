"""The rule fixtures. ``fixtures/invalid/<RULE-ID>*.csv``: exactly that rule fires, on exactly the
rows its ``cases.toml`` entry names. ``fixtures/valid/*.csv``: what a rule once flagged or priced
wrongly (the seed's own examples among them) raises no finding at all, and bills what it says."""

from __future__ import annotations

import tomllib
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from edi837.ingest.tars import read_tars
from edi837.issues import Report, Severity
from edi837.rules.history import NoHistory
from edi837.rules.registry import all_rules
from edi837.services.prepare import Prepared, prepare

from .conftest import FIXTURES
from .helpers import profile

INVALID = FIXTURES / "invalid"
VALID = FIXTURES / "valid"
CASES: dict[str, dict[str, Any]] = tomllib.loads(
    (INVALID / "cases.toml").read_text(encoding="utf-8")
)
VALID_CASES: dict[str, dict[str, Any]] = tomllib.loads(
    (VALID / "cases.toml").read_text(encoding="utf-8")
)
AS_OF = date(2026, 2, 2)


def prepared(
    records: Path,
    *,
    tars: Path | None = None,
    prof_tables: dict[str, Any] | None = None,
    as_of: date = AS_OF,
) -> Prepared:
    report = Report()
    tar_list = read_tars(tars, report) if tars else None
    return prepare(
        records,
        profile(**(prof_tables or {})),
        as_of=as_of,
        history=NoHistory(),
        tars=tar_list,
        report=report,
    )


def check(records: Path, **options: Any) -> Report:
    return prepared(records, **options).report


def run_case(folder: Path, name: str, case: dict[str, Any]) -> tuple[Prepared, Path | None]:
    tars = folder / case["tars"] if "tars" in case else None
    done = prepared(
        folder / f"{name}.csv",
        tars=tars,
        prof_tables=case.get("profile"),
        as_of=case.get("as_of", AS_OF),
    )
    return done, tars


def rule_of(name: str, case: dict[str, Any]) -> str:
    return str(case.get("rule", name))


def test_every_rule_has_a_fixture_named_after_it() -> None:
    ids = {r.id for r in all_rules()}
    named = {case.get("about", rule_of(name, case)) for name, case in CASES.items()}
    assert ids == named, f"missing fixtures: {ids - named}; stray: {named - ids}"
    assert ids <= set(CASES), f"no fixture named exactly after {ids - set(CASES)}"
    for name, case in CASES.items():
        assert (INVALID / f"{name}.csv").exists()
        about = case.get("about", rule_of(name, case))
        assert name.startswith(about), f"{name} is not named after its rule"
        if "about" in case:
            assert rule_of(name, case).startswith("INPUT-"), name
    for name in VALID_CASES:
        assert (VALID / f"{name}.csv").exists()


@pytest.mark.parametrize("name", sorted(CASES))
def test_exactly_that_rule_fires_on_exactly_that_row(name: str) -> None:
    case = CASES[name]
    rule_id = rule_of(name, case)
    done, tars = run_case(INVALID, name, case)
    report = done.report
    rows = case["rows"] if "rows" in case else [case["row"]]
    found = sorted((i.rule_id, i.location.first_row) for i in report)
    expected = sorted(
        [*((rule_id, row) for row in rows), *(tuple(x) for x in case.get("also", []))]
    )
    assert found == expected, "\n".join(i.render() for i in report)
    hit = next(i for i in report if i.rule_id == rule_id)
    if case.get("in_tars"):
        assert hit.location.file == str(tars)
    else:
        assert hit.location.file == str(INVALID / f"{name}.csv")
        assert hit.location.record_id


@pytest.mark.parametrize("name", sorted(VALID_CASES))
def test_a_valid_case_raises_no_finding(name: str) -> None:
    """And bills the units and charges the case gives, line by line, where it gives them."""
    case = VALID_CASES[name]
    done, _ = run_case(VALID, name, case)
    found = sorted((i.rule_id, i.location.first_row) for i in done.report)
    assert found == sorted(tuple(x) for x in case.get("also", [])), "\n".join(
        i.render() for i in done.report
    )
    if "units" in case:
        assert [line.units for line in done.lines] == [Decimal(u) for u in case["units"]]
    if "charges" in case:
        assert [line.charge for line in done.lines] == [Decimal(c) for c in case["charges"]]


def test_the_clean_fixtures_have_no_error() -> None:
    clean = (
        ("records.csv", "tars.csv", AS_OF),
        ("all-codes.csv", "all-codes-tars.csv", date(2026, 2, 5)),
    )
    for records, tars, as_of in clean:
        report = check(FIXTURES / records, tars=FIXTURES / tars, as_of=as_of)
        assert not report.has_errors, "\n".join(i.render() for i in report.errors)


def test_messages_say_what_to_do_and_rules_cite_a_source() -> None:
    for rule in all_rules():
        assert rule.advice and rule.source and rule.example and rule.title
        assert rule.severity in (Severity.ERROR, Severity.WARN, Severity.INFO)
