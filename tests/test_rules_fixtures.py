"""One failing fixture per rule ID: exactly that rule fires, on exactly that row."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

import pytest

from edi837.ingest.tars import read_tars
from edi837.issues import Report, Severity
from edi837.rules.history import NoHistory
from edi837.rules.registry import all_rules
from edi837.services.prepare import prepare

from .conftest import FIXTURES
from .helpers import profile

INVALID = FIXTURES / "invalid"
CASES = tomllib.loads((INVALID / "cases.toml").read_text(encoding="utf-8"))
AS_OF = date(2026, 2, 2)


def check(
    records: Path,
    *,
    tars: Path | None = None,
    prof_tables: dict | None = None,
    as_of: date = AS_OF,  # type: ignore[type-arg]
) -> Report:
    report = Report()
    tar_list = read_tars(tars, report) if tars else None
    prepare(
        records,
        profile(**(prof_tables or {})),
        as_of=as_of,
        history=NoHistory(),
        tars=tar_list,
        report=report,
    )
    return report


def test_every_rule_has_a_fixture() -> None:
    ids = {r.id for r in all_rules()}
    assert ids == set(CASES), f"missing fixtures: {ids - set(CASES)}; stray: {set(CASES) - ids}"
    for rule_id in ids:
        assert (INVALID / f"{rule_id}.csv").exists()


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_exactly_that_rule_fires_on_exactly_that_row(rule_id: str) -> None:
    case = CASES[rule_id]
    tars = INVALID / case["tars"] if "tars" in case else None
    report = check(INVALID / f"{rule_id}.csv", tars=tars, prof_tables=case.get("profile"))
    found = sorted((i.rule_id, i.location.first_row) for i in report)
    expected = sorted([(rule_id, case["row"]), *[tuple(x) for x in case.get("also", [])]])
    assert found == expected, "\n".join(i.render() for i in report)
    hit = next(i for i in report if i.rule_id == rule_id)
    if case.get("in_tars"):
        assert hit.location.file == str(tars)
    else:
        assert hit.location.file == str(INVALID / f"{rule_id}.csv")
        assert hit.location.record_id


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
