"""``--format csv``: one row per service line, for spreadsheets and scripts.

Columns (docs/remit.md lists them with their meaning):

- ``record``: ``line`` (one row per service line), ``claim`` (one row for a claim the payer
  answered without lines), ``provider_adjustment`` (one row per PLB reason/amount pair, so every
  dollar of the payment appears somewhere).
- payment: ``st_control_number``, ``trace_number``, ``payment_date``, ``payer``, ``payee``.
- claim (repeated on each of its line rows; sum ``claim_paid`` over rows with ``line_number`` 1
  or ``record`` ``claim``, and ``line_paid`` over line rows): ``patient_control_number``,
  ``payer_claim_number``, ``status_code``, ``outcome``, ``claim_charge``, ``claim_paid``,
  ``patient_responsibility``, ``claim_adjustments``, ``claim_remarks``.
- line: ``line_number``, ``line_control_number``, ``procedure``, ``modifiers``,
  ``service_date``, ``units``, ``line_charge``, ``line_paid``, ``line_adjustments``,
  ``line_remarks``.
- ``reasons``: the meaning, in words, of every adjustment and remark code on the row.
- PLB rows: ``adjustment_reason``, ``adjustment_reference``, ``adjustment_amount``.

Lists in a cell are joined with ``"; "``; an adjustment reads ``CO-45 10.00`` (group, reason,
amount). Rows end with a bare newline. Warnings are not rows: they go to stderr.

A cell of the payer's text that a spreadsheet would take for a formula (it starts with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return) gets a leading ``'`` (render.safety.csv_text);
amounts, units, line numbers and dates are ours, and stay plain numbers, negative ones included.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import BinaryIO

from edi837.codes import descriptions as codes
from edi837.model.remittance import Adjustment, ClaimPayment, Remark, RemitEvent, ServicePayment
from edi837.render import remit_data, values
from edi837.render.remit import payments
from edi837.render.safety import csv_text

COLUMNS = (
    "record",
    "st_control_number",
    "trace_number",
    "payment_date",
    "payer",
    "payee",
    "patient_control_number",
    "payer_claim_number",
    "status_code",
    "outcome",
    "claim_charge",
    "claim_paid",
    "patient_responsibility",
    "claim_adjustments",
    "claim_remarks",
    "line_number",
    "line_control_number",
    "procedure",
    "modifiers",
    "service_date",
    "units",
    "line_charge",
    "line_paid",
    "line_adjustments",
    "line_remarks",
    "reasons",
    "adjustment_reason",
    "adjustment_reference",
    "adjustment_amount",
)


def _adjustments(items: Iterable[Adjustment]) -> str:
    return csv_text("; ".join(f"{a.group}-{a.reason} {values.money(a.amount)}" for a in items))


def _remarks(items: Iterable[Remark]) -> str:
    return csv_text("; ".join(r.code for r in items))


def _reasons(adjustments: Iterable[Adjustment], remarks: Iterable[Remark]) -> str:
    """``CARC 45: ...; RARC N54: ...`` for every code we can describe, each once."""
    seen: dict[str, None] = {}
    for adjustment in adjustments:
        description = codes.carc(adjustment.reason)
        if description:
            seen[f"CARC {adjustment.reason}: {description}"] = None
    for remark in remarks:
        description = codes.remark(remark.qualifier, remark.code)
        if description:
            seen[f"RARC {remark.code}: {description}"] = None
    return "; ".join(seen)


def _claim_cells(claim: ClaimPayment) -> dict[str, str]:
    return {
        "patient_control_number": csv_text(claim.patient_control_number),
        "payer_claim_number": csv_text(claim.payer_claim_number),
        "status_code": csv_text(str(claim.status)),
        "outcome": claim.outcome,
        "claim_charge": values.money(claim.charge) or "",
        "claim_paid": values.money(claim.paid) or "",
        "patient_responsibility": values.money(claim.patient_responsibility) or "",
        "claim_adjustments": _adjustments(claim.adjustments),
        "claim_remarks": _remarks(claim.remarks),
    }


def _line_cells(number: int, line: ServicePayment) -> dict[str, str]:
    return {
        "line_number": str(number),
        "line_control_number": csv_text(line.line_control_number),
        "procedure": csv_text(line.procedure.code),
        "modifiers": csv_text("; ".join(line.procedure.modifiers)),
        "service_date": remit_data.day(line.service_date) or "",
        "units": values.number(line.paid_units),
        "line_charge": values.money(line.charge) or "",
        "line_paid": values.money(line.paid) or "",
        "line_adjustments": _adjustments(line.adjustments),
        "line_remarks": _remarks(line.remarks),
    }


def write(events: Iterable[RemitEvent], out: BinaryIO) -> None:
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    try:
        rows = csv.DictWriter(text, fieldnames=COLUMNS, lineterminator="\n")
        rows.writeheader()
        for payment in payments(events):
            header = payment.header
            base = {
                "st_control_number": csv_text(header.control_number),
                "trace_number": csv_text(header.trace_number),
                "payment_date": remit_data.day(header.payment_date) or "",
                "payer": csv_text(header.payer.name),
                "payee": csv_text(header.payee.name),
            }
            for claim in payment.claims():
                cells = {**base, **_claim_cells(claim)}
                if not claim.lines:
                    reasons = _reasons(claim.adjustments, claim.remarks)
                    rows.writerow({"record": "claim", **cells, "reasons": reasons})
                for number, line in enumerate(claim.lines, 1):
                    reasons = _reasons(
                        (*claim.adjustments, *line.adjustments), (*claim.remarks, *line.remarks)
                    )
                    rows.writerow(
                        {"record": "line", **cells, **_line_cells(number, line), "reasons": reasons}
                    )
            for adjustment in payment.totals.provider_adjustments:
                rows.writerow(
                    {
                        "record": "provider_adjustment",
                        **base,
                        "adjustment_reason": csv_text(adjustment.reason),
                        "adjustment_reference": csv_text(adjustment.reference),
                        "adjustment_amount": values.money(adjustment.amount),
                    }
                )
        text.flush()
    finally:
        text.detach()
