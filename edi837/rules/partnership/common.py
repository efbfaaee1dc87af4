"""Small predicates and date helpers the Partnership rules share."""

from __future__ import annotations

import calendar
from collections.abc import Callable, Collection, Iterable
from datetime import date, timedelta

from edi837.payer.lines import BillableLine
from edi837.rules.engine import RuleContext
from edi837.rules.history import Occurrence, occurrences

ECM_CODES = ("G9008", "G9012")
CS_PMPM_CODES = ("H0043", "H2016")


def is_ecm_pmpm(procedure: str, modifiers: Collection[str]) -> bool:
    return procedure in ECM_CODES and ("U1" in modifiers or "U2" in modifiers)


def is_u8(procedure: str, modifiers: Collection[str]) -> bool:
    return procedure in ECM_CODES and "U8" in modifiers


def is_engagement(procedure: str, modifiers: Collection[str]) -> bool:
    return procedure == "G9012" and not modifiers


def is_cs_pmpm(procedure: str, modifiers: Collection[str]) -> bool:
    return procedure in CS_PMPM_CODES and "U6" in modifiers


def month_of(day: date) -> tuple[int, int]:
    return (day.year, day.month)


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def period_end(start: date, months: int) -> date:
    """The last day of a period of ``months`` months from ``start``: the day before the same date
    ``months`` later, or the month's last day when that date does not exist (2028-02-29 + 12 months
    ends 2029-02-28)."""
    target = add_months(start, months)
    return target - timedelta(days=1) if target.day == start.day else target


def months_apart(first: date, last: date) -> int:
    """Calendar months from ``first``'s month to ``last``'s (June to December: 6)."""
    return (last.year - first.year) * 12 + last.month - first.month


def label(month: tuple[int, int]) -> str:
    return f"{month[0]:04d}-{month[1]:02d}"


Predicate = Callable[[str, Collection[str]], bool]


def billed_as(procedures: Iterable[str], modifier: str) -> Predicate:
    """A predicate for ``gather``: one of these codes, carrying this modifier (H0044 with U3)."""
    codes = frozenset(procedures)

    def keep(procedure: str, modifiers: Collection[str]) -> bool:
        return procedure in codes and modifier in modifiers

    return keep


def gather(
    ctx: RuleContext,
    procedures: Iterable[str],
    keep: Predicate,
    *,
    start: date | None,
    end: date | None,
) -> dict[str, list[Occurrence]]:
    """Batch lines matching ``keep``, with the ledger's active lines of the same members and codes
    dated in [start, end] (None: no bound), per member, chronologically."""
    procedures = tuple(procedures)
    batch = [line for line in ctx.lines_of(procedures) if keep(line.procedure, line.modifiers)]
    if not batch:
        return {}
    members = {line.member_id for line in batch}
    past = [
        p
        for p in ctx.history.lines(members, tuple(procedures), start, end)
        if keep(p.procedure, p.modifiers)
    ]
    return occurrences(batch, past)


def where(occurrence: Occurrence) -> str:
    """How a message names an earlier occurrence: its row, or the claim it was sent on."""
    if occurrence.line is not None:
        return f"row {occurrence.line.record.row}"
    return f"claim {occurrence.claim_id} of an earlier batch ({occurrence.start.isoformat()})"


def batch_span(lines: Iterable[BillableLine]) -> tuple[date, date]:
    items = list(lines)
    return min(line.service_date for line in items), max(line.last_date for line in items)


def month_window(ctx: RuleContext, codes: tuple[str, ...]) -> tuple[date, date] | None:
    """The calendar months the batch's lines of these codes fall in (None: no such line)."""
    lines = ctx.lines_of(codes)
    if not lines:
        return None
    first, last = batch_span(lines)
    return month_start(first), month_end(last)


def days(n: int) -> timedelta:
    return timedelta(days=n)
