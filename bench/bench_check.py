"""``edi837 check`` of 100,000 records against a ledger already holding 1,000,000 earlier lines
(issue 3): the history rules must use the ledger's index, not scan it per record."""

from __future__ import annotations

import random
import sqlite3
import time
from datetime import date, timedelta
from pathlib import Path

from bench.records_gen import member_id, write_records
from edi837.ingest.profile import load_profile
from edi837.issues import Report
from edi837.ledger.history import LedgerHistory
from edi837.ledger.store import Ledger
from edi837.perf import collector_paused
from edi837.rules.history import NoHistory
from edi837.services.prepare import prepare

REPO = Path(__file__).resolve().parent.parent
RECORDS = 100_000
EARLIER_LINES = 1_000_000
CODES = [
    ("G9008", "U1"),
    ("G9012", "U8"),
    ("G9008", "U8 GQ"),
    ("G9007", ""),
    ("H0043", "U6"),
    ("T2040", "U6"),
    ("T2020", "U6"),
    ("S5130", "U6"),
    ("T1019", "U6"),
    ("T2033", "U6"),
    ("G9012", ""),
]


def fill_ledger(
    path: Path, members: int, lines: int, *, seed: int = 11, start: date = date(2024, 5, 1)
) -> None:
    """Earlier batches, written straight into the ledger's tables: 17 months of lines from
    ``start`` for the same members the checked file bills (so every look-up has history to
    find)."""
    rng = random.Random(seed)
    Ledger(path).close()  # create the schema
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("BEGIN")
    db.execute(
        "INSERT INTO batches (batch_id, created_at, as_of, records_file, output_file, file_sha256, isa13, "
        "gs06, usage, sender_id, receiver_id, claim_count, line_count, total_charge) VALUES "
        "(1, '2025-12-31T00:00:00', '2025-12-31', 'earlier.csv', 'earlier.837', '0', 1, 1, 'T', 'S', 'R', 0, 0, '0')"
    )
    claim_rows = []
    line_rows = []
    per_claim = 6
    for n in range(lines):
        claim = n // per_claim
        member = member_id(10_000_000 + claim % members)
        day = start + timedelta(days=(claim // members) * 30 + n % 28)
        if n % per_claim == 0:
            claim_rows.append(
                (
                    f"H{claim:08d}",
                    1,
                    1,
                    member,
                    "ECM",
                    day.strftime("%Y-%m"),
                    day.isoformat(),
                    "1",
                    "100",
                    "12",
                    "Z5901",
                    "DOE",
                    "JANE",
                    "1980-01-01",
                    "F",
                    "1 MAIN ST||EUREKA|CA|95501",
                )
            )
        code, mods = CODES[rng.randrange(len(CODES))]
        line_rows.append(
            (
                f"H{claim:08d}L{n % per_claim + 1:02d}",
                f"H{claim:08d}",
                n % per_claim + 1,
                member,
                code,
                mods,
                day.isoformat(),
                "1",
                "10",
                "T1",
                "1",
            )
        )
    db.executemany(
        "INSERT INTO claims (claim_id, batch_id, st02, member_id, category, service_month, first_date, frequency, "
        "total_charge, place_of_service, diagnoses, member_last_name, member_first_name, member_birth_date, "
        "member_sex, member_address) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        claim_rows,
    )
    db.executemany(
        "INSERT INTO lines (line_id, claim_id, line_number, member_id, procedure, modifiers, service_date, units, "
        "charge, tar_number, pointers) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        line_rows,
    )
    db.execute("COMMIT")
    db.close()


def check_once(records: Path, ledger: Path | None) -> tuple[float, Report]:
    profile = load_profile(REPO / "fixtures" / "profile.toml")
    report = Report()
    book = Ledger(ledger, create=False) if ledger else None
    try:
        history = LedgerHistory(book) if book else NoHistory()
        start = time.perf_counter()
        with collector_paused():
            prepare(records, profile, as_of=date(2026, 2, 2), history=history, report=report)
        return time.perf_counter() - start, report
    finally:
        if book:
            book.close()


def run(work: Path) -> dict[str, object]:
    records = work / "records.csv"
    members = write_records(records, RECORDS)
    ledger = work / "ledger.sqlite"
    started = time.perf_counter()
    fill_ledger(ledger, members, EARLIER_LINES)
    filled = time.perf_counter() - started

    without, _ = min((check_once(records, None) for _ in range(2)), key=lambda r: r[0])
    with_history, report = min((check_once(records, ledger) for _ in range(2)), key=lambda r: r[0])

    with Ledger(ledger, create=False) as book:
        history = LedgerHistory(book)
        history.lines([member_id(10_000_000)], ["G9008"], date(2026, 1, 1), date(2026, 1, 31))
        plan = book.db.execute(
            "EXPLAIN QUERY PLAN " + history.query(2),
            history.parameters(["G9008", "G9012"], date(2026, 1, 1), date(2026, 1, 31)),
        ).fetchall()
    uses_index = any("lines_history" in str(row[-1]) for row in plan)
    return {
        "check_records": RECORDS,
        "ledger_earlier_lines": EARLIER_LINES,
        "ledger_fill_seconds": round(filled, 2),
        "check_seconds_without_ledger": round(without, 3),
        "check_seconds_with_1m_line_ledger": round(with_history, 3),
        "check_records_per_second_with_ledger": round(RECORDS / with_history),
        "history_overhead_ratio": round(with_history / without, 2),
        "history_query_uses_index": uses_index,
        "history_query_plan": " / ".join(str(row[-1]) for row in plan),
        "findings_with_history": len(report.issues),
    }
