"""What the rules know of earlier batches: lines already submitted (and not voided).

The rules ask in bulk ("these members, these codes, these dates"), once per rule, and the ledger
answers from its (member, code, date) index; see :class:`edi837.ledger.history.LedgerHistory`.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from decimal import Decimal
from typing import Protocol

import attrs

from edi837.payer.lines import BillableLine


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
    ) -> list[PastLine]:
        """Active past lines of these members and procedures with a service date in [start, end]."""
        ...


class NoHistory:
    """No ledger (``edi837 check`` without one): the limits count the file at hand only."""

    def lines(
        self,
        member_ids: Collection[str],
        procedures: Collection[str],
        start: date | None = None,
        end: date | None = None,
    ) -> list[PastLine]:
        return []


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
