"""History rules count what earlier batches sent (through the ledger), and a void releases it.
Also: each configurable setting, both ways."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from edi837.errors import BlockedError
from edi837.issues import Report, Severity
from edi837.ledger.history import LedgerHistory
from edi837.ledger.store import Ledger
from edi837.model.profile import Profile
from edi837.rules.history import NoHistory
from edi837.services.prepare import prepare
from edi837.services.void import void

from .helpers import accept, build_file, profile, write_csv

HEADER = "record_id,member_id,member_last_name,member_first_name,member_dob,member_sex,service_date,hcpcs,modifiers,minutes,units,charge,service_end_date,tar_number,enrollment_date,diagnosis_codes"


def rec(
    rid: str,
    day: str,
    code: str,
    mods: str = "",
    *,
    minutes: str = "",
    units: str = "",
    charge: str = "",
    end: str = "",
    tar: str = "T1",
    enroll: str = "2025-01-01",
) -> str:
    return ",".join(
        [
            rid,
            "93000001A",
            "Roe",
            "Ann",
            "1970-01-01",
            "F",
            day,
            code,
            mods,
            minutes,
            units,
            charge,
            end,
            tar,
            enroll,
            "Z59.01",
        ]
    )


def findings(
    records: Path, ledger: Path, *, as_of: date, prof: Profile | None = None
) -> list[tuple[str, int | None]]:
    report = Report()
    with Ledger(ledger) as book:
        prepare(
            records,
            prof or profile(),
            as_of=as_of,
            history=LedgerHistory(book, test=True),
            report=report,
        )
    return [(i.rule_id, i.location.first_row) for i in report if i.rule_id not in ("FILING-30",)]


# (rule, first batch rows, second batch rows, as-of of the second, the row of the second that fires)
HISTORY_CASES = [
    (
        "ECM-PMPM-MONTH",
        [rec("a", "2026-01-06", "G9008", "U1")],
        [rec("b", "2026-01-25", "G9012", "U2")],
        date(2026, 2, 2),
        2,
    ),
    (
        "CS-PMPM-MONTH",
        [rec("a", "2026-01-06", "H0043", "U6")],
        [rec("b", "2026-01-25", "H2016", "U6")],
        date(2026, 2, 2),
        2,
    ),
    (
        "ECM-ENGAGE-ONCE",
        [rec("a", "2025-03-06", "G9012")],
        [rec("b", "2026-01-25", "G9012")],
        date(2026, 2, 2),
        2,
    ),
    (
        "ECM-U8-LIMIT",
        [
            rec(
                f"a{i}",
                f"2026-01-{10 + i:02d}",
                "G9008",
                "U8",
                minutes="10",
                tar="",
                enroll="2026-03-01",
            )
            for i in range(5)
        ],
        [rec("b", "2026-01-20", "G9012", "U8", minutes="10", tar="", enroll="2026-03-01")],
        date(2026, 2, 2),
        2,
    ),
    (
        "CS-T204X-MONTH",
        [rec("a", "2026-01-06", "T2040", "U6", units="2")],
        [rec("b", "2026-01-25", "T2041", "U6", units="1")],
        date(2026, 2, 2),
        2,
    ),
    (
        "CS-POSTHOSP-LIFETIME",
        [rec("a", "2025-06-01", "H0044", "U3", end="2025-11-27")],  # 180 days
        [rec("b", "2025-11-28", "H0044", "U3", end="2025-12-05")],
        date(2025, 12, 20),
        2,
    ),
    (
        "CS-RECUP-90",
        [rec("a", "2025-10-01", "T2033", "U6", end="2025-12-20")],  # 81 days
        [rec("b", "2025-12-21", "T2033", "U6", end="2025-12-31")],
        date(2026, 1, 5),
        2,
    ),
    (
        "CS-MEALS-XOR-GROCERY",
        [rec("a", "2026-01-06", "S9977", "U6")],
        [rec("b", "2026-01-20", "S5170", "U6", units="4", end="2026-01-21")],
        date(2026, 2, 2),
        2,
    ),
    (
        "CS-MEALS-LIMIT",
        [rec("a", "2026-01-05", "S5170", "U6", units="14", end="2026-01-11")],
        [rec("b", "2026-01-10", "S5170", "U6", units="1")],
        date(2026, 2, 2),
        2,
    ),
    (
        "CS-GROCERY-WEEKLY",
        [rec("a", "2026-01-12", "S9977", "U6")],
        [rec("b", "2026-01-18", "S9977", "U6")],
        date(2026, 2, 2),
        2,
    ),
    (
        "CS-DAYHAB-DAY",
        [rec("a", "2026-01-06", "T2020", "U6", units="6")],
        [rec("b", "2026-01-06", "T2020", "U6", units="3")],
        date(2026, 2, 2),
        2,
    ),
    (
        "CS-DEPOSIT-CAP",
        [rec("a", "2026-01-06", "H0044", "U2", charge="4000.00")],
        [rec("b", "2026-01-20", "H0044", "U2", charge="1500.00")],
        date(2026, 2, 2),
        2,
    ),
]


# The second batch bills the same code on a day the first already billed: it is also a duplicate
# of that day's line (DUPLICATE-SERVICE: add the units to the first claim with a replacement).
SAME_DAY_AGAIN = {"CS-MEALS-LIMIT", "CS-DAYHAB-DAY"}


@pytest.mark.parametrize(
    ("rule", "first", "second", "as_of", "row"), HISTORY_CASES, ids=[c[0] for c in HISTORY_CASES]
)
def test_history_rules_count_earlier_batches(
    rule: str, first: list[str], second: list[str], as_of: date, row: int, tmp_path: Path
) -> None:
    ledger = tmp_path / "ledger.sqlite"
    one = write_csv(tmp_path / "one.csv", HEADER, *first)
    two = write_csv(tmp_path / "two.csv", HEADER, *second)
    # alone, the second batch is fine
    assert findings(two, tmp_path / "empty.sqlite", as_of=as_of) == []
    build_file(one, tmp_path / "one.837", ledger, as_of=as_of)
    expected = [(rule, row)] + ([("DUPLICATE-SERVICE", row)] if rule in SAME_DAY_AGAIN else [])
    assert sorted(findings(two, ledger, as_of=as_of)) == sorted(expected)


def test_a_void_releases_what_it_voids(tmp_path: Path) -> None:
    ledger = tmp_path / "ledger.sqlite"
    one = write_csv(tmp_path / "one.csv", HEADER, rec("a", "2026-01-06", "G9008", "U1"))
    two = write_csv(tmp_path / "two.csv", HEADER, rec("b", "2026-01-25", "G9012", "U2"))
    first = build_file(one, tmp_path / "one.837", ledger)
    with pytest.raises(BlockedError):
        build_file(two, tmp_path / "two.837", ledger)
    claim_id = first.batch.claims[0].claim_id
    accept(ledger, claim_id)
    with Ledger(ledger) as book:
        voided = void(
            [claim_id],
            {claim_id: "PAYER123"},
            profile(),
            tmp_path / "void.837",
            book,
            as_of=date(2026, 2, 2),
            created=datetime(2026, 2, 2),
        )
    (claim,) = voided.batch.claims
    assert claim.frequency.value == "8" and claim.payer_claim_number == "PAYER123"
    assert claim.lines[0].procedure == "G9008"
    text = (tmp_path / "void.837").read_text()
    assert "12:B:8" in text and "REF*F8*PAYER123" in text
    assert findings(two, ledger, as_of=date(2026, 2, 2)) == []
    build_file(two, tmp_path / "two.837", ledger)
    with Ledger(ledger) as book, pytest.raises(Exception, match="already voided"):
        void(
            [claim_id],
            {claim_id: "PAYER123"},
            profile(),
            tmp_path / "again.837",
            book,
            as_of=date(2026, 2, 2),
            created=datetime(2026, 2, 2),
        )


def test_void_output_passes_pyx12(tmp_path: Path) -> None:
    from edi837.oracle.pyx12_validator import validate_file

    ledger = tmp_path / "ledger.sqlite"
    first = build_file(
        write_csv(tmp_path / "one.csv", HEADER, rec("a", "2026-01-06", "G9008", "U1")),
        tmp_path / "one.837",
        ledger,
    )
    claim_id = first.batch.claims[0].claim_id
    accept(ledger, claim_id)
    with Ledger(ledger) as book:
        void(
            [claim_id],
            {claim_id: "ICN0001"},
            profile(),
            tmp_path / "void.837",
            book,
            as_of=date(2026, 2, 2),
            created=datetime(2026, 2, 2),
        )
    assert validate_file(tmp_path / "void.837").issues == ()


# -- configurable settings, both ways ---------------------------------------------------------------


def check(rows: list[str], tmp_path: Path, prof: Profile, as_of: date = date(2026, 2, 2)) -> Report:
    report = Report()
    prepare(
        write_csv(tmp_path / "r.csv", HEADER, *rows),
        prof,
        as_of=as_of,
        history=NoHistory(),
        report=report,
    )
    return report


def test_u8_before_enrollment_severity_is_configurable(tmp_path: Path) -> None:
    rows = [rec("a", "2026-01-12", "G9012", "U8", minutes="20", tar="", enroll="2026-01-10")]
    default = check(rows, tmp_path, profile())
    strict = check(rows, tmp_path, profile(policies={"u8_before_enrollment": "error"}))
    assert [(i.rule_id, i.severity) for i in default] == [("ECM-U8-BEFORE-ENROLL", Severity.WARN)]
    assert [(i.rule_id, i.severity) for i in strict] == [("ECM-U8-BEFORE-ENROLL", Severity.ERROR)]


def test_engagement_fee_policy_lifetime_or_rolling(tmp_path: Path) -> None:
    after_gap = [rec("a", "2024-03-01", "G9012"), rec("b", "2025-06-01", "G9012")]
    no_gap = [
        rec("a", "2025-03-01", "G9012"),
        rec("m", "2025-03-05", "G9008", "U1"),
        rec("b", "2026-01-20", "G9012"),
    ]
    lifetime = profile()
    rolling = profile(policies={"engagement_fee": "rolling-12-months"})
    as_of = date(2025, 6, 10)

    def fired(rows: list[str], prof: Profile, day: date) -> list[int | None]:
        return [
            i.location.row
            for i in check(rows, tmp_path, prof, day)
            if i.rule_id == "ECM-ENGAGE-ONCE"
        ]

    assert fired(after_gap, lifetime, as_of) == [3]
    assert fired(after_gap, rolling, as_of) == []
    assert fired(no_gap, lifetime, date(2026, 2, 2)) == [4]
    assert fired(no_gap, rolling, date(2026, 2, 2)) == [4]


@pytest.mark.parametrize(
    ("policy", "minutes", "units"),
    [
        ("round-half-up", "22", 1),
        ("round-half-up", "23", 2),
        ("round-up", "16", 2),
        ("round-down", "29", 1),
        ("round-up", "7", 1),
    ],
)
def test_minute_rounding_policy(policy: str, minutes: str, units: int, tmp_path: Path) -> None:
    rows = [rec("a", "2026-01-12", "S5130", "U6", minutes=minutes)]
    report = Report()
    prepared = prepare(
        write_csv(tmp_path / "r.csv", HEADER, *rows),
        profile(policies={"minute_rounding": policy}),
        as_of=date(2026, 2, 2),
        history=NoHistory(),
        report=report,
    )
    assert prepared.lines[0].units == units
    assert prepared.lines[0].charge == units * __import__("decimal").Decimal("8.25")


def test_fee_schedule_override_changes_the_rate_and_cs_rate(tmp_path: Path) -> None:
    rows = [rec("a", "2026-01-12", "T2040", "U6", units="1", charge="250.00")]
    assert [i.rule_id for i in check(rows, tmp_path, profile())] == ["CS-RATE"]
    contract = profile(fee_schedule={"T2040-U6": {"rate": "250.00"}})
    assert [i.rule_id for i in check(rows, tmp_path, contract)] == []
    priced = prepare(
        write_csv(tmp_path / "p.csv", HEADER, rec("a", "2026-01-12", "T2040", "U6", units="2")),
        contract,
        as_of=date(2026, 2, 2),
        history=NoHistory(),
    )
    assert str(priced.lines[0].charge) == "500.00"


def test_history_lookups_probe_the_index_never_scan_the_ledger(tmp_path: Path) -> None:
    ledger = tmp_path / "ledger.sqlite"
    build_file(
        write_csv(tmp_path / "one.csv", HEADER, rec("a", "2026-01-06", "G9008", "U1")),
        tmp_path / "o.837",
        ledger,
    )
    with Ledger(ledger) as book:
        history = LedgerHistory(book, test=True)
        assert [
            p.procedure
            for p in history.lines(["93000001A"], ["G9008"], date(2026, 1, 1), date(2026, 1, 31))
        ] == ["G9008"]
        plan = " / ".join(
            str(row[-1])
            for row in book.db.execute(
                "EXPLAIN QUERY PLAN " + history.query(2),
                history.parameters(["G9008", "G9012"], date(2026, 1, 1), date(2026, 1, 31)),
            )
        )
    assert "USING INDEX lines_history" in plan, plan
    assert "SCAN l" not in plan, plan


def test_a_post_hospitalization_stay_resumed_under_its_tar_in_a_later_batch_is_one_stay(
    tmp_path: Path,
) -> None:
    ledger = tmp_path / "ledger.sqlite"
    first = write_csv(
        tmp_path / "one.csv", HEADER, rec("a", "2026-01-03", "H0044", "U3", end="2026-01-10")
    )
    build_file(first, tmp_path / "one.837", ledger)
    same_tar = write_csv(
        tmp_path / "two.csv", HEADER, rec("b", "2026-01-20", "H0044", "U3", end="2026-01-25")
    )
    other_tar = write_csv(
        tmp_path / "three.csv",
        HEADER,
        rec("c", "2026-01-20", "H0044", "U3", end="2026-01-25", tar="T9"),
    )
    assert findings(same_tar, ledger, as_of=date(2026, 2, 2)) == []
    assert findings(other_tar, ledger, as_of=date(2026, 2, 2)) == [("CS-POSTHOSP-LIFETIME", 2)]


@pytest.mark.parametrize(
    ("counting", "unpaid_rows"),
    [("attempts", [7]), ("days", []), ("units", [3, 4, 5, 6, 7])],
)
def test_u8_limit_counts_attempts_days_or_units(
    counting: str, unpaid_rows: list[int], tmp_path: Path
) -> None:
    def attempt(rid: str, day: str, code: str, minutes: str) -> str:
        return rec(rid, day, code, "U8", minutes=minutes, tar="", enroll="2026-03-01")

    rows = [
        attempt("a", "2026-01-05", "G9008", "75"),  # one long attempt: 5 units
        attempt("b", "2026-01-05", "G9012", "10"),  # a second attempt that day, another code
        *(attempt(f"c{d}", f"2026-01-{d:02d}", "G9008", "10") for d in (8, 9, 10, 11)),
    ]
    prof = profile(policies={"u8_limit_counts": counting})
    report = check(rows, tmp_path, prof)
    assert [i.location.row for i in report if i.rule_id == "ECM-U8-LIMIT"] == unpaid_rows
    assert {i.rule_id for i in report} <= {"ECM-U8-LIMIT"}


def test_rolling_engagement_gap_runs_from_the_end_of_the_last_pmpm_month(tmp_path: Path) -> None:
    ledger = tmp_path / "ledger.sqlite"
    rolling = profile(policies={"engagement_fee": "rolling-12-months"})
    first = write_csv(
        tmp_path / "one.csv",
        HEADER,
        rec("a", "2025-03-01", "G9012", enroll="2025-03-01"),
        rec("b", "2025-03-02", "G9008", "U1", enroll="2025-03-01"),
    )
    build_file(first, tmp_path / "one.837", ledger, as_of=date(2025, 3, 5), prof=rolling)

    def again(day: str) -> list[tuple[str, int | None]]:
        rows = write_csv(tmp_path / f"{day}.csv", HEADER, rec("c", day, "G9012", enroll=day))
        return findings(rows, ledger, as_of=date.fromisoformat(day), prof=rolling)

    assert again("2026-03-20") == [("ECM-ENGAGE-ONCE", 2)]  # March 2025 was paid in full
    assert again("2026-04-01") == []  # April 2025 to March 2026: twelve months without ECM


def test_outreach_an_earlier_batch_left_unpaid_does_not_count_against_a_later_attempt(
    tmp_path: Path,
) -> None:
    def attempt(rid: str, day: str) -> str:
        return rec(rid, day, "G9008", "U8", minutes="10", tar="", enroll="2026-03-01")

    ledger = tmp_path / "ledger.sqlite"
    paid = [attempt(f"p{d}", f"2026-01-{d}") for d in (10, 11, 12, 13, 14)]
    unpaid = [attempt(f"u{d}", f"2026-02-0{d}") for d in (1, 2, 3, 4)]
    first = write_csv(tmp_path / "one.csv", HEADER, *paid, *unpaid)
    built = build_file(first, tmp_path / "one.837", ledger, as_of=date(2026, 2, 5))
    assert [i.location.row for i in built.report if i.rule_id == "ECM-U8-LIMIT"] == [7, 8, 9, 10]
    # 30 days ending 02-12 hold one paid attempt (01-14) and the four unpaid ones
    later = write_csv(tmp_path / "two.csv", HEADER, attempt("n", "2026-02-12"))
    assert findings(later, ledger, as_of=date(2026, 2, 12)) == []
