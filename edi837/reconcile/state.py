"""Claim and line states, computed from the ledger's remittance events in order.

A state is never stored: it is the sum of the events so far. The net paid amount is the sum of
the payments (a reversal, CLP02 = 22, carries negative amounts); the status follows from it:

- outstanding: no remittance has named it yet;
- reversed: the latest event is a reversal (and no new adjudication followed);
- denied: adjudicated, nothing paid;
- paid: the net paid reaches what was billed;
- partial: something, but less than billed, was paid.

So a reversal followed by a re-adjudication shows the new state, and the history stays.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from enum import StrEnum
from itertools import groupby
from typing import Any

import attrs

from edi837.ledger.store import Ledger

ZERO = Decimal(0)
REVERSAL = "22"
DENIED = "4"


class Status(StrEnum):
    PAID = "paid"
    PARTIAL = "partial"
    DENIED = "denied"
    REVERSED = "reversed"
    OUTSTANDING = "outstanding"


@attrs.frozen(slots=True)
class Reason:
    group: str
    reason: str
    amount: Decimal


@attrs.frozen(slots=True)
class LineState:
    line_id: str
    billed: Decimal
    paid: Decimal | None  # None: the payer adjudicated the claim without line detail
    status: Status
    reasons: tuple[Reason, ...] = ()
    remarks: tuple[str, ...] = ()


@attrs.frozen(slots=True)
class ClaimState:
    claim_id: str
    member_id: str
    billed: Decimal
    paid: Decimal
    status: Status
    payer_claim_number: str
    submitted: date
    age_days: int
    events: int
    lines: tuple[LineState, ...]
    reasons: tuple[Reason, ...] = ()
    remarks: tuple[str, ...] = ()


def _decimal(text: str | None) -> Decimal:
    return Decimal(text) if text else ZERO


def _reasons(text: str) -> tuple[Reason, ...]:
    return tuple(
        Reason(group, reason, Decimal(amount)) for group, reason, amount, _qty in json.loads(text)
    )


def status_of(events: list[tuple[str, Decimal]], billed: Decimal) -> tuple[Status, Decimal]:
    """(status, net paid) from (CLP02 or the claim's CLP02 for a line, paid) events in order."""
    if not events:
        return Status.OUTSTANDING, ZERO
    net = sum((paid for _, paid in events), ZERO)
    if events[-1][0] == REVERSAL:
        return Status.REVERSED, net
    if net <= 0:
        return Status.DENIED, net
    if net >= billed:
        return Status.PAID, net
    return Status.PARTIAL, net


def _grouped(rows: Iterator[Any]) -> Iterator[tuple[str, list[Any]]]:
    for key, items in groupby(rows, key=lambda row: row[0]):
        yield key, list(items)


def claim_states(ledger: Ledger, as_of: date) -> Iterator[ClaimState]:
    """Every submitted claim, in claim ID order, one at a time (four sorted cursors merged)."""
    db = ledger.db
    claims = db.execute(
        "SELECT c.claim_id, c.member_id, c.total_charge, b.created_at FROM claims c "
        "JOIN batches b ON b.batch_id = c.batch_id ORDER BY c.claim_id"
    )
    lines = _grouped(
        iter(
            db.execute("SELECT claim_id, line_id, charge FROM lines ORDER BY claim_id, line_number")
        )
    )
    events = _grouped(
        iter(
            db.execute(
                "SELECT e.claim_id, e.status_code, e.paid, e.payer_claim_number, e.has_lines, e.adjustments, "
                "e.remarks FROM claim_events e JOIN remittances r ON r.remittance_id = e.remittance_id "
                "WHERE e.claim_id IS NOT NULL ORDER BY e.claim_id, r.event_date, e.remittance_id, e.seq"
            )
        )
    )
    line_events = _grouped(
        iter(
            db.execute(
                "SELECT l.claim_id, le.line_id, e.status_code, le.paid, le.adjustments, le.remarks "
                "FROM line_events le JOIN claim_events e ON e.event_id = le.claim_event_id "
                "JOIN remittances r ON r.remittance_id = e.remittance_id JOIN lines l ON l.line_id = le.line_id "
                "ORDER BY l.claim_id, le.line_id, r.event_date, e.remittance_id, e.seq"
            )
        )
    )
    next_lines = next(lines, None)
    next_events = next(events, None)
    next_line_events = next(line_events, None)
    for claim_id, member_id, total, created in claims:
        while next_lines is not None and next_lines[0] < claim_id:
            next_lines = next(lines, None)
        while next_events is not None and next_events[0] < claim_id:
            next_events = next(events, None)
        while next_line_events is not None and next_line_events[0] < claim_id:
            next_line_events = next(line_events, None)
        my_lines = next_lines[1] if next_lines is not None and next_lines[0] == claim_id else []
        my_events = next_events[1] if next_events is not None and next_events[0] == claim_id else []
        my_line_events = (
            next_line_events[1]
            if next_line_events is not None and next_line_events[0] == claim_id
            else []
        )
        yield _claim(
            claim_id,
            member_id,
            Decimal(total),
            date.fromisoformat(created[:10]),
            as_of,
            my_lines,
            my_events,
            my_line_events,
        )


def _claim(
    claim_id: str,
    member_id: str,
    billed: Decimal,
    submitted: date,
    as_of: date,
    lines: list[Any],
    events: list[Any],
    line_events: list[Any],
) -> ClaimState:
    status, paid = status_of([(e[1], _decimal(e[2])) for e in events], billed)
    payer_number = next((e[3] for e in reversed(events) if e[3]), "")
    latest = events[-1] if events else None
    by_line: dict[str, list[Any]] = {}
    for row in line_events:
        by_line.setdefault(row[1], []).append(row)
    # the latest claim-level-only adjudication decides lines the payer did not itemise
    claim_level = next((e for e in reversed(events) if not e[4]), None)
    line_states = []
    for _claim_id, line_id, charge in lines:
        line_billed = Decimal(charge)
        mine = by_line.get(line_id, [])
        if mine:
            line_status, line_paid = status_of(
                [(row[2], _decimal(row[3])) for row in mine], line_billed
            )
            last = mine[-1]
            line_states.append(
                LineState(
                    line_id,
                    line_billed,
                    line_paid,
                    line_status,
                    _reasons(last[4]),
                    tuple(json.loads(last[5])),
                )
            )
        elif claim_level is not None:
            line_status = {REVERSAL: Status.REVERSED, DENIED: Status.DENIED}.get(
                claim_level[1], status
            )
            line_states.append(LineState(line_id, line_billed, None, line_status))
        else:
            line_states.append(LineState(line_id, line_billed, ZERO, Status.OUTSTANDING))
    return ClaimState(
        claim_id=claim_id,
        member_id=member_id,
        billed=billed,
        paid=paid,
        status=status,
        payer_claim_number=payer_number,
        submitted=submitted,
        age_days=(as_of - submitted).days,
        events=len(events),
        lines=tuple(line_states),
        reasons=_reasons(latest[5]) if latest else (),
        remarks=tuple(json.loads(latest[6])) if latest else (),
    )


@attrs.frozen(slots=True)
class Unmatched:
    patient_control_number: str
    status_code: str
    charge: Decimal | None
    paid: Decimal | None
    payer_claim_number: str
    trace_number: str
    payer: str


def unmatched(ledger: Ledger) -> Iterator[Unmatched]:
    """835 claims that match no claim we sent (another system's, or a mangled CLP01)."""
    for row in ledger.db.execute(
        "SELECT e.patient_control_number, e.status_code, e.charge, e.paid, e.payer_claim_number, "
        "r.trace_number, r.payer_name FROM claim_events e JOIN remittances r ON r.remittance_id = e.remittance_id "
        "WHERE e.claim_id IS NULL ORDER BY r.event_date, e.remittance_id, e.seq"
    ):
        yield Unmatched(
            row[0],
            row[1],
            Decimal(row[2]) if row[2] else None,
            Decimal(row[3]) if row[3] else None,
            row[4],
            row[5],
            row[6],
        )


@attrs.frozen(slots=True)
class ProviderAdjustmentRow:
    reason: str
    reference: str
    amount: Decimal
    trace_number: str
    payer: str


def provider_adjustments(ledger: Ledger) -> list[ProviderAdjustmentRow]:
    return [
        ProviderAdjustmentRow(row[0], row[1], Decimal(row[2]), row[3], row[4])
        for row in ledger.db.execute(
            "SELECT p.reason, p.reference, p.amount, r.trace_number, r.payer_name FROM provider_adjustments p "
            "JOIN remittances r ON r.remittance_id = p.remittance_id ORDER BY r.event_date, p.adjustment_id"
        )
    ]


@attrs.frozen(slots=True)
class PaymentTotals:
    payments: int
    received: Decimal  # sum of BPR02 (signed)
    claims_paid: Decimal  # sum of CLP04 over the payments
    provider_adjustments: Decimal  # sum of PLB amounts

    @property
    def balanced(self) -> bool:
        return self.received == self.claims_paid - self.provider_adjustments


def payment_totals(ledger: Ledger) -> PaymentTotals:
    db = ledger.db
    received = [
        Decimal(r[0])
        for r in db.execute(
            "SELECT payment_amount FROM remittances WHERE payment_amount IS NOT NULL"
        )
    ]
    paid = [
        Decimal(r[0]) for r in db.execute("SELECT paid FROM claim_events WHERE paid IS NOT NULL")
    ]
    plb = [Decimal(r[0]) for r in db.execute("SELECT amount FROM provider_adjustments")]
    count = db.execute("SELECT COUNT(*) FROM remittances").fetchone()[0]
    return PaymentTotals(int(count), sum(received, ZERO), sum(paid, ZERO), sum(plb, ZERO))
