"""``--format xml``: the JSON document as XML, written incrementally.

``<payments>`` holds one ``<payment>`` per transaction set; every JSON key is an element of the
same name; a list is an element holding one child per item (``<claims><claim>``,
``<adjustments><adjustment>``, ``<lines><line>``, ``<remarks><remark>``,
``<modifiers><modifier>``, ``<provider_adjustments><provider_adjustment>``,
``<warnings><warning>``); a JSON ``null`` is an empty element with ``nil="true"``; a control
character XML cannot carry reads U+FFFD. Each claim is written as soon as it is read, so memory
stays flat.

The bytes are those lxml writes for the same elements indented by ``etree.indent`` (tests hold
every claim, header and trailer to it), but no element tree is built: building and indenting one
per claim cost more than reading it, and importing lxml a tenth of a small run (issue 12). The
header and trailer, once per payment, are written from remit_data's mapping (:func:`markup`); a
claim from the model with one %-template per element, cut around its control numbers
(render.templates); text is escaped as libxml2 escapes it (``&``, ``<``, ``>``, and CR as
``&#13;``).
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from decimal import Decimal
from functools import cache, lru_cache
from typing import Any, BinaryIO, TypeVar

from edi837.codes import descriptions as codes
from edi837.model.remittance import (
    Adjustment,
    ClaimPayment,
    DateReference,
    Remark,
    RemitEvent,
    service_date,
)
from edi837.render import remit_data, values
from edi837.render.held import Held
from edi837.render.remit import payments, write_text
from edi837.render.templates import cut

T = TypeVar("T")

# Characters XML 1.0 cannot carry at all (C0 controls but tab, LF, CR; U+FFFE/U+FFFF; lone
# surrogates). A sender's stray control character is shown as U+FFFD instead of failing the whole
# output; JSON, which can carry it, escapes it instead.
_XML_CHARS = "\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff"


# Compiled when first needed, which most runs never are (text that is printable ASCII is checked
# without them): compiling these ranges was 86 M of the 1,230 M instructions of an XML start-up.
@cache
def not_xml() -> re.Pattern[str]:
    return re.compile(f"[^{_XML_CHARS}]")


@cache
def _special() -> re.Pattern[str]:
    """Anything in a text that is not written as it is."""
    return re.compile(f"[&<>\r]|[^{_XML_CHARS}]")


# the element name of one item of each list
_ITEMS = {
    "payments": "payment",
    "claims": "claim",
    "adjustments": "adjustment",
    "remarks": "remark",
    "lines": "line",
    "modifiers": "modifier",
    "provider_adjustments": "provider_adjustment",
    "warnings": "warning",
}


# -- any value of remit_data's mapping ------------------------------------------------------------


def markup(name: str, value: Any, pad: str) -> str:
    """``<name>`` for ``value`` of remit_data's mapping (a scalar, a dict or a list), its tag at
    the indentation ``pad``, as lxml writes the element indented by ``etree.indent`` (a test
    holds it to lxml). For the header and trailer, once per payment."""
    if value is None:
        return _tags(name)[2]
    if isinstance(value, dict | list):
        inner = pad + "  "
        if isinstance(value, dict):
            children = [markup(key, item, inner) for key, item in value.items()]
        else:
            children = [markup(_ITEMS[name], item, inner) for item in value]
        if not children:
            return f"<{name}/>"
        return f"<{name}>\n{inner}" + f"\n{inner}".join(children) + f"\n{pad}</{name}>"
    return _leaf(name, str(value))


# -- a claim, as markup("claim", remit_data.claim(claim), pad) writes it -------------------------


def _escaped(value: str) -> str:
    """Element text as libxml2 writes it, after U+FFFD for what XML cannot carry."""
    if value.isascii() and value.isprintable():  # most text: three scans cost less than the regex
        if "&" not in value and "<" not in value and ">" not in value:
            return value
    elif _special().search(value) is None:
        return value
    value = not_xml().sub("\ufffd", value)
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return value.replace("\r", "&#13;")


@cache
def _tags(name: str) -> tuple[str, str, str]:
    return f"<{name}>", f"</{name}>", f'<{name} nil="true"/>'


# the control numbers' tags: written inline, once a claim and a line, when the text is plain
_PCN_OPEN, _PCN_CLOSE, _ = _tags("patient_control_number")
_PAYER_OPEN, _PAYER_CLOSE, _ = _tags("payer_claim_number")
_LCN_OPEN, _LCN_CLOSE, _ = _tags("line_control_number")


def _leaf(name: str, value: str | None) -> str:
    opening, closing, nil = _tags(name)
    return nil if value is None else opening + _escaped(value) + closing


@lru_cache(maxsize=4096)
def _amount(name: str, value: Decimal | None) -> str:
    """``<name>`` of an amount's two-place text (amounts repeat: cached)."""
    return _leaf(name, values.money(value))


# codes, dates, units and descriptions recur from claim to claim; control numbers do not
_coded = lru_cache(maxsize=4096)(_leaf)


def _parent(name: str, count: int) -> Callable[[str], str]:
    """The %-template of ``<name>`` with ``count`` children, by the indentation of its tag."""

    @cache
    def at(pad: str) -> str:
        inner = "\n" + pad + "  "
        return f"<{name}>" + inner + inner.join(["%s"] * count) + "\n" + pad + f"</{name}>"

    return at


def _list(name: str, items: Sequence[T], render: Callable[[T, str], str], pad: str) -> str:
    if not items:
        return f"<{name}/>"
    inner = pad + "  "
    children = ("\n" + inner).join([render(item, inner) for item in items])
    return f"<{name}>\n{inner}{children}\n{pad}</{name}>"


def _modifier(value: str, pad: str) -> str:
    return _coded("modifier", value)


@lru_cache(maxsize=4096)
def _modifiers(items: tuple[str, ...], pad: str) -> str:
    return _list("modifiers", items, _modifier, pad)


_adjustment_at = _parent("adjustment", len(remit_data.ADJUSTMENT_KEYS))
_remark_at = _parent("remark", len(remit_data.REMARK_KEYS))
_line_at = _parent("line", len(remit_data.LINE_KEYS))
_claim_at = _parent("claim", len(remit_data.CLAIM_KEYS))


def _adjustment(item: Adjustment, pad: str) -> str:
    return _adjustment_at(pad) % (
        _coded("group", str(item.group)),
        _coded("reason", item.reason),
        _amount("amount", item.amount),
        _coded("quantity", values.number(item.quantity)),
        _coded("description", codes.carc(item.reason)),
    )


def _remark(item: Remark, pad: str) -> str:
    return _remark_at(pad) % (
        _coded("code", item.code),
        _coded("description", codes.remark(item.qualifier, item.code)),
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
        _coded("procedure", code or None),
        _modifiers(modifiers, pad + "  "),
        _amount("charge", charge),
        _amount("paid", paid),
        _coded("units", values.number(units)),
    )


@lru_cache(maxsize=4096)
def _line_date(pad: str, day: date | None) -> str:
    return _coded("service_date", remit_data.day(day)) + _line_pieces(pad)[1]


@lru_cache(maxsize=4096)
def _line_tail(pad: str, adjustments: tuple[Adjustment, ...], remarks: tuple[Remark, ...]) -> str:
    inner = pad + "  "
    return _line_pieces(pad)[2] % (
        _list("adjustments", adjustments, _adjustment, inner),
        _list("remarks", remarks, _remark, inner),
    )


@cache
def _dated(pad: str) -> Held[DateReference, str]:
    """The date piece of a line whose one DTM is this (shared) DateReference."""
    return Held(lambda dated: _line_date(pad, service_date((dated,))))


def _plain(text: str) -> bool:
    """Whether element text is written as it is (what :func:`_escaped` would return unchanged
    for most text), checked without a call of it."""
    return (
        text.isascii()
        and text.isprintable()
        and "&" not in text
        and "<" not in text
        and ">" not in text
    )


@cache
def _claim_pieces(pad: str) -> tuple[str, ...]:
    fields = ("patient_control_number", "payer_claim_number", "lines")
    return cut(_claim_at(pad), *map(_CLAIM_KEY, fields))


@cache
def _lines_tags(pad: str) -> tuple[str, str, str, Held[DateReference, str]]:
    """For the lines of a claim at ``pad``: the text before the first ``<line>``, between two,
    after the last, and the line's date pieces (``<lines>`` sits at pad + 2, each ``<line>`` at
    pad + 4)."""
    inner = pad + "    "
    return "<lines>\n" + inner, "\n" + inner, "\n" + pad + "  </lines>", _dated(inner)


@lru_cache(maxsize=4096)
def _claim_amounts(
    pad: str,
    status: str,
    charge: Decimal | None,
    paid: Decimal | None,
    responsibility: Decimal | None,
) -> str:
    return _claim_pieces(pad)[1] % (
        _coded("status_code", str(status)),
        _amount("charge", charge),
        _amount("paid", paid),
        _amount("patient_responsibility", responsibility),
    )


@lru_cache(maxsize=4096)
def _claim_codes(pad: str, adjustments: tuple[Adjustment, ...], remarks: tuple[Remark, ...]) -> str:
    inner = pad + "  "
    return _claim_pieces(pad)[2] % (
        _list("adjustments", adjustments, _adjustment, inner),
        _list("remarks", remarks, _remark, inner),
    )


def claim_text(item: ClaimPayment, pad: str) -> str:
    """``<claim>`` whose tag sits at the indentation ``pad``, as lxml would write it."""
    parts: list[str] = []
    claim_parts(item, pad, parts)
    return "".join(parts)


def claim_parts(item: ClaimPayment, pad: str, parts: list[str]) -> None:
    """:func:`claim_text`'s pieces, appended to ``parts``: the caller joins them once. Each line
    is four pieces (head, date, control number, tail), written inline: a call a line cost more
    than its look-ups, and the date's Held is looked up without one on a hit; the status is
    keyed by its text (an enum member's hash is a call of Python)."""
    before, _, _, after = _claim_pieces(pad)
    patient, payer = item.patient_control_number, item.payer_claim_number
    parts += (
        before,
        (_PCN_OPEN + patient + _PCN_CLOSE)
        if _plain(patient)
        else _leaf("patient_control_number", patient),
        _claim_amounts(pad, str(item.status), item.charge, item.paid, item.patient_responsibility),
        (_PAYER_OPEN + payer + _PAYER_CLOSE)
        if payer and _plain(payer)
        else _leaf("payer_claim_number", payer or None),
        _claim_codes(pad, item.adjustments, item.remarks),
    )
    lines = item.lines
    if not lines:
        parts += ("<lines/>", after)
        return
    opening, between, closing, dated = _lines_tags(pad)
    find = dated.find
    inner = pad + "    "
    parts.append(opening)
    for line in lines:
        procedure, units, dates = line.procedure, line.units, line.dates
        control = line.line_control_number
        if len(dates) == 1:
            held = find(id(dates[0]))
            day = dated(dates[0]) if held is None else held[1]
        else:
            day = _line_date(inner, service_date(dates))
        parts += (
            _line_head(
                inner,
                procedure.code,
                procedure.modifiers,
                line.charge,
                line.paid,
                _ONE if units is None else units,  # ServicePayment.paid_units, without the call
            ),
            day,
            (_LCN_OPEN + control + _LCN_CLOSE)
            if control
            and control.isascii()
            and control.isprintable()
            and "&" not in control
            and "<" not in control
            and ">" not in control  # _plain, without the call
            else _leaf("line_control_number", control or None),
            _line_tail(inner, line.adjustments, line.remarks),
            between,
        )
    parts[-1] = closing
    parts.append(after)


# -- the document ---------------------------------------------------------------------------------


def write(events: Iterable[RemitEvent], out: BinaryIO) -> None:
    write_text(out, lambda text: _write(events, text), "\n")


def _write(events: Iterable[RemitEvent], out: io.TextIOWrapper) -> None:
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n<payments>')
    claim_pad = " " * 6
    lead = "\n" + claim_pad
    for payment in payments(events):
        out.write("\n  <payment>")
        for key, value in remit_data.header(payment.header).items():
            out.write("\n    " + markup(key, value, "    "))
        out.write("\n    <claims>")
        any_claim = False
        parts: list[str] = []
        for claim in payment.claims():
            parts.append(lead)  # the claim's text is joined once, this included
            claim_parts(claim, claim_pad, parts)
            out.write("".join(parts))
            parts.clear()
            any_claim = True
        out.write("\n    </claims>" if any_claim else "</claims>")
        for key, value in remit_data.trailer(payment.totals).items():
            out.write("\n    " + markup(key, value, "    "))
        out.write("\n  </payment>")
    out.write("\n</payments>\n")
