"""The remittance as plain data: the one mapping the JSON, XML and CSV renderers share.

The shape is the documented ``edi837 remit --format json`` schema (docs/remit.md). Amounts are
decimal strings with two places (``"400.00"``), quantities plain decimal strings (``"1"``), dates
ISO (``"2026-01-15"``); a value the payer did not send is ``None``. Codes are given as sent, with
a short description of every CARC and RARC we know (``None`` for one we do not). Nothing about
the patient or insured is included: those stay in the model, for the ledger.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from edi837.codes import descriptions as codes
from edi837.issues import Issue
from edi837.model.remittance import (
    Adjustment,
    ClaimPayment,
    ProviderAdjustment,
    Remark,
    Remittance,
    RemittanceTotals,
    ServicePayment,
)
from edi837.render import values

Data = dict[str, Any]

# The keys of each object, in schema order: the renderers that write a claim without building
# these dicts (remit_json) take them from here; a test holds the dicts to them.
ADJUSTMENT_KEYS = ("group", "reason", "amount", "quantity", "description")
REMARK_KEYS = ("code", "description")
LINE_KEYS = (
    "procedure",
    "modifiers",
    "charge",
    "paid",
    "units",
    "service_date",
    "line_control_number",
    "adjustments",
    "remarks",
)
CLAIM_KEYS = (
    "patient_control_number",
    "status_code",
    "charge",
    "paid",
    "patient_responsibility",
    "payer_claim_number",
    "adjustments",
    "remarks",
    "lines",
)


def day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def text(value: str) -> str | None:
    return value or None


def header(remittance: Remittance) -> Data:
    """The payment's own fields, in schema order (claims and the rest follow)."""
    return {
        "payer": text(remittance.payer.name),
        "payee": text(remittance.payee.name),
        "payment_amount": values.money(remittance.payment_amount),
        "payment_method": text(str(remittance.payment_method)),
        "payment_date": day(remittance.payment_date),
        "trace_number": text(remittance.trace_number),
    }


def adjustment(item: Adjustment) -> Data:
    return {
        "group": str(item.group),
        "reason": item.reason,
        "amount": values.money(item.amount),
        "quantity": values.number(item.quantity),
        "description": codes.carc(item.reason),
    }


def remark(item: Remark) -> Data:
    return {"code": item.code, "description": codes.remark(item.qualifier, item.code)}


def line(item: ServicePayment) -> Data:
    return {
        "procedure": text(item.procedure.code),
        "modifiers": list(item.procedure.modifiers),
        "charge": values.money(item.charge),
        "paid": values.money(item.paid),
        "units": values.number(item.paid_units),
        "service_date": day(item.service_date),
        "line_control_number": text(item.line_control_number),
        "adjustments": [adjustment(a) for a in item.adjustments],
        "remarks": [remark(r) for r in item.remarks],
    }


def claim(item: ClaimPayment) -> Data:
    return {
        "patient_control_number": item.patient_control_number,
        "status_code": str(item.status),
        "charge": values.money(item.charge),
        "paid": values.money(item.paid),
        "patient_responsibility": values.money(item.patient_responsibility),
        "payer_claim_number": text(item.payer_claim_number),
        "adjustments": [adjustment(a) for a in item.adjustments],
        "remarks": [remark(r) for r in item.remarks],
        "lines": [line(service) for service in item.lines],
    }


def provider_adjustment(item: ProviderAdjustment) -> Data:
    return {
        "reason": item.reason,
        "reference": text(item.reference),
        "amount": values.money(item.amount),
        "description": codes.plb(item.reason),
    }


def warning(issue: Issue) -> Data:
    """A warning without the file name (the output is about one file), so output is stable."""
    where = issue.location
    return {
        "rule": issue.rule_id,
        "message": issue.message,
        "segment": where.segment,
        "segment_id": where.segment_id,
        "loop": where.loop,
        "claim": where.claim_id,
    }


def trailer(totals: RemittanceTotals) -> Data:
    return {
        "provider_adjustments": [provider_adjustment(p) for p in totals.provider_adjustments],
        "warnings": [warning(i) for i in totals.issues],
    }


def payment(remittance: Remittance, claims: list[ClaimPayment], totals: RemittanceTotals) -> Data:
    """One whole payment (tests and small files; the renderers stream instead)."""
    return {
        **header(remittance),
        "claims": [claim(c) for c in claims],
        **trailer(totals),
    }
