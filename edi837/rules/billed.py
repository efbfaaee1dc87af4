"""Bill each service once: a line that was billed already, and a records file already built.

Any payer denies a service it has been billed for already (CARC 18, "exact duplicate
claim/service"), so these are generic rules, not the payer pack's; unlike the other generic
checks they may be allowed, because a real second service on the same day exists for some codes.
"What was billed" is the ledger's lines that count as billed (see :mod:`edi837.rules.history`).

Within one batch there are no duplicates to find: records of one member, date, code and
modifiers are merged into one line with the units added up (ECM-U8-PER-DAY,
edi837/payer/lines.py). This rule compares the batch with earlier batches.
"""

from __future__ import annotations

from datetime import date, timedelta

from edi837.issues import Severity
from edi837.payer.fee_schedule import UnitBasis, default_schedule
from edi837.payer.lines import BillableLine
from edi837.rules.engine import Findings, RuleContext
from edi837.rules.history import PastLine
from edi837.rules.registry import Rule, register, rule

# Codes billed by time, by unit, by meal or by amount may hold a second service on one day (two
# homemaker visits, a third meal); the payer still pays one line per code per day. PMPM, once-
# only, per-diem, per-stay and weekly codes never repeat on a day.
REPEATS_ON_A_DAY = {
    UnitBasis.MINUTES_15: "billed by 15-minute units",
    UnitBasis.UNIT: "billed by the unit",
    UnitBasis.MEAL: "billed by the meal",
    UnitBasis.AMOUNT: "billed by amount",
}
ONCE = {
    UnitBasis.MONTH: "billed once a month",
    UnitBasis.EACH: "billed once",
    UnitBasis.DAY: "billed once per day (per diem)",
    UnitBasis.STAY: "billed once per stay",
    UnitBasis.WEEK: "billed once a week",
}
# Only per-diem and meal lines carry a span (edi837/payer/pricing.py); one that began up to a year
# before the batch may still cover its days (nothing older can be billed: FILING-365).
SPANNED = frozenset({UnitBasis.DAY, UnitBasis.MEAL})
SPAN_LOOKBACK = timedelta(days=366)


def _measure() -> str:
    schedule = default_schedule()
    repeat = sorted(e.key for e in schedule if e.unit in REPEATS_ON_A_DAY)
    once = sorted(e.key for e in schedule if e.unit not in REPEATS_ON_A_DAY)
    return (
        "a batch line matches an earlier line when the member, the procedure and the set of "
        "modifiers are the same and their dates overlap (a single date is a one-day span, so a "
        "per-diem span covering a day already billed matches it). Within one batch, records of "
        "one member, date, code and modifiers (and the same TAR, place and rendering provider) "
        "are already one line with the units added up (ECM-U8-PER-DAY), so the rule compares the "
        "batch with earlier batches only. Codes that may legitimately repeat on a day (billed by "
        f"time, unit, meal or amount in the default fee schedule): {', '.join(repeat)}; edi837 "
        "bills them as one line per code per day, so a later session of a day already billed "
        "belongs on that claim's line: replace the claim with the units added up, and allow the "
        "finding only where the payer takes a second line. Codes that never repeat on a day "
        f"(once a month, once, per diem, per stay, weekly): {', '.join(once)}"
    )


def _overlaps(line: BillableLine, past: PastLine) -> bool:
    return past.service_date <= line.last_date and past.last_date >= line.service_date


def _dates(start: date, end: date | None) -> str:
    return start.isoformat() if end is None else f"{start.isoformat()} to {end.isoformat()}"


def _kind(line: BillableLine) -> str:
    """What the code's unit basis says about a second service on one day."""
    basis = line.entry.unit if line.entry is not None else None
    if basis in REPEATS_ON_A_DAY:
        return (
            f"{line.code_key} is {REPEATS_ON_A_DAY[basis]}: if this is another session of that "
            "day, add its units to the earlier line by replacing that claim"
        )
    if basis in ONCE:
        return f"{line.code_key} is {ONCE[basis]}: it cannot be billed twice for one day"
    return f"{line.code_key} is not in the fee schedule"


@rule(
    "DUPLICATE-SERVICE",
    Severity.ERROR,
    history=True,
    allowable=True,
    pack="generic",
    title="A service already billed is not billed again",
    source="X12 835 CARC 18 (exact duplicate claim/service); 004 (once per month, once per "
    "lifetime, per diem)",
    advice="Do not send it twice: if the earlier claim billed it wrongly, correct that claim with "
    "`edi837 replace CLAIM_ID --records FILE` (the member's month as it should have been billed); "
    "--allow DUPLICATE-SERVICE only for a real second service (docs/rules.md lists the codes that "
    "may repeat on a day)",
    example="January's G9012-U8 attempt of 2026-01-12, billed on an earlier claim, exported again "
    "into February's records",
    measure=_measure(),
)
def duplicate_service(ctx: RuleContext, found: Findings) -> None:
    if not ctx.lines:
        return
    first = min(line.service_date for line in ctx.lines)
    last = max(line.last_date for line in ctx.lines)
    members = {line.member_id for line in ctx.lines}
    past = ctx.history.lines(members, tuple(ctx.by_procedure), first, last)
    spanned = sorted(
        {
            line.procedure
            for line in ctx.lines
            if line.entry is not None and line.entry.unit in SPANNED
        }
    )
    if spanned:
        # spans that began before the batch's first date and may reach into it
        past += ctx.history.lines(
            members, spanned, first - SPAN_LOOKBACK, first - timedelta(1), spans_reaching=first
        )
    if not past:
        return
    earlier: dict[tuple[str, str, frozenset[str]], list[PastLine]] = {}
    for p in past:
        earlier.setdefault((p.member_id, p.procedure, frozenset(p.modifiers)), []).append(p)
    hits: list[tuple[BillableLine, PastLine]] = []
    for line in ctx.lines:
        candidates = earlier.get((line.member_id, line.procedure, frozenset(line.modifiers)))
        if not candidates:
            continue
        match = min(
            (p for p in candidates if _overlaps(line, p)),
            key=lambda p: (p.service_date, p.claim_id, p.line_id),
            default=None,
        )
        if match is not None:
            hits.append((line, match))
    if not hits:
        return
    sent = ctx.history.sent({p.claim_id for _, p in hits})
    for line, p in hits:
        on = sent.get(p.claim_id)
        batch = f"batch {on.batch_id} of {on.on.isoformat()}" if on else "an earlier batch"
        found.add(
            "DUPLICATE-SERVICE",
            line,
            f"{line.code_key} on {_dates(line.service_date, line.end_date)} was already billed "
            f"on claim {p.claim_id} ({batch}, line {p.line_id}, "
            f"{_dates(p.service_date, p.end_date)}); {_kind(line)}",
        )


# Reported by the build (edi837/services/build.py) before any rule runs: the whole records file,
# not a line, was built already.
register(
    Rule(
        id="RECORDS-ALREADY-BUILT",
        severity=Severity.ERROR,
        title="A records file already built into a batch is not built again",
        source="the ledger (the records file's SHA-256, recorded with each batch)",
        advice="Each month's records are built once: bill what is new in a new file, correct a "
        "claim with `edi837 replace`; if the earlier batch never reached the payer or it asked for "
        "the file again, build with --allow RECORDS-ALREADY-BUILT",
        example="fixtures/records.csv built on 2026-02-02, then built again into another --out",
        pack="generic",
        history=True,
        allowable=True,
        measure="the SHA-256 of the records file against the batches of the same usage (a test "
        "batch never refuses a production build) built from it earlier, not abandoned; the "
        "refusal stands while any of that batch's lines still counts as billed (none does once "
        "its claims are all rejected at the front door, voided, replaced or finally denied: the "
        "file may then be built again as new originals)",
    )
)
