"""``--format table`` (the default): a remittance for people, one block per payment.

Each claim shows its status and outcome in words, its amounts, its adjustments with what each
reason code means, and a table of its service lines with columns aligned within the claim. The
patient's name and member ID are masked unless ``--show-phi`` is given. Plain text, written
claim by claim, with every control character in the payer's values escaped (render.safety).
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from decimal import Decimal
from typing import BinaryIO

from edi837 import phi
from edi837.codes import descriptions as codes
from edi837.issues import Issue
from edi837.model.remittance import (
    Adjustment,
    AdjustmentGroup,
    ClaimPayment,
    ClaimStatus,
    PaymentMethod,
    Remark,
    RemitEvent,
    Remittance,
    RemittanceTotals,
)
from edi837.remit835 import balance
from edi837.render import values
from edi837.render.remit import payments
from edi837.render.safety import terminal_line

_LINE_HEADINGS = (
    "line",
    "procedure",
    "modifiers",
    "date",
    "units",
    "charge",
    "paid",
    "control no.",
)
_RIGHT = {0, 4, 5, 6}  # numeric columns are right-aligned


def _money(value: Decimal | None) -> str:
    return "-" if value is None else values.money(value)


def _status(claim: ClaimPayment) -> str:
    status = claim.status
    label = status.label if isinstance(status, ClaimStatus) else "a code we do not know"
    return f"status {status}: {label}"


def _count(n: int, what: str) -> str:
    return f"{n} {what}" if n == 1 else f"{n} {what}s"


def _adjustment(item: Adjustment) -> str:
    group = item.group
    words = codes.carc(item.reason)
    who = f" [{group.label}]" if isinstance(group, AdjustmentGroup) else ""
    quantity = f" x {values.number(item.quantity)}" if item.quantity is not None else ""
    meaning = f"  {words}" if words else ""
    code = f"{group}-{item.reason}"
    return f"{code:<8}{values.money(item.amount):>10}{quantity}{who}{meaning}"


def _remark(item: Remark) -> str:
    if item.qualifier not in ("HE", ""):  # RX: an NCPDP reject code, not a RARC
        return f"remark {item.code} ({item.qualifier} code)"
    words = codes.remark(item.qualifier, item.code)
    return f"remark {item.code}" + (f"  {words}" if words else "")


def _location(issue: Issue) -> str:
    where = issue.location
    parts = []
    if where.segment is not None:
        parts.append(
            f"segment {where.segment}" + (f" ({where.segment_id})" if where.segment_id else "")
        )
    if where.loop:
        parts.append(f"loop {where.loop}")
    if where.claim_id:
        parts.append(f"claim {where.claim_id}")
    return ", ".join(parts)


def _header(number: int, header: Remittance) -> list[str]:
    method = header.payment_method
    how = f"{method} ({method.label})" if isinstance(method, PaymentMethod) else str(method or "-")
    when = header.payment_date.isoformat() if header.payment_date else "-"
    payee_id = (
        f" ({header.payee.id_qualifier} {header.payee.identifier})"
        if header.payee.identifier
        else ""
    )
    return [
        f"Payment {number}: transaction {header.control_number or '-'}, trace {header.trace_number or '-'}",
        f"  payer    {header.payer.name or '-'}",
        f"  payee    {header.payee.name or '-'}{payee_id}",
        f"  amount   {_money(header.payment_amount)} by {how} on {when}",
    ]


def _claim(claim: ClaimPayment) -> list[str]:
    out = ["", f"  Claim {claim.patient_control_number or '-'}: {claim.outcome} ({_status(claim)})"]
    patient = claim.patient
    if patient is not None:
        name = phi.name(patient.last_name) or "-"
        member = phi.member_id(patient.identifier) or "-"
        out.append(f"    patient {name}, member {member}")
    out.append(
        f"    charge {_money(claim.charge)}, paid {_money(claim.paid)}, "
        f"patient owes {_money(claim.patient_responsibility)}, "
        f"payer claim number {claim.payer_claim_number or '-'}"
    )
    out.extend(f"    {_adjustment(a)}" for a in claim.adjustments)
    out.extend(f"    {_remark(r)}" for r in claim.remarks)
    if claim.lines:
        rows = [_LINE_HEADINGS]
        details: list[list[str]] = []
        for number, line in enumerate(claim.lines, 1):
            date = line.service_date
            rows.append(
                (
                    str(number),
                    line.procedure.code or "-",
                    " ".join(line.procedure.modifiers) or "-",
                    date.isoformat() if date else "-",
                    values.number(line.paid_units),
                    _money(line.charge),
                    _money(line.paid),
                    line.line_control_number or "-",
                )
            )
            extra = [_adjustment(a) for a in line.adjustments] + [_remark(r) for r in line.remarks]
            original = line.original_procedure
            if original is not None:
                units = f" x {values.number(line.original_units)}" if line.original_units else ""
                billed = " ".join((original.code, *original.modifiers))
                extra.insert(0, f"billed as {billed}{units}")
            details.append(extra)
        widths = [max(len(row[i]) for row in rows) for i in range(len(_LINE_HEADINGS))]

        def cells(row: tuple[str, ...]) -> str:
            return "  ".join(
                value.rjust(width) if i in _RIGHT else value.ljust(width)
                for i, (value, width) in enumerate(zip(row, widths, strict=True))
            ).rstrip()

        out.append(f"    {cells(rows[0])}")
        indent = " " * (4 + widths[0] + 2)
        for row, extra in zip(rows[1:], details, strict=True):
            out.append(f"    {cells(row)}")
            out.extend(f"{indent}{text}" for text in extra)
    return out


def _trailer(header: Remittance, totals: RemittanceTotals) -> list[str]:
    out = [""]
    if totals.provider_adjustments:
        out.append("  Provider adjustments (PLB)")
        width = max(len(f"{item.reason} {item.reference}") for item in totals.provider_adjustments)
        for item in totals.provider_adjustments:
            code = f"{item.reason} {item.reference}".strip()
            described = codes.plb(item.reason)
            line = f"    {code:<{width}} {values.money(item.amount):>10}"
            out.append(f"{line}  {described}" if described else line)
    difference = balance.transaction_difference(header, totals)
    verdict = "balances" if difference is None else f"off by {values.money(difference)}"
    out.append(
        f"  Totals: {_count(totals.claim_count, 'claim')}, {_count(totals.line_count, 'line')}, charge "
        f"{values.money(totals.total_charge)}, paid {values.money(totals.total_paid)}, provider "
        f"adjustments {values.money(totals.provider_adjustment_total)}; payment "
        f"{_money(header.payment_amount)} {verdict}"
    )
    if totals.issues:
        out.append(f"  Warnings ({len(totals.issues)})")
        for issue in totals.issues:
            where = _location(issue)
            out.append(
                f"    {issue.rule_id} [{where}] {issue.message}"
                if where
                else f"    {issue.rule_id} {issue.message}"
            )
    return out


def _shown(lines: list[str]) -> str:
    """Lines as a terminal gets them: any control character the payer's values brought (an
    escape sequence, a line break inside an element) is shown as ``\\xNN``, never acted on."""
    return "".join(terminal_line(line) + "\n" for line in lines)


def write(events: Iterable[RemitEvent], out: BinaryIO) -> None:
    text = io.TextIOWrapper(out, encoding="utf-8", newline="\n", write_through=True)
    try:
        count = 0
        for count, payment in enumerate(payments(events), 1):
            if count > 1:
                text.write("\n")
            text.write(_shown(_header(count, payment.header)))
            for claim in payment.claims():
                text.write(_shown(_claim(claim)))
            text.write(_shown(_trailer(payment.header, payment.totals)))
        if count == 0:
            text.write("No 835 payments in this file.\n")
        text.flush()
    finally:
        text.detach()
