"""The one mapping of the work queue to plain data: the JSON, CSV and HTML renderers share it.

Amounts are decimal strings with two places (``"570.00"``); dates are ISO strings; member IDs are
masked unless --show-phi. The JSON document is described by ``edi837/schemas/claims.schema.json``
(``SCHEMA_VERSION``); docs/claims.md shows an example.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from typing import Any

from edi837 import phi
from edi837.codes.descriptions import carc, plb, rarc
from edi837.lifecycle.actions import table
from edi837.lifecycle.advice import BUCKETS, OVER
from edi837.lifecycle.events import LineFacts, Reason
from edi837.lifecycle.machine import Figures, LineOutcome
from edi837.render.safety import terminal_text
from edi837.services.queue import (
    Book,
    ProgramTally,
    ProviderAdjustmentRow,
    QueueItem,
    ReasonTally,
    Totals,
    Unmatched,
)

BUCKET_LABELS = (*(label for _limit, label in BUCKETS), OVER)

SCHEMA_VERSION = 1


# Both texts depend on the number alone (Decimal("570") and Decimal("570.00") read the same, so
# equal keys may share an answer), and a ledger's amounts are few: each is formatted once a run.
@lru_cache(maxsize=4096)
def money(value: Decimal | None) -> str | None:
    """Two places; more precision than cents, when a payer sends it, is kept."""
    if value is None:
        return None
    if not value:
        return "0.00"
    if value == value.quantize(Decimal("0.01")):
        return f"{value:.2f}"
    return f"{value.normalize():f}"


@lru_cache(maxsize=4096)
def number(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return "0" if text in ("-0", "") else text


def reason_data(reason: Reason) -> dict[str, Any]:
    return {
        "group": reason.group,
        "code": reason.code,
        "amount": money(reason.amount),
        "description": carc(reason.code),
    }


def remark_data(code: str) -> dict[str, Any]:
    return {"code": code, "description": rarc(code)}


def figures_data(figures: Figures) -> dict[str, str | None]:
    return {
        "billed": money(figures.billed),
        "paid": money(figures.paid),
        "contractual": money(figures.contractual),
        "patient_responsibility": money(figures.patient),
        "denied": money(figures.denied),
        "cancelled": money(figures.cancelled),
        "open": money(figures.open),
        "overpaid": money(figures.overpaid),
    }


def claim_data(item: QueueItem) -> dict[str, Any]:
    """One claim of the work queue as ``claims --format json`` writes it (claims.schema.json)."""
    facts, outcome = item.facts, item.outcome
    front = outcome.front_door
    return {
        "claim_id": facts.claim_id,
        "state": outcome.state.value,
        "test": facts.test,
        "frequency": facts.frequency,
        "member_id": phi.member_id(facts.member_id),
        "category": facts.category,
        "service_month": facts.service_month,
        "batch": facts.batch_id,
        "sent_on": facts.sent_on.isoformat(),
        **figures_data(outcome.figures),
        "days_since_sent": item.aging.days,
        "aging_bucket": item.aging.bucket,
        "filing_deadline": item.aging.deadline.isoformat(),
        "filing_days_left": item.aging.days_left,
        "payer_claim_number": terminal_text(outcome.payer_claim_number),
        "front_door": None
        if front is None
        else {
            "source": front.source,
            "outcome": front.outcome.value,
            "on": front.on.isoformat() if front.on else None,
            "codes": list(front.codes),
            "detail": terminal_text(front.detail),
        },
        "original_claim_id": facts.original_claim_id,
        "successor": outcome.successor,
        "resent_as": facts.resent_as,
        "flags": list(outcome.flags),
        "next_action": item.advice.text,
        "needs_action": item.needs_action,
        "reasons": [reason_data(r) for r in outcome.reasons],
        "remarks": [remark_data(c) for c in outcome.remarks],
        "lines": [
            line_data(sent, line) for sent, line in zip(facts.lines, outcome.lines, strict=True)
        ],
    }


def line_data(sent: LineFacts, line: LineOutcome) -> dict[str, Any]:
    return {
        "line_id": line.line_id,
        "procedure": sent.procedure,
        "modifiers": list(sent.modifiers),
        "service_date": sent.service_date.isoformat(),
        "end_date": sent.end_date.isoformat() if sent.end_date else None,
        "units": number(sent.units),
        "billed": money(line.billed),
        "paid": money(line.paid),
        "state": line.state.value,
        "denied": line.denied,
        "expected_unpaid": line.expected_unpaid,
        "reasons": [reason_data(r) for r in line.reasons],
        "remarks": [remark_data(c) for c in line.remarks],
    }


def book_data(book: Book) -> dict[str, Any]:
    return {
        "claims": book.claims,
        **figures_data(book.figures),
        "by_month": [
            {"month": month, **figures_data(figures)}
            for month, figures in sorted(book.by_month.items())
        ],
        "open_by_aging_bucket": [
            {
                "bucket": label,
                "open": money(book.by_bucket.get(label, Decimal(0))),
                "claims": book.bucket_claims.get(label, 0),
            }
            for label in BUCKET_LABELS
        ],
        "by_program": [
            program_data(name, tally) for name, tally in sorted(book.by_program.items())
        ],
        "denials_by_reason": [
            denial_data(group, code, tally)
            for (group, code), tally in sorted(
                book.by_reason.items(), key=lambda kv: (-kv[1].amount, kv[0])
            )
        ],
        "remarks_on_denials": [
            {"code": code, "description": rarc(code), "claims": count}
            for code, count in sorted(book.remarks.items(), key=lambda kv: (-kv[1], kv[0]))
        ],
    }


def program_data(name: str, tally: ProgramTally) -> dict[str, Any]:
    return {
        "program": name,
        "claims": tally.claims,
        "lines": tally.lines,
        "units": number(tally.units),
        "billed": money(tally.billed),
        "paid": money(tally.paid),
        "denied_lines": tally.denied_lines,
        "denied": money(tally.denied),
    }


def denial_data(group: str, code: str, tally: ReasonTally) -> dict[str, Any]:
    """A denial reason in words: ours (next_actions.toml, with what to do) and X12's CARC text."""
    rule = table().reason(group, code)
    return {
        "group": group,
        "code": code,
        "words": rule.words,
        "description": carc(code),
        "action": rule.action,
        "amount": money(tally.amount),
        "claims": tally.claims,
    }


def totals_data(totals: Totals) -> dict[str, Any]:
    return {
        "claims": totals.claims,
        "needing_action": totals.needing_action,
        "production": book_data(totals.production),
        "test": book_data(totals.test),
        "by_state": [
            {"state": state, "claims": count, "billed": money(billed)}
            for state, (count, billed) in sorted(totals.by_state.items())
        ],
    }


def unmatched_data(item: Unmatched) -> dict[str, Any]:
    return {
        "patient_control_number": terminal_text(item.patient_control_number),
        "status_code": item.status_code,
        "charge": money(item.charge),
        "paid": money(item.paid),
        "payer_claim_number": terminal_text(item.payer_claim_number),
        "trace_number": terminal_text(item.trace_number),
        "payer": terminal_text(item.payer),
    }


def plb_data(item: ProviderAdjustmentRow) -> dict[str, Any]:
    return {
        "reason": item.reason,
        "reference": terminal_text(item.reference),
        "amount": money(item.amount),
        "description": plb(item.reason),
        "trace_number": terminal_text(item.trace_number),
        "claim_id": item.claim_id,
    }
