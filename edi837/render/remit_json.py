"""``--format json``: ``{"schema_version": 1, "payments": [...]}``, streamed
(``edi837/schemas/remit.schema.json``).

The bytes are exactly those of ``json.dumps(document, indent=2)`` followed by a newline (a test
holds us to it, and another holds each claim to ``json.dumps(remit_data.claim(c), indent=2)``),
but the document is never built whole: each claim is written as soon as it is read, so memory
stays flat for any number of claims.

Why claims are not simply ``json.dumps(..., indent=2)``: with ``indent`` Python falls back to its
pure-Python encoder, which was over 40% of a run (issue 12), and building a dict per claim a
further 17%. A claim's shape is fixed (docs/remit.md), so it is written here from the model with
one %-template per object, every string escaped by the C ``encode_basestring_ascii`` that
``json.dumps`` itself uses. The header and trailer, once per payment, keep ``json.dumps``.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from decimal import Decimal
from functools import cache, lru_cache
from json.encoder import encode_basestring_ascii
from typing import Any, BinaryIO, TypeVar

from edi837.codes import descriptions as codes
from edi837.model.remittance import (
    Adjustment,
    ClaimPayment,
    DateReference,
    Remark,
    RemitEvent,
    ServicePayment,
    service_date,
)
from edi837.render import remit_data, values
from edi837.render.held import Held
from edi837.render.remit import payments, write_text
from edi837.render.templates import cut

SCHEMA_VERSION = 1  # of remit.schema.json: raised with any change a script would notice

# indentation of the nesting levels: document, payments list, payment, its lists' items
_PAYMENT = " " * 4
_FIELD = " " * 6
_ITEM = " " * 8
_FIRST, _NEXT = "\n" + _ITEM, ",\n" + _ITEM  # before the first claim of a list, before another

T = TypeVar("T")


def _nested(value: Any, pad: str) -> str:
    """``value`` dumped with indent=2 as it appears nested at the indentation ``pad``."""
    return json.dumps(value, indent=2).replace("\n", "\n" + pad)


# -- one claim, as json.dumps(remit_data.claim(claim), indent=2) writes it ----------------------


def _text(value: str | None) -> str:
    """A JSON string, or null: what json.dumps writes for it (ASCII, escaped)."""
    return "null" if value is None else encode_basestring_ascii(value)


def _object(keys: Sequence[str]) -> Callable[[str], str]:
    """The %-template of an object with ``keys``, by the indentation of its opening brace."""

    @cache
    def at(pad: str) -> str:
        inner = "\n" + pad + "  "
        fields = ("," + inner).join(f'"{key}": %s' for key in keys)  # our keys: no % in them
        return "{" + inner + fields + "\n" + pad + "}"

    return at


def _list(items: Sequence[T], render: Callable[[T, str], str], pad: str) -> str:
    """A list whose opening bracket sits at ``pad``; each item is ``render(item, its pad)``."""
    if not items:
        return "[]"
    inner = pad + "  "
    joint = ",\n" + inner
    return "[\n" + inner + joint.join([render(item, inner) for item in items]) + "\n" + pad + "]"


@lru_cache(maxsize=4096)
def _strings(items: tuple[str, ...], pad: str) -> str:
    """A list of strings whose opening bracket sits at ``pad``."""
    if not items:
        return "[]"
    inner = pad + "  "
    return (
        "[\n" + inner + (",\n" + inner).join(map(encode_basestring_ascii, items)) + "\n" + pad + "]"
    )


@lru_cache(maxsize=4096)
def _amount(value: Decimal | None) -> str:
    """An amount as the JSON string of its two-place text, or null (amounts repeat: cached)."""
    return _text(values.money(value))


_adjustment_at = _object(remit_data.ADJUSTMENT_KEYS)
_remark_at = _object(remit_data.REMARK_KEYS)
_line_at = _object(remit_data.LINE_KEYS)
_claim_at = _object(remit_data.CLAIM_KEYS)


def _adjustment(item: Adjustment, pad: str) -> str:
    return _adjustment_at(pad) % (
        encode_basestring_ascii(str(item.group)),
        encode_basestring_ascii(item.reason),
        _amount(item.amount),
        _text(values.number(item.quantity)),
        _text(codes.carc(item.reason)),
    )


def _remark(item: Remark, pad: str) -> str:
    return _remark_at(pad) % (
        encode_basestring_ascii(item.code),
        _text(codes.remark(item.qualifier, item.code)),
    )


# A line is written from three cached pieces around its service date and its control number
# (the date recurs, but keyed with the rest it would multiply the combinations past the caches'
# bounds), a claim from three around its two control numbers and its lines: see render.templates.
_LINE_KEY = remit_data.LINE_KEYS.index
_ONE = Decimal(1)
_CLAIM_KEY = remit_data.CLAIM_KEYS.index


@cache
def _line_pieces(pad: str) -> tuple[str, ...]:
    return cut(_line_at(pad), _LINE_KEY("service_date"), _LINE_KEY("line_control_number"))


@lru_cache(maxsize=4096)
def _line_head(
    pad: str,
    code: str,
    modifiers: tuple[str, ...],
    charge: Decimal | None,
    paid: Decimal | None,
    units: Decimal,
) -> str:
    return _line_pieces(pad)[0] % (
        _text(code or None),
        _strings(modifiers, pad + "  "),
        _amount(charge),
        _amount(paid),
        _text(values.number(units)),
    )


@lru_cache(maxsize=4096)
def _line_date(pad: str, day: date | None) -> str:
    return _text(remit_data.day(day)) + _line_pieces(pad)[1]


@lru_cache(maxsize=4096)
def _line_tail(pad: str, adjustments: tuple[Adjustment, ...], remarks: tuple[Remark, ...]) -> str:
    inner = pad + "  "
    return _line_pieces(pad)[2] % (
        _list(adjustments, _adjustment, inner),
        _list(remarks, _remark, inner),
    )


@cache
def _dated(pad: str) -> Held[DateReference, str]:
    """The date piece of a line whose one DTM is this (shared) DateReference."""
    return Held(lambda dated: _line_date(pad, service_date((dated,))))


def _line_parts(
    item: ServicePayment, pad: str, dated: Held[DateReference, str], parts: list[str]
) -> None:
    """A line at ``pad`` as its four pieces, appended to ``parts`` (joined once per claim:
    each ``+`` of a growing text copies all of it again)."""
    procedure, units, dates, control = (
        item.procedure,
        item.units,
        item.dates,
        item.line_control_number,
    )
    parts += (
        _line_head(
            pad,
            procedure.code,
            procedure.modifiers,
            item.charge,
            item.paid,
            _ONE if units is None else units,  # ServicePayment.paid_units, without the call
        ),
        dated(dates[0]) if len(dates) == 1 else _line_date(pad, service_date(dates)),
        encode_basestring_ascii(control) if control else "null",
        _line_tail(pad, item.adjustments, item.remarks),
    )


@cache
def _claim_pieces(pad: str) -> tuple[str, ...]:
    fields = ("patient_control_number", "payer_claim_number", "lines")
    return cut(_claim_at(pad), *map(_CLAIM_KEY, fields))


@lru_cache(maxsize=4096)
def _claim_amounts(
    pad: str,
    status: str,
    charge: Decimal | None,
    paid: Decimal | None,
    responsibility: Decimal | None,
) -> str:
    return _claim_pieces(pad)[1] % (
        encode_basestring_ascii(str(status)),
        _amount(charge),
        _amount(paid),
        _amount(responsibility),
    )


@lru_cache(maxsize=4096)
def _claim_codes(pad: str, adjustments: tuple[Adjustment, ...], remarks: tuple[Remark, ...]) -> str:
    inner = pad + "  "
    return _claim_pieces(pad)[2] % (
        _list(adjustments, _adjustment, inner),
        _list(remarks, _remark, inner),
    )


@cache
def _lines_tags(pad: str) -> tuple[str, str, str, Held[DateReference, str]]:
    """For the lines of a claim at ``pad``: the text before the first line, between two, after
    the last, and the line's date pieces (the list sits at pad + 2, its items at pad + 4)."""
    inner = pad + "    "
    return "[\n" + inner, ",\n" + inner, "\n" + pad + "  ]", _dated(inner)


def claim_text(item: ClaimPayment, pad: str = "") -> str:
    """``json.dumps(remit_data.claim(item), indent=2)`` with every line after the first
    indented by ``pad``, written without the dict or the pure-Python encoder."""
    parts: list[str] = []
    claim_parts(item, pad, parts)
    return "".join(parts)


def claim_parts(item: ClaimPayment, pad: str, parts: list[str]) -> None:
    """:func:`claim_text`'s pieces, appended to ``parts``: the caller joins them once."""
    before, _, _, after = _claim_pieces(pad)
    number = item.payer_claim_number
    parts += (
        before,
        encode_basestring_ascii(item.patient_control_number),
        _claim_amounts(pad, item.status, item.charge, item.paid, item.patient_responsibility),
        encode_basestring_ascii(number) if number else "null",
        _claim_codes(pad, item.adjustments, item.remarks),
    )
    lines = item.lines
    if not lines:
        parts += ("[]", after)
        return
    opening, between, closing, dated = _lines_tags(pad)
    inner = pad + "    "
    parts.append(opening)
    for line in lines:
        _line_parts(line, inner, dated, parts)
        parts.append(between)
    parts[-1] = closing
    parts.append(after)


# -- the document ---------------------------------------------------------------------------------


def write(events: Iterable[RemitEvent], out: BinaryIO) -> None:
    write_text(out, lambda text: _write(events, text), "\n")


def _write(events: Iterable[RemitEvent], out: io.TextIOWrapper) -> None:
    out.write(f'{{\n  "schema_version": {SCHEMA_VERSION},\n  "payments": [')
    any_payment = False
    for payment in payments(events):
        out.write(f"{',' if any_payment else ''}\n{_PAYMENT}{{")
        any_payment = True
        for key, value in remit_data.header(payment.header).items():
            out.write(f"\n{_FIELD}{json.dumps(key)}: {json.dumps(value)},")
        out.write(f'\n{_FIELD}"claims": [')
        any_claim = False
        parts: list[str] = []
        for claim in payment.claims():
            parts.append(_NEXT if any_claim else _FIRST)  # joined once with the claim's text
            claim_parts(claim, _ITEM, parts)
            out.write("".join(parts))
            parts.clear()
            any_claim = True
        out.write(f"\n{_FIELD}]" if any_claim else "]")
        for key, value in remit_data.trailer(payment.totals).items():
            out.write(f",\n{_FIELD}{json.dumps(key)}: {_nested(value, _FIELD)}")
        out.write(f"\n{_PAYMENT}}}")
    out.write("\n  ]\n}\n" if any_payment else "]\n}\n")
