"""Reconciliation for people (table) and scripts (JSON, CSV). Amounts are decimal strings;
member IDs are masked unless --show-phi."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any, TextIO

from edi837 import phi
from edi837.codelists import carc, rarc
from edi837.codelists import plb as plb_reason
from edi837.ledger.remittances import ImportTally
from edi837.reconcile.state import (
    ClaimState,
    PaymentTotals,
    ProviderAdjustmentRow,
    Reason,
    Status,
    Unmatched,
)


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def _reason_text(reason: Reason) -> str:
    described = carc(reason.reason)
    label = f"{reason.group}-{reason.reason}"
    return (
        f"{label} {described} ({_money(reason.amount)})"
        if described
        else f"{label} ({_money(reason.amount)})"
    )


def _remark_text(code: str) -> str:
    described = rarc(code)
    return f"{code} {described}" if described else code


def _reason_data(reason: Reason) -> dict[str, Any]:
    return {
        "group": reason.group,
        "reason": reason.reason,
        "amount": _money(reason.amount),
        "description": carc(reason.reason),
    }


def claim_data(state: ClaimState) -> dict[str, Any]:
    return {
        "patient_control_number": state.claim_id,
        "status": state.status.value,
        "billed": _money(state.billed),
        "paid": _money(state.paid),
        "payer_claim_number": state.payer_claim_number,
        "age_days": state.age_days,
        "adjustments": [_reason_data(r) for r in state.reasons],
        "remarks": [{"code": c, "description": rarc(c)} for c in state.remarks],
        "lines": [
            {
                "line_control_number": line.line_id,
                "status": line.status.value,
                "billed": _money(line.billed),
                "paid": _money(line.paid),
                "adjustments": [_reason_data(r) for r in line.reasons],
                "remarks": [{"code": c, "description": rarc(c)} for c in line.remarks],
            }
            for line in state.lines
        ],
    }


def unmatched_data(item: Unmatched) -> dict[str, Any]:
    return {
        "patient_control_number": item.patient_control_number,
        "status_code": item.status_code,
        "charge": _money(item.charge),
        "paid": _money(item.paid),
        "payer_claim_number": item.payer_claim_number,
        "trace_number": item.trace_number,
        "payer": item.payer,
    }


def plb_data(item: ProviderAdjustmentRow) -> dict[str, Any]:
    return {
        "reason": item.reason,
        "reference": item.reference,
        "amount": _money(item.amount),
        "description": plb_reason(item.reason),
        "trace_number": item.trace_number,
    }


def write_json(
    out: TextIO,
    states: Iterable[ClaimState],
    unmatched: Iterable[Unmatched],
    plb: Iterable[ProviderAdjustmentRow],
) -> None:
    """Streamed: one claim at a time, so a large ledger never sits in memory as text."""
    out.write('{"claims": [')
    for index, state in enumerate(states):
        out.write(("," if index else "") + "\n  " + json.dumps(claim_data(state)))
    out.write('\n], "unmatched": ')
    out.write(json.dumps([unmatched_data(u) for u in unmatched], indent=2))
    out.write(', "provider_adjustments": ')
    out.write(json.dumps([plb_data(p) for p in plb], indent=2))
    out.write("}\n")


CSV_COLUMNS = (
    "patient_control_number",
    "claim_status",
    "claim_billed",
    "claim_paid",
    "payer_claim_number",
    "age_days",
    "line_control_number",
    "line_status",
    "line_billed",
    "line_paid",
    "reasons",
)


def write_csv(out: TextIO, states: Iterable[ClaimState]) -> None:
    """One row per line we sent; a claim's columns repeat on each of its lines."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for state in states:
        head = [
            state.claim_id,
            state.status.value,
            _money(state.billed),
            _money(state.paid),
            state.payer_claim_number,
            state.age_days,
        ]
        if not state.lines:
            writer.writerow(
                [*head, "", "", "", "", "; ".join(_reason_text(r) for r in state.reasons)]
            )
        for line in state.lines:
            reasons = line.reasons or state.reasons
            writer.writerow(
                [
                    *head,
                    line.line_id,
                    line.status.value,
                    _money(line.billed),
                    _money(line.paid),
                    "; ".join(_reason_text(r) for r in reasons),
                ]
            )


def write_table(
    out: TextIO,
    states: Iterable[ClaimState],
    unmatched: Iterable[Unmatched],
    plb: Iterable[ProviderAdjustmentRow],
    totals: PaymentTotals,
) -> None:
    counts: dict[Status, int] = dict.fromkeys(Status, 0)
    billed = {s: Decimal(0) for s in Status}
    paid_total = Decimal(0)
    outstanding: list[ClaimState] = []
    rows: list[str] = [
        f"{'claim':<14} {'member':<11} {'status':<11} {'billed':>11} {'paid':>11} {'age':>4}  {'payer claim':<16} why",
    ]
    for state in states:
        counts[state.status] += 1
        billed[state.status] += state.billed
        paid_total += state.paid
        if state.status is Status.OUTSTANDING:
            outstanding.append(state)
        why = "; ".join(
            [*(_reason_text(r) for r in state.reasons), *(_remark_text(c) for c in state.remarks)]
        )
        rows.append(
            f"{state.claim_id:<14} {phi.member_id(state.member_id):<11} {state.status.value:<11} "
            f"{_money(state.billed):>11} {_money(state.paid):>11} {state.age_days:>4}  {state.payer_claim_number:<16} {why}".rstrip()
        )
        for line in state.lines:
            if line.status is state.status and not line.reasons and not line.remarks:
                continue  # a line that says no more than its claim
            why = "; ".join(
                [*(_reason_text(r) for r in line.reasons), *(_remark_text(c) for c in line.remarks)]
            )
            rows.append(
                f"  {line.line_id:<26} {line.status.value:<11} {_money(line.billed):>11} "
                f"{_money(line.paid) or '':>11}        {why}".rstrip()
            )
    out.write("\n".join(rows) + "\n\n")
    out.write(
        "by status: "
        + ", ".join(f"{s.value} {counts[s]} (${billed[s]:,.2f} billed)" for s in Status)
        + "\n"
    )
    out.write(f"paid on our claims: ${paid_total:,.2f}\n")
    out.write(
        f"payments received: ${totals.received:,.2f} in {totals.payments} payment(s) = claims paid "
        f"${totals.claims_paid:,.2f} - provider adjustments ${totals.provider_adjustments:,.2f}"
        + ("" if totals.balanced else "  (DOES NOT BALANCE: see the remittance warnings)")
        + "\n"
    )
    if outstanding:
        out.write(
            f"\nstill unpaid (outstanding): {len(outstanding)} claim(s), ${sum((s.billed for s in outstanding), Decimal(0)):,.2f} billed\n"
        )
        for state in sorted(outstanding, key=lambda s: -s.age_days):
            out.write(
                f"  {state.claim_id:<14} {_money(state.billed):>11}  {state.age_days} days since it was sent\n"
            )
    items = list(unmatched)
    if items:
        out.write(f"\nremittance claims matching no claim we sent: {len(items)}\n")
        for item in items:
            out.write(
                f"  {item.patient_control_number:<20} CLP02 {item.status_code:<3} charge {_money(item.charge)} "
                f"paid {_money(item.paid)} payer claim {item.payer_claim_number} (trace {item.trace_number})\n"
            )
    adjustments = list(plb)
    if adjustments:
        out.write(f"\nprovider-level adjustments (PLB): {len(adjustments)}\n")
        for adj in adjustments:
            described = plb_reason(adj.reason)
            out.write(
                f"  {adj.reason:<4} {adj.reference:<24} {_money(adj.amount):>11}  trace {adj.trace_number}"
                + (f"  {described}" if described else "")
                + "\n"
            )


def import_summary(tally: ImportTally) -> Iterator[str]:
    yield (
        f"imported {tally.files} file(s) ({tally.files_already} already recorded): {tally.payments} payment(s) "
        f"({tally.payments_already} already recorded), {tally.claims} claim(s) ({tally.claims_unmatched} unmatched), "
        f"{tally.lines} line(s) ({tally.lines_unmatched} unmatched), {tally.provider_adjustments} provider adjustment(s)"
    )
    for issue in tally.issues:
        yield "warn  " + issue.render()[6:] if issue.render().startswith("warn") else issue.render()
