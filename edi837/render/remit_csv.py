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


# Rows are lists in COLUMNS order (a csv.DictWriter's dict per row cost more than the reading):
# the payment's 5 cells, the claim's 9, the line's 10, reasons, the PLB pair's 3.
_NO_CLAIM = ("",) * 9
_NO_LINE = ("",) * 10
_NO_PLB = ("",) * 3


def _claim_cells(claim: ClaimPayment) -> tuple[str, ...]:
    return (
        csv_text(claim.patient_control_number),
        csv_text(claim.payer_claim_number),
        csv_text(str(claim.status)),
        claim.outcome,
        values.money(claim.charge) or "",
        values.money(claim.paid) or "",
        values.money(claim.patient_responsibility) or "",
        _adjustments(claim.adjustments),
        _remarks(claim.remarks),
    )


def _line_cells(number: int, line: ServicePayment) -> tuple[str, ...]:
    return (
        str(number),
        csv_text(line.line_control_number),
        csv_text(line.procedure.code),
        csv_text("; ".join(line.procedure.modifiers)),
        remit_data.day(line.service_date) or "",
        values.number(line.paid_units),
        values.money(line.charge) or "",
        values.money(line.paid) or "",
        _adjustments(line.adjustments),
        _remarks(line.remarks),
    )


def write(events: Iterable[RemitEvent], out: BinaryIO) -> None:
    text = io.TextIOWrapper(out, encoding="utf-8", newline="")
    try:
        rows = csv.writer(text, lineterminator="\n")
        rows.writerow(COLUMNS)
        for payment in payments(events):
            header = payment.header
            base = (
                csv_text(header.control_number),
                csv_text(header.trace_number),
                remit_data.day(header.payment_date) or "",
                csv_text(header.payer.name),
                csv_text(header.payee.name),
            )
            for claim in payment.claims():
                cells = _claim_cells(claim)
                if not claim.lines:
                    reasons = _reasons(claim.adjustments, claim.remarks)
                    rows.writerow(("claim", *base, *cells, *_NO_LINE, reasons, *_NO_PLB))
                for number, line in enumerate(claim.lines, 1):
                    reasons = _reasons(
                        (*claim.adjustments, *line.adjustments), (*claim.remarks, *line.remarks)
                    )
                    line_cells = _line_cells(number, line)
                    rows.writerow(("line", *base, *cells, *line_cells, reasons, *_NO_PLB))
            for adjustment in payment.totals.provider_adjustments:
                plb = (
                    csv_text(adjustment.reason),
                    csv_text(adjustment.reference),
                    values.money(adjustment.amount),
                )
                rows.writerow(("provider_adjustment", *base, *_NO_CLAIM, *_NO_LINE, "", *plb))
        text.flush()
    finally:
        text.detach()
