"""The duplicate check (DUPLICATE-SERVICE, issue 8): ``edi837 check`` of 100,000 records against
a ledger of 1,000,000 earlier lines (17 months up to the month before the records', and one
record in a hundred of the records' own month billed already, so the check has duplicates to
find); its ratio to the same check without a ledger, in the same run (target: within 1.5x), and
the rule's own time."""

from __future__ import annotations

import csv
import sqlite3
import time
from datetime import date
from pathlib import Path

from bench.bench_check import EARLIER_LINES, RECORDS, check_once, fill_ledger
from bench.records_gen import write_records
from edi837.ingest.profile import load_profile
from edi837.issues import Report
from edi837.ledger.history import LedgerHistory
from edi837.ledger.store import Ledger
from edi837.perf import collector_paused
from edi837.rules.engine import Findings, RuleContext
from edi837.rules.history import NoHistory
from edi837.rules.registry import all_rules
from edi837.services.prepare import prepare

REPO = Path(__file__).resolve().parent.parent
TARGET_RATIO = 1.5
# 17 months of earlier lines ending in December 2025; the records bill January 2026
LEDGER_START = date(2024, 8, 9)
BILLED_ALREADY = 100  # one record in this many was billed already, in an earlier batch


def add_billed(path: Path, records: Path, every: int) -> int:
    """An earlier production batch that billed every ``every``-th record of the checked file
    already (as a re-export would find them): one claim and line each. Returns the lines."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("BEGIN")
    db.execute(
        "INSERT INTO batches (batch_id, created_at, as_of, records_file, output_file, file_sha256, "
        "isa13, gs06, usage, sender_id, receiver_id, claim_count, line_count, total_charge) VALUES "
        "(2, '2026-02-01T00:00:00', '2026-02-01', 'part.csv', 'part.837', '1', 2, 2, 'P', 'S', 'R', "
        "0, 0, '0')"
    )
    claims, lines = [], []
    with records.open(newline="", encoding="utf-8") as handle:
        for number, row in enumerate(csv.DictReader(handle)):
            if number % every:
                continue
            claim = f"J{number:08d}"
            claims.append(
                (claim, 2, 2, row["member_id"], "ECM", "2026-01", row["service_date"], "1", "10",
                 "12", "Z5901", "DOE", "JANE", "1980-01-01", "F", "1 MAIN ST||EUREKA|CA|95501")
            )  # fmt: skip
            modifiers = " ".join(sorted(row["modifiers"].split(), key=lambda m: m != "U8"))
            lines.append(
                (f"{claim}L01", claim, 1, row["member_id"], row["hcpcs"], modifiers,
                 row["service_date"], row["service_end_date"] or None, "1", "10", "T1", "1")
            )  # fmt: skip
    db.executemany(
        "INSERT INTO claims (claim_id, batch_id, st02, member_id, category, service_month, first_date, "
        "frequency, total_charge, place_of_service, diagnoses, member_last_name, member_first_name, "
        "member_birth_date, member_sex, member_address) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
        "?, ?, ?)",
        claims,
    )
    db.executemany(
        "INSERT INTO lines (line_id, claim_id, line_number, member_id, procedure, modifiers, "
        "service_date, end_date, units, charge, tar_number, pointers) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        lines,
    )
    db.execute("COMMIT")
    db.close()
    return len(lines)


def history_rules_alone(records: Path, ledger: Path) -> dict[str, tuple[float, int]]:
    """Each rule that reads the ledger, by itself over the prepared lines: (seconds, findings)."""
    profile = load_profile(REPO / "fixtures" / "profile.toml")
    prepared = prepare(records, profile, as_of=date(2026, 2, 2), history=NoHistory())
    out: dict[str, tuple[float, int]] = {}
    with Ledger(ledger, create=False) as book:
        context = RuleContext(
            file=str(records),
            lines=prepared.lines,
            schedule=prepared.schedule,
            policies=profile.policies,
            as_of=date(2026, 2, 2),
            history=LedgerHistory(book),
        )
        for rule in all_rules():
            if not rule.history or rule.check is None:
                continue
            report = Report()
            start = time.perf_counter()
            with collector_paused():
                rule.check(context, Findings(report, str(records), profile.policies))
            out[rule.id] = (time.perf_counter() - start, len(report.issues))
    return out


def run(work: Path) -> dict[str, object]:
    records = work / "records.csv"
    members = write_records(records, RECORDS)
    ledger = work / "ledger.sqlite"
    started = time.perf_counter()
    fill_ledger(ledger, members, EARLIER_LINES - RECORDS // BILLED_ALREADY, start=LEDGER_START)
    billed = add_billed(ledger, records, BILLED_ALREADY)
    filled = time.perf_counter() - started
    with Ledger(ledger, create=False) as book:
        total = book.db.execute("SELECT COUNT(*) FROM lines").fetchone()[0]

    # interleaved, best of three each: the machine is shared, and load drifts over a minute
    plain, against = [], []
    for _ in range(3):
        plain.append(check_once(records, None))
        against.append(check_once(records, ledger))
    without = min(seconds for seconds, _ in plain)
    with_ledger, report = min(against, key=lambda r: r[0])
    runs = [history_rules_alone(records, ledger) for _ in range(2)]
    alone = {rule: min(run[rule] for run in runs) for rule in runs[0]}
    dup_seconds, dup_found = alone["DUPLICATE-SERVICE"]
    slowest = sorted(alone.items(), key=lambda item: -item[1][0])[:4]
    ratio = with_ledger / without
    duplicates = sum(1 for i in report.issues if i.rule_id == "DUPLICATE-SERVICE")
    return {
        "check_records": RECORDS,
        "ledger_earlier_lines": total,
        "ledger_lines_billing_the_records_already": billed,
        "ledger_fill_seconds": round(filled, 2),
        "check_seconds_without_ledger": round(without, 3),
        "check_seconds_with_1m_line_ledger": round(with_ledger, 3),
        "duplicate_check_ratio": round(ratio, 2),
        "within_target": f"{'met' if ratio <= TARGET_RATIO else 'not met'} "
        f"({round(ratio, 2)}x, target <= {TARGET_RATIO}x)",
        "duplicate_rule_alone_seconds_with_ledger": round(dup_seconds, 3),
        "duplicate_rule_share_of_the_check_without_ledger": round(dup_seconds / without, 3),
        "duplicate_findings": duplicates,
        "duplicate_findings_rule_alone": dup_found,
        "findings_with_ledger": len(report.issues),
        "slowest_history_rules_alone_seconds": ", ".join(
            f"{rule} {seconds:.3f}" for rule, (seconds, _) in slowest
        ),
    }
