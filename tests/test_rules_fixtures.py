"""The rule fixtures. ``fixtures/invalid/<RULE-ID>*.csv``: exactly that rule fires, on exactly the
rows its ``cases.toml`` entry names. ``fixtures/valid/*.csv``: what a rule once flagged or priced
wrongly (the seed's own examples among them) raises no finding at all, and bills what it says.

A case with ``history`` is about what was billed before: that records file is built first, into
a new ledger, and the fixture is then built against it (``build`` makes the records-file check
before any rule, so the case goes through the whole build)."""

from __future__ import annotations

import tomllib
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from edi837.errors import BlockedError
from edi837.ingest.tars import read_tars
from edi837.issues import Issue, Report, Severity
from edi837.rules.history import NoHistory
from edi837.rules.registry import all_rules
from edi837.services.prepare import Prepared, prepare

from .conftest import FIXTURES
from .helpers import build_file, profile

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


def built_after_history(name: str, case: dict[str, Any], work: Path) -> list[Issue]:
    """Build the case's history, then the fixture, through one ledger: what the second build
    reports (a blocked build's findings, or a written one's)."""
    ledger = work / "ledger.sqlite"
    as_of = case.get("as_of", AS_OF)
    prof = profile(**(case.get("profile") or {}))
    tars = INVALID / case["tars"] if "tars" in case else None
    build_file(
        INVALID / case["history"], work / "history.837", ledger, as_of=as_of, tars=tars, prof=prof
    )
    try:
        result = build_file(
            INVALID / f"{name}.csv", work / "again.837", ledger, as_of=as_of, tars=tars, prof=prof
        )
    except BlockedError as blocked:
        return list(blocked.issues)
    return result.report.sorted()


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
def test_exactly_that_rule_fires_on_exactly_that_row(name: str, tmp_path: Path) -> None:
    case = CASES[name]
    rule_id = rule_of(name, case)
    tars = INVALID / case["tars"] if "tars" in case else None
    if "history" in case:
        report: list[Issue] | Report = built_after_history(name, case, tmp_path)
    else:
        report = run_case(INVALID, name, case)[0].report
    rows = [None] if case.get("whole_file") else case["rows"] if "rows" in case else [case["row"]]
    found = sorted(
        ((i.rule_id, i.location.first_row) for i in report), key=lambda f: (f[0], f[1] or 0)
    )
    expected = sorted(
        [*((rule_id, row) for row in rows), *(tuple(x) for x in case.get("also", []))],
        key=lambda f: (f[0], f[1] or 0),
    )
    assert found == expected, "\n".join(i.render() for i in report)
    hit = next(i for i in report if i.rule_id == rule_id)
    if case.get("in_tars"):
        assert hit.location.file == str(tars)
    else:
        assert hit.location.file == str(INVALID / f"{name}.csv")
        assert hit.location.record_id or case.get("whole_file")


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


class _Recording:
    """A history with nothing in it that remembers being asked."""

    def __init__(self) -> None:
        self.asked = False

    def lines(self, *args: Any, **kwargs: Any) -> list[Any]:
        self.asked = True
        return []

    def sent(self, claim_ids: Any) -> dict[str, Any]:
        return {}


@pytest.mark.parametrize("rule_id", sorted(r.id for r in all_rules() if r.check is not None))
def test_a_rule_says_whether_it_counts_earlier_batches(rule_id: str) -> None:
    """docs/rules.md tells each rule's page what it counts from ``Rule.history``: a rule that asks
    the ledger on its own fixture must declare it, and one that declares it must ask."""
    from edi837.rules.engine import Findings, RuleContext
    from edi837.rules.registry import get

    rule = get(rule_id)
    case = CASES[rule_id]
    tars = INVALID / case["tars"] if "tars" in case else None
    done = prepared(
        INVALID / f"{rule_id}.csv",
        tars=tars,
        prof_tables=case.get("profile"),
        as_of=case.get("as_of", AS_OF),
    )
    prof = profile(**(case.get("profile") or {}))
    recording = _Recording()
    context = RuleContext(
        file=rule_id,
        lines=done.lines,
        schedule=done.schedule,
        policies=prof.policies,
        as_of=case.get("as_of", AS_OF),
        history=recording,
        tars=read_tars(tars, Report()) if tars else None,
    )
    assert rule.check is not None
    rule.check(context, Findings(Report(), rule_id, prof.policies))
    assert recording.asked == rule.history, (
        f"{rule_id}: history={rule.history} but it {'asked' if recording.asked else 'never asked'}"
    )
