"""Limits over time: per month, per day, rolling windows and lifetimes.

Each counts the lines already recorded in the ledger (not voided) as well as the batch at hand,
in date order; a finding lands on the batch line that goes past the limit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from datetime import date
from decimal import Decimal

from edi837.issues import Severity
from edi837.model.profile import DepositCapScope, EngagementPolicy, OutreachCount
from edi837.rules.engine import Findings, RuleContext
from edi837.rules.history import Occurrence
from edi837.rules.partnership.common import (
    ECM_CODES,
    Predicate,
    add_months,
    batch_span,
    billed_as,
    days,
    gather,
    is_cs_pmpm,
    is_ecm_pmpm,
    is_engagement,
    is_u8,
    label,
    month_end,
    month_of,
    month_start,
    month_window,
    where,
)
from edi837.rules.registry import rule

S = Severity
U8_TIMES_PER_30_DAYS = 5
T204X_UNITS_PER_MONTH = 2
DAYHAB_UNITS_PER_DAY = 8
POSTHOSP_LIFETIME_DAYS = 180
RECUP_MAX_DAYS_IN_A_ROW = 90
DEPOSIT_CAP = Decimal("5000.00")


def _once_per_month(
    ctx: RuleContext,
    found: Findings,
    rule_id: str,
    codes: tuple[str, ...],
    keep: Predicate,
    what: str,
) -> None:
    window = month_window(ctx, codes)
    if window is None:
        return
    for items in gather(ctx, codes, keep, start=window[0], end=window[1]).values():
        first_in_month: dict[tuple[int, int], Occurrence] = {}
        for occ in items:
            month = month_of(occ.start)
            earlier = first_in_month.setdefault(month, occ)
            if earlier is not occ and occ.line is not None:
                found.add(
                    rule_id,
                    occ.line,
                    f"a second {what} line for {label(month)} ({occ.key} on {occ.start}); the first is "
                    f"{earlier.key} on {where(earlier)}",
                )


@rule(
    "ECM-PMPM-MONTH",
    S.ERROR,
    history=True,
    title="At most one ECM PMPM line per member per month",
    source="004",
    advice="Bill G9008-U1 or G9012-U2 once per member per calendar month (the code and modifier "
    "do not matter); remove the extra line",
    example="G9008 U1 on 2025-01-06 and G9012 U2 GQ on 2025-01-20 for the same member",
    quotes=(
        (
            "004",
            "These codes can only be billed once per month; the code/modifier combination does "
            "not matter.",
        ),
        (
            "004",
            "Partnership will only reimburse either G9008-U1 or G9012-U2 once per month per "
            "member.",
        ),
    ),
    measure=(
        "Per member and calendar month, G9008-U1 and G9012-U2 (with or without GQ) together, "
        "earlier batches included; the second line is flagged."
    ),
)
def ecm_pmpm_month(ctx: RuleContext, found: Findings) -> None:
    _once_per_month(ctx, found, "ECM-PMPM-MONTH", ECM_CODES, is_ecm_pmpm, "ECM PMPM")


@rule(
    "CS-PMPM-MONTH",
    S.ERROR,
    history=True,
    title="At most one housing transition PMPM line per member per month",
    source="004",
    advice="Bill H0043-U6 or H2016-U6 once per member per calendar month; remove the extra line",
    example="H0043 U6 on 2025-01-02 and H2016 U6 on 2025-01-28 for the same member",
    quotes=(
        (
            "004",
            "H0043-U6 or H2016-U6 = Housing Transition/Navigation Services are reimbursed at a "
            "standard rate of $386 per member per month",
        ),
    ),
    measure=(
        "Per member and calendar month, H0043-U6 and H2016-U6 together, earlier batches included."
    ),
)
def cs_pmpm_month(ctx: RuleContext, found: Findings) -> None:
    _once_per_month(
        ctx, found, "CS-PMPM-MONTH", ("H0043", "H2016"), is_cs_pmpm, "housing transition PMPM"
    )


U8_COUNTED = {
    OutreachCount.ATTEMPTS: "outreach attempt(s)",
    OutreachCount.DAYS: "day(s) of outreach",
    OutreachCount.UNITS: "outreach unit(s)",
}


def _times(occ: Occurrence, counting: OutreachCount, days_seen: dict[date, bool]) -> Decimal:
    """How many of the "5 times" this occurrence is (a day already counted is none more)."""
    if counting is OutreachCount.UNITS:
        return occ.units
    if counting is OutreachCount.ATTEMPTS:
        return Decimal(occ.attempts)
    return Decimal(0) if occ.start in days_seen else Decimal(1)


@rule(
    "ECM-U8-LIMIT",
    S.INFO,
    history=True,
    title="Only 5 U8 outreach attempts per member per rolling 30 days are paid",
    source="004, 001",
    advice="Keep billing every attempt (DHCS requires them all on claims); those past the 5 paid "
    "will not be paid",
    example="six U8 attempts for one member between 2025-01-02 and 2025-01-20",
    configurable='[policies] u8_limit_counts = "attempts" (default), "days" or "units"',
    quotes=(
        (
            "004",
            "Partnership will only reimburse either G9008-U8, U8/GQ or G9012-U8, U8/GQ up to 5 "
            "times per rolling 30-day period per eligible member for successful outreach.",
        ),
        (
            "001",
            "Yes, each outreach attempt needs to be billed separately. This is important and "
            "required reporting data to DHCS for the ECM benefit.",
        ),
    ),
    measure="The 30 days end on the attempt's date (that day and the 29 before it), per member, "
    "G9008 and G9012 together, earlier batches included. A time is an attempt (a record; a line "
    "from an earlier batch, which the ledger keeps as one line per day and code, counts as one) by "
    'default; u8_limit_counts = "days" counts each day with outreach once, "units" counts '
    "15-minute units (so one 75-minute attempt uses the whole window). Only the times predicted "
    "paid count against a later attempt: outreach past the limit is not paid, so it does not use "
    "the allowance.",
    predicts_unpaid=True,
)
def u8_limit(ctx: RuleContext, found: Findings) -> None:
    lines = ctx.lines_of(ECM_CODES)
    if not lines:
        return
    counting = ctx.policies.u8_limit_counts
    noun = U8_COUNTED[counting]
    # Whether an earlier time was paid depends on the times before it, and so on back. The
    # ledger keeps this rule's own answer for every line it built (lines.expected_unpaid), so an
    # earlier batch's line is taken as it was judged then, and only the 30 days before the
    # batch's first attempt are read. (A line recorded before the ledger kept that answer is
    # taken as paid.)
    first, last = batch_span(lines)
    for items in gather(ctx, ECM_CODES, is_u8, start=first - days(29), end=last).values():
        paid: list[tuple[date, Decimal]] = []  # each time predicted paid, by date
        days_seen: dict[date, bool] = {}  # days mode: was the day paid
        for occ in items:
            times = _times(occ, counting, days_seen)
            window_start = occ.start - days(29)
            before = sum((n for day, n in paid if day >= window_start), Decimal(0))
            if occ.line is None:
                judged_unpaid = occ.expected_unpaid == "ECM-U8-LIMIT"
                if not (counting is OutreachCount.DAYS and occ.start in days_seen):
                    paid.append((occ.start, Decimal(0) if judged_unpaid else times))
                    days_seen.setdefault(occ.start, not judged_unpaid)
                continue
            if counting is OutreachCount.DAYS and occ.start in days_seen:
                unpaid = Decimal(0) if days_seen[occ.start] else Decimal(1)
                times = Decimal(1)
            else:
                allowed = max(Decimal(0), U8_TIMES_PER_30_DAYS - before)
                unpaid = max(Decimal(0), times - allowed)
                paid.append((occ.start, times - unpaid))
                days_seen[occ.start] = unpaid == 0
            if occ.line is None or unpaid == 0:
                continue
            found.add(
                "ECM-U8-LIMIT",
                occ.line,
                f"{unpaid} of the {times} {noun} on {occ.start} go past the "
                f"{U8_TIMES_PER_30_DAYS} paid in the 30 days ending that day ({before} paid before "
                "it)",
            )


def _served_until(occ: Occurrence) -> date:
    """The last day an ECM line paid for: a PMPM pays for its whole month."""
    return month_end(occ.start) if is_ecm_pmpm(occ.procedure, occ.modifiers) else occ.end


@rule(
    "ECM-ENGAGE-ONCE",
    S.ERROR,
    history=True,
    title="The engagement fee (G9012, no modifier) is billed once per member",
    source="004 vs 001",
    advice="Remove the repeated engagement fee; under the rolling policy it may be billed again "
    "only after 12 months without ECM services",
    example="G9012 (no modifier) for a member already billed one in an earlier batch",
    configurable='[policies] engagement_fee = "lifetime" (default) or "rolling-12-months"',
    quotes=(
        ("004", "Successful Engagement, allowed once per lifetime"),
        (
            "001",
            "Yes, once every 12 months, which is defined as a rolling 12 months, not a calendar 12 "
            "months. The member must have a gap in ECM services for 12 months before the "
            "engagement fee can be billed again.",
        ),
    ),
    measure="Lifetime (default): a second engagement fee for the member, earlier batches "
    "included, is refused. Rolling 12 months: it is refused when ECM services (an engagement fee, "
    "or a U1/U2 PMPM, which pays for its whole calendar month) reached into the 12 months before "
    "it: a PMPM dated 2025-03-02 serves until 2025-03-31, so a new fee is allowed from "
    "2026-04-01.",
)
def engage_once(ctx: RuleContext, found: Findings) -> None:
    batch = [
        line
        for line in ctx.by_procedure.get("G9012", ())
        if is_engagement(line.procedure, line.modifiers)
    ]
    if not batch:
        return
    rolling = ctx.policies.engagement_fee is EngagementPolicy.ROLLING_12_MONTHS

    def ecm_activity(procedure: str, modifiers: Collection[str]) -> bool:
        return is_engagement(procedure, modifiers) or is_ecm_pmpm(procedure, modifiers)

    first, last = batch_span(batch)
    engagements = gather(ctx, ("G9012",), is_engagement, start=None, end=last)
    # a PMPM dated in the month before the 12 months still covers days of them
    activity = (
        gather(ctx, ECM_CODES, ecm_activity, start=month_start(add_months(first, -12)), end=last)
        if rolling
        else {}
    )
    for member, items in engagements.items():
        for index, occ in enumerate(items):
            if occ.line is None or index == 0:
                continue
            previous = items[index - 1]
            if rolling:
                gap_start = add_months(occ.start, -12)
                recent = [
                    o
                    for o in activity.get(member, [])
                    if _served_until(o) >= gap_start and o.order < occ.order
                ]
                if not recent:
                    continue
                found.add(
                    "ECM-ENGAGE-ONCE",
                    occ.line,
                    f"engagement fee on {occ.start}: one was already billed ({where(previous)}) and "
                    f"ECM services continued within the 12 months before (until "
                    f"{max(_served_until(o) for o in recent)})",
                )
            else:
                found.add(
                    "ECM-ENGAGE-ONCE",
                    occ.line,
                    f"engagement fee on {occ.start}: it is paid once per lifetime and was already "
                    f"billed ({where(previous)})",
                )


@rule(
    "CS-T204X-MONTH",
    S.ERROR,
    history=True,
    title="T2040-U6 and T2041-U6 together: at most 2 units per member per month",
    source="004",
    advice="Bill at most 2 units of housing tenancy and sustaining services per member per month",
    example="T2040 U6 x2 and T2041 U6 x1 in January for one member",
    quotes=(
        ("004", "Housing Tenancy and Sustaining Services; maximum 2 units of service per month"),
        ("004", "T2041-U6 X 1 unit + T2040-U6 X 1 unit = $444 per month"),
    ),
    measure=(
        "Units per member and calendar month, T2040-U6 and T2041-U6 together, earlier batches "
        "included."
    ),
)
def t204x_month(ctx: RuleContext, found: Findings) -> None:
    window = month_window(ctx, ("T2040", "T2041"))
    if window is None:
        return
    start, end = window

    keep = billed_as(("T2040", "T2041"), "U6")

    for items in gather(ctx, ("T2040", "T2041"), keep, start=start, end=end).values():
        totals: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
        for occ in items:
            month = month_of(occ.start)
            totals[month] += occ.units
            if occ.line is not None and totals[month] > T204X_UNITS_PER_MONTH:
                found.add(
                    "CS-T204X-MONTH",
                    occ.line,
                    f"T2040/T2041 units for {label(month)} reach {totals[month]} with this line "
                    f"({occ.key} x{occ.units})",
                )


@rule(
    "CS-DAYHAB-DAY",
    S.ERROR,
    history=True,
    title="Day habilitation (T2020-U6): at most 8 units a day",
    source="004",
    advice="Bill at most 8 units of T2020-U6 per member per day",
    example="T2020 U6 x10 on one day",
    quotes=(
        (
            "004",
            "T2020-U6= Day Habilitation; 1 unit at $7.00 maximum per day is 8 units of service",
        ),
    ),
)
def dayhab_day(ctx: RuleContext, found: Findings) -> None:
    lines = ctx.lines_of(("T2020",))
    if not lines:
        return
    first, last = batch_span(lines)

    keep = billed_as(("T2020",), "U6")

    for items in gather(ctx, ("T2020",), keep, start=first, end=last).values():
        totals: dict[date, Decimal] = defaultdict(Decimal)
        for occ in items:
            totals[occ.start] += occ.units
            if occ.line is not None and totals[occ.start] > DAYHAB_UNITS_PER_DAY:
                found.add(
                    "CS-DAYHAB-DAY",
                    occ.line,
                    f"T2020-U6 on {occ.start} comes to {totals[occ.start]} units",
                )


@rule(
    "CS-SOBERING-DIEM",
    S.ERROR,
    title="Sobering center (H0014-U6): one per diem per stay of under 24 hours",
    source="004",
    advice="Bill a sobering center stay as 1 unit dated the day it began, even when it ran past "
    "midnight; a stay of 24 hours or more is not a sobering center stay",
    example="H0014 U6 from 2026-01-20 to 2026-01-21 billed as 2 units",
    quotes=(("004", "H0014-U6 =Sobering Center; per diem, less than 24 hours; $170.00"),),
    measure="A stay is one record: service_date the day it began, service_end_date (if any) the "
    "day it ended. It bills 1 unit ($170) whether or not it ran past midnight; a record with more "
    "units, or whose end date is more than one day after its start (24 hours or more), is flagged.",
)
def sobering_diem(ctx: RuleContext, found: Findings) -> None:
    for line in ctx.lines_of(("H0014",)):
        if "U6" not in line.modifiers:
            continue
        if line.units != 1:
            found.add(
                "CS-SOBERING-DIEM",
                line,
                f"H0014-U6 on {line.service_date} comes to {line.units} units; a stay of under "
                "24 hours is one per diem",
            )
        for part in line.parts:
            ended = part.record.service_end_date
            if ended is not None and ended > part.record.service_date + days(1):
                found.add(
                    "CS-SOBERING-DIEM",
                    part,
                    f"a sobering center stay from {part.record.service_date} to {ended} lasted 24 "
                    "hours or more",
                )


@rule(
    "CS-POSTHOSP-LIFETIME",
    S.ERROR,
    history=True,
    title="Short-term post-hospitalization (H0044-U3): at most 180 days, once per lifetime",
    source="004",
    advice="Bill at most 180 days of H0044-U3 for a member, in one stay (one TAR)",
    example="H0044 U3 for a member whose 180 days were billed in earlier batches",
    quotes=(
        (
            "004",
            "H0044-U3 = Short Term Post Hospitalization; per diem = $108, up to 180 days (only "
            "offered once per lifetime)",
        ),
        (
            "004",
            "Short-term post-hospitalization TARs can be requested for 180 days. Providers must "
            "end date the TAR if the member leaves before 180 days.",
        ),
    ),
    measure="One stay is one TAR: lines under the TAR of the member's first stay belong to it "
    "whatever the gaps between them (a few days back in hospital do not end the stay), and so does "
    "a line that continues the stay without a gap. The days billed (units) of the stay add up to "
    "at most 180. A line under another TAR after a gap is a second stay, which the lifetime limit "
    "refuses. Lines without a TAR number join the stay only when they continue it without a gap.",
)
def posthosp_lifetime(ctx: RuleContext, found: Findings) -> None:
    if not ctx.lines_of(("H0044",)):
        return

    keep = billed_as(("H0044",), "U3")

    for items in gather(ctx, ("H0044",), keep, start=None, end=None).values():
        total = Decimal(0)
        stay_tars: set[str] = set()
        stay_end: date | None = None
        for occ in items:
            continues = stay_end is None or occ.start <= stay_end + days(1)
            second_stay = not continues and occ.tar_number not in stay_tars
            if not second_stay:
                total += occ.units
                stay_end = occ.end if stay_end is None else max(stay_end, occ.end)
                if occ.tar_number:
                    stay_tars.add(occ.tar_number)
            if occ.line is None:
                continue
            if second_stay:
                found.add(
                    "CS-POSTHOSP-LIFETIME",
                    occ.line,
                    f"a second post-hospitalization stay from {occ.start}"
                    + (f" under TAR {occ.tar_number}" if occ.tar_number else "")
                    + ": the service is offered once per lifetime",
                )
            elif total > POSTHOSP_LIFETIME_DAYS:
                found.add(
                    "CS-POSTHOSP-LIFETIME",
                    occ.line,
                    f"H0044-U3 days reach {total} with this line; at most {POSTHOSP_LIFETIME_DAYS} in a lifetime",
                )


@rule(
    "CS-RECUP-90",
    S.ERROR,
    history=True,
    title="Recuperative care (T2033-U6): at most 90 days in a row",
    source="004",
    advice="Bill at most 90 consecutive days of T2033-U6",
    example="T2033 U6 from 2025-01-01 to 2025-04-15 (105 days)",
    configurable="[policies] recuperative_gap_days = 0 (default: any day without care ends the "
    "run) up to 30",
    quotes=(
        (
            "004",
            "T2033-U6 = Recuperative Care; per diem = $204, no more than 90 days' continuous "
            "duration",
        ),
    ),
    measure="A run is the member's recuperative care days in a row, earlier batches included, "
    "counted from its first day to its last, both ends counted. By default (the literal reading "
    'of "continuous") a single day without care ends the run and the next stay starts a new '
    "one; recuperative_gap_days = N bridges gaps of up to N days, and the bridged days count in "
    "the run's length (74 days, a day off, 46 days: one run of 121 days under N = 1).",
)
def recup_90(ctx: RuleContext, found: Findings) -> None:
    lines = ctx.lines_of(("T2033",))
    if not lines:
        return
    first, last = batch_span(lines)
    bridged = days(ctx.policies.recuperative_gap_days + 1)

    keep = billed_as(("T2033",), "U6")

    # far enough back to see a run that would pass 90 days with the batch's first day (it began
    # at most 91 days before), and the line that began it (up to 91 days before that)
    lookback = days(2 * (RECUP_MAX_DAYS_IN_A_ROW + 1)) + bridged
    for items in gather(ctx, ("T2033",), keep, start=first - lookback, end=last).values():
        run_start = run_end = date.min
        for occ in items:
            if run_end == date.min or occ.start > run_end + bridged:
                run_start, run_end = occ.start, occ.end
            else:
                run_end = max(run_end, occ.end)
            length = (run_end - run_start).days + 1
            if occ.line is not None and length > RECUP_MAX_DAYS_IN_A_ROW:
                found.add(
                    "CS-RECUP-90",
                    occ.line,
                    f"recuperative care runs {length} days in a row ({run_start}..{run_end}) with this line",
                )


@rule(
    "CS-DEPOSIT-CAP",
    S.ERROR,
    history=True,
    title="Housing deposits (H0044-U2): at most $5,000",
    source="004",
    advice="Bill at most $5,000 of housing deposits under one TAR (or for the member, under "
    '[policies] deposit_cap = "per-member")',
    example="H0044 U2 charge=5200.00",
    configurable='[policies] deposit_cap = "per-tar" (default) or "per-member"',
    quotes=(("004", "H0044-U2 Housing Deposits, approved up to $5000"),),
    measure="The charges of the member's H0044-U2 lines add up, earlier batches included: per TAR "
    'by default ("approved" reads as the TAR\'s approval; a line without a TAR number is judged '
    'alone), or per member across every TAR under deposit_cap = "per-member" (a lifetime cap: '
    "the records carry no housing episode to count it by).",
)
def deposit_cap(ctx: RuleContext, found: Findings) -> None:
    if not ctx.lines_of(("H0044",)):
        return
    per_member = ctx.policies.deposit_cap is DepositCapScope.PER_MEMBER

    keep = billed_as(("H0044",), "U2")

    for items in gather(ctx, ("H0044",), keep, start=None, end=None).values():
        totals: dict[str, Decimal] = defaultdict(Decimal)
        for occ in items:
            if per_member:
                totals[""] += occ.charge
                total, scope = totals[""], "for the member"
            elif occ.tar_number:
                totals[occ.tar_number] += occ.charge
                total, scope = totals[occ.tar_number], f"under TAR {occ.tar_number}"
            else:
                total, scope = occ.charge, "on one line"
            if occ.line is not None and total > DEPOSIT_CAP:
                found.add("CS-DEPOSIT-CAP", occ.line, f"housing deposits come to ${total} {scope}")
