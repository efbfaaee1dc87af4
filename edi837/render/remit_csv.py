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
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import BinaryIO, Protocol

from edi837.codes import descriptions as codes
from edi837.model.remittance import (
    Adjustment,
    ClaimPayment,
    DateReference,
    Procedure,
    Remark,
    RemitEvent,
    ServicePayment,
    service_date,
)
from edi837.render import remit_data, values
from edi837.render.held import Held
from edi837.render.remit import payments, write_text
from edi837.render.safety import FORMULA_START as _FORMULA_START
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


def _adjustments(items: Sequence[Adjustment]) -> str:
    if not items:
        return ""
    return csv_text("; ".join(f"{a.group}-{a.reason} {values.money(a.amount)}" for a in items))


def _remarks(items: Sequence[Remark]) -> str:
    if not items:
        return ""
    return csv_text("; ".join(r.code for r in items))


def _reasons(adjustments: Sequence[Adjustment], remarks: Sequence[Remark]) -> str:
    """``CARC 45: ...; RARC N54: ...`` for every code we can describe, each once."""
    if not adjustments and not remarks:
        return ""
    return _described(
        tuple(a.reason for a in adjustments), tuple((r.qualifier, r.code) for r in remarks)
    )


@lru_cache(maxsize=4096)
def _described(reasons: tuple[str, ...], remarks: tuple[tuple[str, str], ...]) -> str:
    """The reasons cell of these codes (the same few combinations recur: cached)."""
    seen: dict[str, None] = {}
    for reason in reasons:
        description = codes.carc(reason)
        if description:
            seen[f"CARC {reason}: {description}"] = None
    for qualifier, code in remarks:
        description = codes.remark(qualifier, code)
        if description:
            seen[f"RARC {code}: {description}"] = None
    return "; ".join(seen)


# Rows are lists in COLUMNS order (a csv.DictWriter's dict per row cost more than the reading):
# the payment's 5 cells, the claim's 9, the line's 10, reasons, the PLB pair's 3.
_NO_CLAIM = ("",) * 9
_NO_LINE = ("",) * 10
_NO_PLB = ("",) * 3


# Cells whose values recur from line to line (codes, dates, amounts) are cached whole.
_coded = lru_cache(maxsize=4096)(csv_text)


@lru_cache(maxsize=4096)
def _amount(value: Decimal | None) -> str:
    return values.money(value) or ""


@lru_cache(maxsize=4096)
def _modifiers(items: tuple[str, ...]) -> str:
    return csv_text("; ".join(items))


@lru_cache(maxsize=4096)
def _day(value: date | None) -> str:
    return remit_data.day(value) or ""


@lru_cache(maxsize=4096)
def _procedure(code: str, modifiers: tuple[str, ...]) -> tuple[str, str]:
    return _coded(code), _modifiers(modifiers)


@lru_cache(maxsize=4096)
def _amounts(
    charge: Decimal | None,
    paid: Decimal | None,
    responsibility: Decimal | None,
    adjustments: tuple[Adjustment, ...],
) -> tuple[str, str, str, str]:
    """A claim's charge, paid, patient responsibility and adjustments cells (they recur)."""
    return _amount(charge), _amount(paid), _amount(responsibility), _adjustments(adjustments)


@lru_cache(maxsize=4096)
def _line_amounts(
    units: Decimal,
    charge: Decimal | None,
    paid: Decimal | None,
    adjustments: tuple[Adjustment, ...],
    remarks: tuple[Remark, ...],
) -> tuple[str, str, str, str, str]:
    """A line's units, charge, paid, adjustments and remarks cells (fee-schedule values: they
    recur, and one cache look-up for the five costs less than five)."""
    return (
        values.number(units),
        _amount(charge),
        _amount(paid),
        _adjustments(adjustments),
        _remarks(remarks),
    )


def _joined(cells: tuple[str, ...]) -> tuple[str, bool]:
    """Cells joined with commas, and whether csv.writer would write them so (:func:`plain`)."""
    text = ",".join(cells)
    return text, plain(text, len(cells))


# The recurring parts of a row, joined and checked once: the procedure and modifiers cells (by
# the reader's shared Procedure), the units, charge, paid, adjustments and remarks cells, and a
# claim's cells but its control numbers (see _write).
_coding: Held[Procedure, tuple[str, bool]] = Held(
    lambda procedure: _joined(_procedure(procedure.code, procedure.modifiers))
)


@lru_cache(maxsize=4096)
def _claim_text(
    status: str,
    outcome: str,
    charge: Decimal | None,
    paid: Decimal | None,
    responsibility: Decimal | None,
    adjustments: tuple[Adjustment, ...],
    remarks: tuple[Remark, ...],
) -> tuple[str, bool]:
    """The status_code .. claim_remarks cells of :func:`_claim_cells` (keyed by the status's
    text, which is what the cell shows: an enum member's hash is a call of Python)."""
    return _joined(
        (
            _coded(status),
            outcome,
            *_amounts(charge, paid, responsibility, adjustments),
            _remarks(remarks),
        )
    )


@lru_cache(maxsize=4096)
def _line_amounts_text(
    units: Decimal,
    charge: Decimal | None,
    paid: Decimal | None,
    adjustments: tuple[Adjustment, ...],
    remarks: tuple[Remark, ...],
) -> tuple[str, bool]:
    return _joined(_line_amounts(units, charge, paid, adjustments, remarks))


@lru_cache(maxsize=4096)
def _line_tail_text(
    units: Decimal,
    charge: Decimal | None,
    paid: Decimal | None,
    adjustments: tuple[Adjustment, ...],
    remarks: tuple[Remark, ...],
) -> tuple[str, bool]:
    """:func:`_line_amounts_text` and the reasons cell after it, for a line of a claim with no
    adjustments or remarks of its own (whose reasons are then the line's codes': they recur)."""
    return _joined(
        (*_line_amounts(units, charge, paid, adjustments, remarks), _reasons(adjustments, remarks))
    )


def _one_cell(cell: str) -> bool:
    """Whether csv.writer writes ``cell`` as it is, within a row of several."""
    return '"' not in cell and "," not in cell and "\n" not in cell and "\r" not in cell


def _claim_cells(claim: ClaimPayment, remarks: tuple[Remark, ...]) -> tuple[str, ...]:
    charge, paid, responsibility, adjustments = _amounts(
        claim.charge, claim.paid, claim.patient_responsibility, claim.adjustments
    )
    return (
        csv_text(claim.patient_control_number),
        csv_text(claim.payer_claim_number),
        _coded(str(claim.status)),
        claim.outcome,
        charge,
        paid,
        responsibility,
        adjustments,
        _remarks(remarks),
    )


# the service date cell of a line whose one DTM is this (shared) DateReference
_dated: Held[DateReference, str] = Held(lambda dated: _day(service_date((dated,))))
_ONE = Decimal(1)


def _line_cells(number: int, line: ServicePayment) -> tuple[str, ...]:
    procedure, units, dates = line.procedure, line.units, line.dates
    return (
        str(number),
        csv_text(line.line_control_number),
        *_procedure(procedure.code, procedure.modifiers),
        _dated(dates[0]) if len(dates) == 1 else _day(service_date(dates)),
        *_line_amounts(
            _ONE if units is None else units,  # ServicePayment.paid_units, without the call
            line.charge,
            line.paid,
            line.adjustments,
            line.remarks,
        ),
    )


# rows are gathered as texts in a list (_Rows) and written, joined, every this many rows: a
# write per row through the text layer cost a tenth of the rendering, and a StringIO buffer
# that is emptied and refilled keeps its text as 4-byte characters, converted twice a chunk
_CHUNK_ROWS = 512


class _Writes(Protocol):
    def write(self, text: str, /) -> object: ...


class _Rows(list[str]):
    """Rows' texts in order; csv.writer writes into it as into a file."""

    write = list.append


def plain(text: str, cells: int) -> bool:
    """Whether ``text``, ``cells`` cells joined with commas, is what csv.writer writes for them:
    no cell holds a quote, a line break or a comma, so none is quoted."""
    return (
        '"' not in text and "\n" not in text and "\r" not in text and text.count(",") == cells - 1
    )


def row_writer(buffer: _Writes) -> Callable[[Sequence[str]], object]:
    """Write a row of text cells as ``csv.writer(buffer, lineterminator="\\n")`` does.

    Most rows need no quoting at all: those are joined with commas directly (csv.writer's
    per-field scan was a quarter of the rendering); a row with a quote, a line break or a comma
    inside a cell goes through csv.writer itself, and so does a row of one cell (csv.writer
    quotes a lone empty cell, so that the row is not a blank line)."""
    quoted = csv.writer(buffer, lineterminator="\n").writerow
    write = buffer.write

    def row(cells: Sequence[str]) -> object:
        text = ",".join(cells)
        if len(cells) < 2 or not plain(text, len(cells)):
            return quoted(cells)
        return write(text + "\n")

    return row


def write(events: Iterable[RemitEvent], out: BinaryIO) -> None:
    write_text(out, lambda text: _write(events, text), "")


def _write(events: Iterable[RemitEvent], text: io.TextIOWrapper) -> None:
    rows = _Rows()
    row = row_writer(rows)
    append = rows.append
    row(COLUMNS)
    find_day, find_coding = _dated.find, _coding.find
    for payment in payments(events):
        header = payment.header
        base = (
            csv_text(header.control_number),
            csv_text(header.trace_number),
            _day(header.payment_date),
            csv_text(header.payer.name),
            csv_text(header.payee.name),
        )
        head = ",".join(("line", *base))
        head_plain = plain(head, 1 + len(base))
        for claim in payment.claims():
            remarks = claim.remarks  # a property that builds its tuple: once a claim
            adjustments = claim.adjustments
            lines = claim.lines
            # A line row is the claim's cells, the line's, then three empty PLB cells. The
            # claim's part is joined once for all its lines, and each part checked on its own:
            # when none needs quoting, neither does the row (csv.writer takes any other).
            # The recurring parts come joined and checked from the caches (a line's reasons
            # cell with its amounts, when the claim has no codes of its own); the control
            # numbers are checked here (csv_text and _one_cell, without the calls).
            patient, payer = claim.patient_control_number, claim.payer_claim_number
            if patient and patient[0] in _FORMULA_START:
                patient = "'" + patient
            if payer and payer[0] in _FORMULA_START:
                payer = "'" + payer
            middle, lead_plain = _claim_text(
                str(claim.status),
                claim.outcome,
                claim.charge,
                claim.paid,
                claim.patient_responsibility,
                adjustments,
                remarks,
            )
            joined = f"{head},{patient},{payer},{middle}"
            lead_plain = (
                lead_plain
                and head_plain
                and '"' not in patient
                and "," not in patient
                and "\n" not in patient
                and "\r" not in patient
                and '"' not in payer
                and "," not in payer
                and "\n" not in payer
                and "\r" not in payer
            )
            if not lines:
                reasons = _reasons(adjustments, remarks)
                row(("claim", *base, *_claim_cells(claim, remarks), *_NO_LINE, reasons, *_NO_PLB))
            coded = adjustments or remarks
            for number, line in enumerate(lines, 1):
                procedure, units, dates = line.procedure, line.units, line.dates
                hit = find_coding(id(procedure))
                coding, coding_plain = _coding(procedure) if hit is None else hit[1]
                adjusted, remarked = line.adjustments, line.remarks
                if units is None:
                    units = _ONE  # ServicePayment.paid_units, without the call
                if coded:
                    amounts, tail_plain = _line_amounts_text(
                        units, line.charge, line.paid, adjusted, remarked
                    )
                    reasons = _reasons((*adjustments, *adjusted), (*remarks, *remarked))
                    tail = f"{amounts},{reasons}"
                    tail_plain = tail_plain and _one_cell(reasons)
                else:
                    tail, tail_plain = _line_tail_text(
                        units, line.charge, line.paid, adjusted, remarked
                    )
                control = line.line_control_number
                if control and control[0] in _FORMULA_START:
                    control = "'" + control
                if (
                    lead_plain
                    and coding_plain
                    and tail_plain
                    and '"' not in control
                    and "," not in control
                    and "\n" not in control
                    and "\r" not in control
                ):
                    if len(dates) == 1:
                        held = find_day(id(dates[0]))
                        day = _dated(dates[0]) if held is None else held[1]
                    else:
                        day = _day(service_date(dates))
                    append(f"{joined},{number},{control},{coding},{day},{tail},,,\n")
                else:
                    reasons = (
                        _reasons((*adjustments, *adjusted), (*remarks, *remarked))
                        if coded or adjusted or remarked
                        else ""
                    )
                    lead = ("line", *base, *_claim_cells(claim, remarks))
                    row((*lead, *_line_cells(number, line), reasons, *_NO_PLB))
            if len(rows) >= _CHUNK_ROWS:
                text.write("".join(rows))
                rows.clear()
        for adjustment in payment.totals.provider_adjustments:
            plb = (
                csv_text(adjustment.reason),
                csv_text(adjustment.reference),
                values.money(adjustment.amount),
            )
            row(("provider_adjustment", *base, *_NO_CLAIM, *_NO_LINE, "", *plb))
    text.write("".join(rows))
