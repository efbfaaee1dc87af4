"""A month's billing from Python with edi837's API (docs/api.md): the same month as `make demo`.

Run it from the repository, in a folder of your choosing (a new ledger is made there):

    .venv/bin/python docs/examples/month.py build/example

It checks January's bundled records, builds and validates the 837P, records the payer's
remittance (fixtures/demo/remit.835) and prints the work queue. A test runs it (tests/test_api.py).
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from edi837 import api

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
SENT_ON = date(2026, 2, 2)  # "today" for the rules and the file's dates, as --as-of
PAID_ON = date(2026, 3, 2)


def month(folder: Path) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    ledger = folder / "ledger.sqlite"
    profile = api.load_profile(FIXTURES / "profile.toml")
    records, tars = FIXTURES / "records.csv", FIXTURES / "tars.csv"

    # 1. check: every payer rule, nothing written
    found = api.check(records, profile, tars=tars, as_of=SENT_ON)
    for issue in found.issues:
        print(issue.render())
    if not found.ok:
        return 1
    print(f"checked {found.records} records: {found.lines} billable lines")

    # 2. build the 837P; errors would raise api.BlockedError with the findings in exc.issues
    try:
        built = api.build(
            records, profile, folder / "claims.837", ledger=ledger, tars=tars, as_of=SENT_ON
        )
    except api.BlockedError as exc:
        print(f"blocked: {exc}; {len(exc.issues)} finding(s)")
        return 1
    batch = built.batch
    print(
        f"wrote {built.output}: {len(batch.claims)} claims, ${batch.total_charge:,.2f}, "
        f"ISA13 {batch.interchange.control_number:09d}"
    )

    # 3. validate it against the TR3 (pyx12)
    checked = api.validate(built.output)
    print(f"{built.output.name}: {'valid' if checked.ok else 'NOT valid'} against the TR3")

    # 4. the payer's remittance, read, then recorded against what was sent
    for advice in api.read_remittance(FIXTURES / "demo" / "remit.835"):
        print(f"835 trace {advice.header.trace_number}: {len(advice.claims)} claims answered")
    tally = api.reconcile([FIXTURES / "demo" / "remit.835"], ledger=ledger, as_of=PAID_ON)
    print(
        f"recorded {tally.payments} payment for {tally.claims} claims ({tally.claims_unmatched} unmatched)"
    )

    # 5. the work queue: each claim's state, money and next action
    for item in api.work_queue(ledger, as_of=PAID_ON):
        figures = item.outcome.figures
        print(
            f"{item.facts.claim_id}  {item.outcome.state.value:<15} billed {figures.billed:>8.2f} "
            f"paid {figures.paid:>8.2f}  {item.advice.text}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(month(Path(sys.argv[1] if len(sys.argv) > 1 else "build/example")))
