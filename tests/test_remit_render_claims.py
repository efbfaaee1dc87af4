"""The JSON and XML renderers write each claim from the model, without building the document's
dict or element tree, and the CSV renderer joins a plain row itself (issue 12: those were most
of ``remit``'s time). These tests hold each claim's text to the slow and obvious rendering of
remit_data's mapping, on every fixture claim and on generated claims with awkward text (quotes,
markup, control characters, non-ASCII, empty strings), amounts of any exponent, and absent
values; and each CSV row to csv.writer's."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from edi837.model.remittance import (
    Adjustment,
    ClaimPayment,
    DateReference,
    Procedure,
    Remark,
    ServicePayment,
)
from edi837.remit835 import read_advice
from edi837.render import remit_csv, remit_data, remit_json, remit_xml, templates

from .conftest import FIXTURES

REMIT = FIXTURES / "835"


def json_by_dumps(claim: ClaimPayment, pad: str) -> str:
    return json.dumps(remit_data.claim(claim), indent=2).replace("\n", "\n" + pad)


def lxml_element(name: str, value: Any, level: int) -> str:
    """What the renderer once built: an lxml element per key of remit_data's mapping, a child
    per item of a list, nil="true" for None, U+FFFD for what XML cannot carry; indented."""

    def fill(element: Any, name: str, value: Any) -> None:
        if value is None:
            element.set("nil", "true")
        elif isinstance(value, dict):
            for key, item in value.items():
                fill(etree.SubElement(element, key), key, item)
        elif isinstance(value, list):
            for item in value:
                fill(
                    etree.SubElement(element, remit_xml._ITEMS[name]), remit_xml._ITEMS[name], item
                )
        else:
            element.text = remit_xml.not_xml().sub("\ufffd", str(value))

    element = etree.Element(name)
    fill(element, name, value)
    etree.indent(element, space="  ", level=level)
    return str(etree.tostring(element, encoding="unicode"))


def xml_by_lxml(claim: ClaimPayment, level: int) -> str:
    return lxml_element("claim", remit_data.claim(claim), level)


def fixture_claims() -> list[ClaimPayment]:
    claims: list[ClaimPayment] = []
    for path in sorted(REMIT.glob("*.835")):
        for advice in read_advice(path, name=path.name):
            claims.extend(advice.claims)
    return claims


@pytest.mark.parametrize("claim", fixture_claims(), ids=lambda c: c.patient_control_number)
def test_every_fixture_claim_renders_as_its_mapping_does(claim: ClaimPayment) -> None:
    assert remit_json.claim_text(claim, " " * 8) == json_by_dumps(claim, " " * 8)
    assert remit_xml.claim_text(claim, " " * 6) == xml_by_lxml(claim, 3)


def test_the_mapping_has_the_keys_the_template_renderers_write() -> None:
    claim = next(c for c in fixture_claims() if c.adjustments and c.lines and c.remarks)
    data = remit_data.claim(claim)
    assert tuple(data) == remit_data.CLAIM_KEYS
    assert tuple(data["adjustments"][0]) == remit_data.ADJUSTMENT_KEYS
    assert tuple(data["remarks"][0]) == remit_data.REMARK_KEYS
    assert tuple(data["lines"][0]) == remit_data.LINE_KEYS


_PIECES = ["A", "1", "-", " ", '"', "\\", "&", "<", ">", "\r", "\n", "\t", "\x00", "\x1b", "\x7f"]
_PIECES += ["é", "漢", "\U0001f600", "\ufffe", "\udc80", "%", "%s", "]]>"]
awkward = st.lists(st.sampled_from(_PIECES), max_size=4).map("".join)
amounts = st.one_of(
    st.none(),
    st.decimals(
        allow_nan=False, allow_infinity=False, min_value=-(10**7), max_value=10**7, places=3
    ),
    st.sampled_from(
        [Decimal("0"), Decimal("-0"), Decimal("400.0"), Decimal("1E+2"), Decimal("1.005")]
    ),
)
adjustments = st.lists(
    st.builds(
        Adjustment,
        st.sampled_from(["CO", "PR", "OA", "ZZ"]),
        st.sampled_from(["45", "197", "", "X1"]),
        amounts.filter(lambda a: a is not None),
        amounts,
    ),
    max_size=2,
).map(tuple)
remarks = st.lists(
    st.builds(Remark, st.sampled_from(["HE", "RX"]), st.sampled_from(["N381", "M15"]) | awkward),
    max_size=2,
).map(tuple)
lines = st.lists(
    st.builds(
        ServicePayment,
        position=st.integers(1, 99),
        procedure=st.builds(
            Procedure, st.just("HC"), awkward, st.lists(awkward, max_size=2).map(tuple)
        ),
        charge=amounts,
        paid=amounts,
        units=amounts,
        line_control_number=awkward,
        dates=st.lists(
            st.builds(
                DateReference,
                st.sampled_from(["472", "150", "151"]),
                st.none() | st.dates(date(2020, 1, 1), date(2030, 1, 1)),
            ),
            max_size=2,
        ).map(tuple),
        adjustments=adjustments,
        remarks=remarks,
    ),
    max_size=3,
).map(tuple)
claims = st.builds(
    ClaimPayment,
    position=st.integers(1, 999),
    patient_control_number=awkward,
    status=st.sampled_from(["1", "4", "22", "Z"]),
    charge=amounts,
    paid=amounts,
    patient_responsibility=amounts,
    payer_claim_number=awkward,
    adjustments=adjustments,
    lines=lines,
)


@settings(max_examples=300, deadline=None)
@given(claims, st.sampled_from(["", "  ", " " * 8]))
def test_any_claim_renders_in_json_as_json_dumps_of_its_mapping(
    claim: ClaimPayment, pad: str
) -> None:
    assert remit_json.claim_text(claim, pad) == json_by_dumps(claim, pad)


@settings(max_examples=300, deadline=None)
@given(claims, st.integers(0, 4))
def test_any_claim_renders_in_xml_as_lxml_writes_its_mapping(
    claim: ClaimPayment, level: int
) -> None:
    assert remit_xml.claim_text(claim, "  " * level) == xml_by_lxml(claim, level)


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.lists(st.sampled_from([*_PIECES, ",", ";", "'", "="]), max_size=3).map("".join),
        min_size=1,
        max_size=6,
    )
)
def test_a_csv_row_is_written_as_csv_writer_writes_it(cells: list[str]) -> None:
    ours, theirs = io.StringIO(newline=""), io.StringIO(newline="")
    remit_csv.row_writer(ours)(cells)
    csv.writer(theirs, lineterminator="\n").writerow(cells)
    assert ours.getvalue() == theirs.getvalue()


def test_a_template_cut_at_its_fields_fills_back_to_the_whole() -> None:
    template = "a%sb%sc%sd%se"
    values = ("1", "2", "3", "4")
    head, middle, tail = templates.cut(template, 1, 2)
    assert head % values[:1] + values[1] + middle + values[2] + tail % values[3:] == (
        template % values
    )
    assert templates.cut("a%sb", 0) == ("a", "b")
    with pytest.raises(ValueError):
        templates.cut("a%sb", 1)  # it has one field, numbered 0
    with pytest.raises(ValueError):
        templates.cut("a%sb%sc", 1, 0)  # out of order


def _line(amount: str, units: str, day: date | None) -> ServicePayment:
    return ServicePayment(
        1,
        Procedure("HC", "G9008", ("U1",)),
        Decimal(amount),
        Decimal(amount),
        Decimal(units),
        line_control_number="1-1",
        dates=(DateReference("472", day),),
        adjustments=(Adjustment("CO", "45", Decimal(amount) - Decimal(amount)),),
    )


def test_values_that_are_equal_but_written_differently_render_as_their_own_mapping() -> None:
    """The cached pieces are keyed by value: 400.0 and 400.00, 1 and 1.0, are equal keys, so
    the text of the first must be right for the second too (it is: amounts are written with
    two places and quantities normalized, whatever the payer wrote)."""
    first = ("400.0", "1", date(2026, 1, 2))
    second = ("400.00", "1.0", date(2026, 1, 2))
    for amount, units, day in (first, second):
        claim = ClaimPayment(
            1, "ECM1", "1", Decimal(amount), Decimal(amount), lines=(_line(amount, units, day),)
        )
        assert remit_json.claim_text(claim, "  ") == json_by_dumps(claim, "  ")
        assert remit_xml.claim_text(claim, "  ") == xml_by_lxml(claim, 1)
        row = io.StringIO(newline="")
        remit_csv.row_writer(row)(remit_csv._line_cells(1, claim.lines[0]))
        assert row.getvalue() == "1,1-1,G9008,U1,2026-01-02,1,400.00,400.00,CO-45 0.00,\n"


def test_every_fixture_header_and_trailer_renders_in_xml_as_lxml_writes_it() -> None:
    for path in sorted(REMIT.glob("*.835")):
        for advice in read_advice(path, name=path.name):
            mapping = {**remit_data.header(advice.header), **remit_data.trailer(advice.totals)}
            for key, value in mapping.items():
                assert remit_xml.markup(key, value, "    ") == lxml_element(key, value, 2), key


scalars = st.none() | awkward | st.integers(0, 10**6)
warnings = st.lists(
    st.fixed_dictionaries(dict.fromkeys(("rule", "message", "segment", "claim"), scalars)),
    max_size=3,
)


@settings(max_examples=300, deadline=None)
@given(scalars, warnings, st.integers(0, 3))
def test_any_header_value_and_list_renders_in_xml_as_lxml_writes_it(
    value: object, items: list[dict[str, object]], level: int
) -> None:
    pad = "  " * level
    assert remit_xml.markup("payer", value, pad) == lxml_element("payer", value, level)
    assert remit_xml.markup("warnings", items, pad) == lxml_element("warnings", items, level)


def csv_by_writer(advice: Any, claims: list[ClaimPayment]) -> str:
    """The CSV document of one payment with ``claims``, every row through csv.writer itself."""
    out = io.StringIO(newline="")
    rows = csv.writer(out, lineterminator="\n")
    rows.writerow(remit_csv.COLUMNS)
    header = advice.header
    base = [
        remit_csv.csv_text(header.control_number),
        remit_csv.csv_text(header.trace_number),
        remit_data.day(header.payment_date) or "",
        remit_csv.csv_text(header.payer.name),
        remit_csv.csv_text(header.payee.name),
    ]
    for claim in claims:
        cells = remit_csv._claim_cells(claim, claim.remarks)
        if not claim.lines:
            reasons = remit_csv._reasons(claim.adjustments, claim.remarks)
            rows.writerow(["claim", *base, *cells, *[""] * 10, reasons, "", "", ""])
        for number, line in enumerate(claim.lines, 1):
            reasons = remit_csv._reasons(
                (*claim.adjustments, *line.adjustments), (*claim.remarks, *line.remarks)
            )
            line_cells = remit_csv._line_cells(number, line)
            rows.writerow(["line", *base, *cells, *line_cells, reasons, "", "", ""])
    for adjustment in advice.totals.provider_adjustments:
        plb = [
            remit_csv.csv_text(adjustment.reason),
            remit_csv.csv_text(adjustment.reference),
            remit_csv.values.money(adjustment.amount),
        ]
        rows.writerow(["provider_adjustment", *base, *[""] * 9, *[""] * 10, "", *plb])
    return out.getvalue()


@settings(max_examples=200, deadline=None)
@given(st.lists(claims, max_size=4))
def test_any_payment_renders_in_csv_as_csv_writer_writes_its_rows(
    generated: list[ClaimPayment],
) -> None:
    """The document's fast path (a line's recurring cells joined and checked once, from the
    caches) writes what csv.writer writes for every row, quotes, commas and breaks included."""
    advice = read_advice(REMIT / "paid.835")[0]
    expected = csv_by_writer(advice, generated)
    out = io.BytesIO()
    try:
        expected.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: refused as the text layer always refused it
        with pytest.raises(UnicodeEncodeError):
            remit_csv.write([advice.header, *generated, advice.totals], out)
        return
    remit_csv.write([advice.header, *generated, advice.totals], out)
    assert out.getvalue().decode("utf-8") == expected


# what csv.writer quotes, and what a spreadsheet reads as a formula, at the start and inside
_CSV_AWKWARD = [
    "",
    "1-1",
    ",",
    "a,b",
    '"',
    'a"b',
    "\n",
    "a\rb",
    "=1",
    "+1",
    "-1",
    "@x",
    "\tx",
    "a=b",
]


@pytest.mark.parametrize("text", _CSV_AWKWARD)
@pytest.mark.parametrize("field", ["patient", "payer", "line", "payer name"])
def test_a_control_number_of_any_text_renders_in_csv_as_csv_writer_writes_its_row(
    field: str, text: str
) -> None:
    """The control numbers are the cells a line row checks itself (the rest come checked from
    the caches, the payment's once a payment): each field, alone awkward, in a claim whose other
    cells are plain."""
    advice = read_advice(REMIT / "paid.835")[0]
    numbers = {
        "patient": "ECM1",
        "payer": "PHP1",
        "line": "1-1",
        "payer name": "PAYER",
        field: text,
    }
    header = attrs.evolve(
        advice.header, payer=attrs.evolve(advice.header.payer, name=numbers["payer name"])
    )
    advice = attrs.evolve(advice, header=header)
    line = ServicePayment(
        1,
        Procedure("HC", "G9008", ("U1",)),
        Decimal("10.00"),
        Decimal("10.00"),
        line_control_number=numbers["line"],
        dates=(DateReference("472", date(2026, 1, 2)),),
    )
    claim = ClaimPayment(
        1,
        numbers["patient"],
        "1",
        Decimal("10.00"),
        Decimal("10.00"),
        payer_claim_number=numbers["payer"],
        lines=(line, line),
    )
    out = io.BytesIO()
    remit_csv.write([advice.header, claim, advice.totals], out)
    assert out.getvalue().decode("utf-8") == csv_by_writer(advice, [claim])
