"""Food: medically supportive meals (S5170-U6) and grocery boxes (S9977-U6), their daily, weekly
and 12-week limits, and never both for one member in a month.

A meal line may carry a span (service_date to service_end_date, e.g. a week's delivery): its meals
are spread evenly over the span's days. The 12 weeks run per TAR: a new TAR is the plan's decision
to continue the service, so its 12 weeks start afresh.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from datetime import date
from fractions import Fraction

from edi837.issues import Severity
from edi837.rules.engine import Findings, RuleContext
from edi837.rules.history import Occurrence
from edi837.rules.partnership.common import (
    billed_as,
    days,
    gather,
    label,
    month_of,
    month_window,
)
from edi837.rules.registry import rule

S = Severity
MEALS_PER_DAY = 2
TWELVE_WEEKS = days(12 * 7)
GROCERY_WEEKS = 12


def _episodes(items: list[Occurrence]) -> dict[str, list[Occurrence]]:
    """A member's occurrences per TAR number ("" for lines without one), in date order."""
    out: dict[str, list[Occurrence]] = defaultdict(list)
    for occ in items:
        out[occ.tar_number or ""].append(occ)
    return out


_is_meal = billed_as(("S5170",), "U6")


@rule(
    "CS-MEALS-LIMIT",
    S.ERROR,
    history=True,
    title="Medically supportive meals (S5170-U6): at most 2 meals a day, for at most 12 weeks",
    source="004",
    advice="Bill at most 2 meals a day (a week's delivery of 14 meals as a span: service_date to "
    "service_end_date), and no meals past 12 weeks from the first under a TAR; a longer service "
    "needs a new TAR",
    example="S5170 U6 x3 on 2026-01-12",
    quotes=(
        (
            "004",
            "S5170-U6 = Home delivered medically supportive meals, up 2 meals/day, up to 12 weeks",
        ),
    ),
    measure="Meals per day: a line's meals (units) are spread evenly over its span's days (a line "
    "without an end date puts them all on its one date), and the lines of a member covering a day "
    "add up to at most 2. Twelve weeks: per TAR, from the day of the first meal under it, 84 days "
    "(both ends counted); a line that runs past them is flagged. Lines without a TAR number count "
    "as one TAR.",
)
def meals_limit(ctx: RuleContext, found: Findings) -> None:
    if not ctx.lines_of(("S5170",)):
        return
    for items in gather(ctx, ("S5170",), _is_meal, start=None, end=None).values():
        per_day: dict[date, Fraction] = defaultdict(Fraction)
        for occ in items:
            span = (occ.end - occ.start).days + 1
            share = Fraction(occ.units) / span
            worst = occ.start
            for offset in range(span):
                day = occ.start + days(offset)
                per_day[day] += share
                if per_day[day] > per_day[worst]:
                    worst = day
            if occ.line is not None and per_day[worst] > MEALS_PER_DAY:
                spread = f" over {occ.start}..{occ.end}" if span > 1 else ""
                found.add(
                    "CS-MEALS-LIMIT",
                    occ.line,
                    f"S5170-U6 x{occ.units}{spread} brings the meals on {worst} to "
                    f"{_meals(per_day[worst])}; at most {MEALS_PER_DAY} a day",
                )
        for tar, episode in _episodes(items).items():
            first = episode[0].start
            last_day = first + TWELVE_WEEKS - days(1)
            for occ in episode:
                if occ.line is not None and occ.end > last_day:
                    under = f"under TAR {tar}" if tar else "without a TAR number"
                    found.add(
                        "CS-MEALS-LIMIT",
                        occ.line,
                        f"meals {under} began {first}: their 12 weeks end {last_day}, and this "
                        f"line runs to {occ.end}",
                    )


_is_grocery = billed_as(("S9977",), "U6")


@rule(
    "CS-GROCERY-WEEKLY",
    S.ERROR,
    history=True,
    title="Grocery box (S9977-U6): at most one a week, for at most 12 weeks",
    source="004",
    advice="Bill at most one grocery box per member per week (Monday to Sunday), and at most 12 "
    "under a TAR; a longer service needs a new TAR",
    example="S9977 U6 on 2026-01-12 and again on 2026-01-16",
    quotes=(
        (
            "004",
            "S9977-U6 = Weekly Grocery Bag/Box; reimbursed $66 for weekly grocery bag/box, covers "
            "2 meals/day up to 12 weeks.",
        ),
    ),
    measure="A week is a calendar week, Monday to Sunday (ISO 8601), as the month is the calendar "
    "month for the monthly limits: a box on Sunday and the next on Monday are in two weeks. Each "
    "box (unit) covers one week, so 12 weeks are 12 boxes per TAR; lines without a TAR number "
    "count as one TAR.",
)
def grocery_weekly(ctx: RuleContext, found: Findings) -> None:
    if not ctx.lines_of(("S9977",)):
        return
    for items in gather(ctx, ("S9977",), _is_grocery, start=None, end=None).values():
        per_week: dict[tuple[int, int], list[Occurrence]] = defaultdict(list)
        for occ in items:
            year, week, _ = occ.start.isocalendar()
            earlier = per_week[(year, week)]
            in_week = sum(o.units for o in earlier) + occ.units
            earlier.append(occ)
            if occ.line is not None and in_week > 1:
                found.add(
                    "CS-GROCERY-WEEKLY",
                    occ.line,
                    f"{in_week} grocery boxes in the week of {_monday(occ.start)} with this line; "
                    "one a week",
                )
        for tar, episode in _episodes(items).items():
            boxes = 0
            for occ in episode:
                boxes += int(occ.units)
                if occ.line is not None and boxes > GROCERY_WEEKS:
                    under = f"under TAR {tar}" if tar else "without a TAR number"
                    found.add(
                        "CS-GROCERY-WEEKLY",
                        occ.line,
                        f"grocery box {boxes} {under} (from {episode[0].start}): a box covers a "
                        f"week, and they cover {GROCERY_WEEKS} weeks at most",
                    )


def _monday(day: date) -> date:
    return day - days(day.weekday())


def _meals(count: Fraction) -> str:
    return str(count.numerator) if count.denominator == 1 else f"{float(count):.2f}"


@rule(
    "CS-MEALS-XOR-GROCERY",
    S.ERROR,
    history=True,
    title=(
        "Medically supportive meals and grocery boxes are not billed for the same member and month"
    ),
    source="004",
    advice="Bill either meals (S5170) or grocery boxes (S9977) for a member in a month, not both",
    example="S5170 U6 on 2025-01-03 and S9977 U6 on 2025-01-10 for one member",
    quotes=(
        (
            "004",
            "Medically tailored meals cannot be requested in combination with grocery box. "
            "Request must be either meals, or grocery box",
        ),
    ),
    measure=(
        "Per member and calendar month (the unit of billing): the service the member started the "
        "month with is kept, the other is flagged. The TAR tip forbids requesting both at all; "
        "TAR-CONTENTS checks a TAR that lists both."
    ),
)
def meals_xor_grocery(ctx: RuleContext, found: Findings) -> None:
    window = month_window(ctx, ("S5170", "S9977"))
    if window is None:
        return
    start, end = window

    def keep(procedure: str, modifiers: Collection[str]) -> bool:
        return procedure in ("S5170", "S9977")

    for items in gather(ctx, ("S5170", "S9977"), keep, start=start, end=end).values():
        by_month: dict[tuple[int, int], list[Occurrence]] = defaultdict(list)
        for occ in items:
            by_month[month_of(occ.start)].append(occ)
        for month, occs in by_month.items():
            kinds = {o.procedure for o in occs}
            if len(kinds) < 2:
                continue
            kept = occs[0].procedure  # the service the member started with this month
            for occ in occs:
                if occ.procedure != kept and occ.line is not None:
                    found.add(
                        "CS-MEALS-XOR-GROCERY",
                        occ.line,
                        f"{occ.procedure} on {occ.start} but {kept} is already billed for {label(month)}",
                    )
