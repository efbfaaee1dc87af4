"""What the rules know of earlier batches: the lines that count as billed.

The rules ask in bulk ("these members, these codes, these dates"), once per rule, and the ledger
answers from its (member, code, date) index; see :class:`edi837.ledger.history.LedgerHistory`.
What counts as billed is decided once, by the claim lifecycle (edi837/lifecycle), and cached on
the ledger's lines; :data:`WHAT_COUNTS` says it in words for docs/rules.md.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from decimal import Decimal
from typing import Protocol

import attrs

from edi837.payer.lines import BillableLine

# Every history rule counts the same lines (a rule declares ``history=True``): docs/rules.md
# quotes this on each of their pages.
WHAT_COUNTS = (
    "this batch, and from the ledger the lines that count as billed: production lines (a test "
    "build, ISA15=T, counts earlier test lines only) of claims sent and not rejected at the front "
    "door, not voided, not replaced (the replacement counts instead), and not finally denied "
    "(`[policies] denied_lines_count = true` counts denied lines too). A replacement is checked "
    "without the lines of the claim it replaces"
)
BATCH_ONLY = "this batch only (no earlier batch)"


@attrs.frozen(slots=True)
class SentOn:
    """The batch a past claim went out in, and when: how a finding names it."""

    batch_id: int
    on: date


@attrs.frozen(slots=True)
class PastLine:
    member_id: str
    procedure: str
    modifiers: tuple[str, ...]
    service_date: date
    end_date: date | None
    units: Decimal
    charge: Decimal
    tar_number: str | None
    claim_id: str
    line_id: str
    # the rule that predicted, when it was built, that the payer would not pay it (a rule's own
    # earlier answer: ECM-U8-LIMIT reads it instead of judging the whole history again)
    expected_unpaid: str | None = None

    @property
    def last_date(self) -> date:
        return self.end_date or self.service_date


class History(Protocol):
    def lines(
        self,
        member_ids: Collection[str],
        procedures: Collection[str],
        start: date | None = None,
        end: date | None = None,
        *,
        spans_reaching: date | None = None,
    ) -> list[PastLine]:
        """The past lines of these members and procedures that count as billed, with a service
        date in [start, end] (None: no bound); with ``spans_reaching``, only the spans (lines
        with an end date) still running on that date."""
        ...

    def sent(self, claim_ids: Collection[str]) -> dict[str, SentOn]:
        """The batch and date each of these past claims was sent in."""
        ...


class NoHistory:
    """No ledger (``edi837 check`` without one): the limits count the file at hand only."""

    def lines(
        self,
        member_ids: Collection[str],
        procedures: Collection[str],
        start: date | None = None,
        end: date | None = None,
        *,
        spans_reaching: date | None = None,
    ) -> list[PastLine]:
        return []

    def sent(self, claim_ids: Collection[str]) -> dict[str, SentOn]:
        return {}


@attrs.frozen(slots=True, kw_only=True)
class Occurrence:
    """A line of the batch or of the history, seen the same way by the limit rules."""

    member_id: str
    procedure: str
    modifiers: tuple[str, ...]
    start: date
    end: date
    units: Decimal
    charge: Decimal
    tar_number: str | None
    line: BillableLine | None  # None for a past line
    claim_id: str | None = None  # the claim a past line was sent on
    # the records (attempts, visits) the line bills: a batch line knows them; the ledger keeps
    # lines, not records, so a past line counts as one
    attempts: int = 1
    expected_unpaid: str | None = None  # a past line: what the rules predicted of it (PastLine)

    @property
    def key(self) -> str:
        return "-".join((self.procedure, *self.modifiers))

    @property
    def order(self) -> tuple[date, int, int]:
        """Chronological; on one date, what was already submitted comes before the batch."""
        return (self.start, 0 if self.line is None else 1, self.line.record.row if self.line else 0)


def past_occurrence(past: PastLine) -> Occurrence:
    return Occurrence(
        member_id=past.member_id,
        procedure=past.procedure,
        modifiers=past.modifiers,
        start=past.service_date,
        end=past.last_date,
        units=past.units,
        charge=past.charge,
        tar_number=past.tar_number,
        line=None,
        claim_id=past.claim_id,
        expected_unpaid=past.expected_unpaid,
    )


def batch_occurrence(line: BillableLine) -> Occurrence:
    return Occurrence(
        member_id=line.member_id,
        procedure=line.procedure,
        modifiers=line.modifiers,
        start=line.service_date,
        end=line.last_date,
        units=line.units,
        charge=line.charge,
        tar_number=line.tar_number,
        line=line,
        attempts=len(line.parts),
    )


def occurrences(
    lines: Collection[BillableLine], past: Collection[PastLine]
) -> dict[str, list[Occurrence]]:
    """Batch and past lines per member, in chronological order."""
    out: dict[str, list[Occurrence]] = {}
    for p in past:
        out.setdefault(p.member_id, []).append(past_occurrence(p))
    for line in lines:
        out.setdefault(line.member_id, []).append(batch_occurrence(line))
    for items in out.values():
        items.sort(key=lambda o: o.order)
    return out
