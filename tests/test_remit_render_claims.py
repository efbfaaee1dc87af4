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
from edi837.render import remit_csv, remit_data, remit_json, remit_xml

from .conftest import FIXTURES

REMIT = FIXTURES / "835"


def json_by_dumps(claim: ClaimPayment, pad: str) -> str:
    return json.dumps(remit_data.claim(claim), indent=2).replace("\n", "\n" + pad)


def xml_by_lxml(claim: ClaimPayment, level: int) -> str:
    element = etree.Element("claim")
    remit_xml._set(element, "claim", remit_data.claim(claim))
    etree.indent(element, space="  ", level=level)
    return str(etree.tostring(element, encoding="unicode"))


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
