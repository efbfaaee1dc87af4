"""What the month's report shows, as plain data: the period it covers, and the work queue's
claims gathered into the page's lists as they stream by (the totals are the queue's own).

Every value comes from the work queue's one mapping (:mod:`edi837.render.queue_data`): the
states, money, ages and next actions are those ``edi837 claims --format json`` prints, so the
page and the JSON agree to the cent (a test holds them to it).
"""

from __future__ import annotations

import calendar
from datetime import date
from typing import Any

import attrs

from edi837 import phi
from edi837.lifecycle.advice import FILING_WARNING_DAYS
from edi837.lifecycle.shapes import named_shape
from edi837.render.queue import QueueView
from edi837.render.queue_data import book_data, claim_data, totals_data
from edi837.services.queue import AlikeItem, Filters, QueueItem

_ROWS_LIMIT = 4096

# what the work list keeps of each claim (the rest of claim_data is dropped as it streams by)
WORK_FIELDS = (
    "claim_id",
    "member_id",
    "state",
    "frequency",
    "service_month",
    "sent_on",
    "billed",
    "open",
    "days_since_sent",
    "filing_deadline",
    "filing_days_left",
    "next_action",
    "front_door",
    "resent_as",
)


@attrs.frozen
class Period:
    """The claims a report covers, by their earliest date of service: a claim bills one member's
    services of one calendar month (services/grouping.py), so a month selects whole claims."""

    start: date | None = None
    end: date | None = None
    month: str | None = None  # YYYY-MM, when the period is one service month

    @classmethod
    def of_month(cls, month: str) -> Period:
        year, number = (int(part) for part in month.split("-"))
        last = calendar.monthrange(year, number)[1]
        return cls(date(year, number, 1), date(year, number, last), month)

    @property
    def label(self) -> str:
        if self.month and self.start:
            return self.start.strftime("%B %Y")
        if self.start and self.end:
            return f"{self.start.isoformat()} to {self.end.isoformat()}"
        if self.start:
            return f"from {self.start.isoformat()}"
        if self.end:
            return f"to {self.end.isoformat()}"
        return "every service date"

    @property
    def explained(self) -> str:
        if self.month:
            return (
                f"claims for services in {self.label} (service month {self.month}): each claim "
                "bills one member's services of one calendar month"
            )
        if self.start or self.end:
            return f"claims whose first date of service falls {self.label.replace('to', 'through')}"
        return "every claim in the ledger, whatever its date of service"

    def filters(self, *, test: bool) -> Filters:
        return Filters(month=self.month, service_from=self.start, service_to=self.end, test=test)


@attrs.define
class ReportData:
    """The page's data, gathered in one pass over the queue."""

    period: Period
    test: bool
    as_of: str
    work: list[dict[str, Any]] = attrs.field(factory=list)  # every claim needing an action
    book: dict[str, Any] = attrs.field(factory=dict)
    totals: dict[str, Any] = attrs.field(factory=dict)

    @property
    def near_limit(self) -> list[dict[str, Any]]:
        """Claims still needing an action within 60 days of their 365-day filing limit (or
        past it), soonest first. A void has no filing limit of its own."""
        return [
            row
            for row in self.work
            if row["filing_days_left"] <= FILING_WARNING_DAYS and row["frequency"] != "8"
        ]

    @property
    def rejections(self) -> list[dict[str, Any]]:
        """Claims the front door (TA1, 999, 277CA) rejected and that were not sent again."""
        return [row for row in self.work if row["state"] == "rejected" and not row["resent_as"]]


def gather(view: QueueView, period: Period, *, test: bool) -> ReportData:
    """Stream the queue once: keep the claims that need an action, then take the totals."""
    data = ReportData(period, test, view.as_of)
    rows = _WorkRows()
    for entry in view.entries():
        if entry.advice.done:
            continue
        data.work.append(rows.row(entry))
    data.work.sort(key=lambda row: (row["filing_days_left"], row["claim_id"]))
    totals = view.totals
    data.book = book_data(totals.test if test else totals.production)
    data.totals = totals_data(totals)
    return data


class _WorkRows:
    """A claim's work-list row: ``claim_data``'s WORK_FIELDS. The claims of one shape
    (lifecycle/shapes.py), age and advice differ in their identities alone (as the JSON's
    templates hold), so the first claim's row is kept and a later one's is that row with its own
    claim and member IDs: an alike claim (:class:`AlikeItem`) is not made into an item for it."""

    def __init__(self) -> None:
        self._rows: dict[tuple[object, ...], dict[str, Any]] = {}

    def row(self, entry: QueueItem | AlikeItem) -> dict[str, Any]:
        if isinstance(entry, AlikeItem):
            shape: object | None = entry.alike.shape
            claim_id, member = entry.alike.raw.facts[0], entry.alike.raw.facts[1]
        else:
            shape = named_shape(entry.facts, entry.outcome)
            claim_id, member = entry.facts.claim_id, entry.facts.member_id
        key = None
        if shape is not None:
            age, advice = entry.aging, entry.advice
            key = (shape, age.days, age.bucket, age.deadline, age.days_left, advice.text)
            known = self._rows.get(key)
            if known is not None:
                row = known.copy()
                row["claim_id"] = claim_id
                row["member_id"] = phi.member_id(member)
                return row
        item = entry.item() if isinstance(entry, AlikeItem) else entry
        claim = claim_data(item)
        row = {field: claim[field] for field in WORK_FIELDS}
        if key is not None:
            if len(self._rows) >= _ROWS_LIMIT:
                self._rows.clear()
            self._rows[key] = row
        return row
