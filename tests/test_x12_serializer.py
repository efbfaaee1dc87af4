from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from edi837.errors import SpecError
from edi837.x12.datatypes import ElementProblem, R, clean_text
from edi837.x12.delimiters import Delimiters
from edi837.x12.serializer import Serializer, isa_segment
from edi837.x12.tokenizer import read_segments

ISA_VALUES = [
    "00",
    " " * 10,
    "00",
    " " * 10,
    "ZZ",
    "SENDER".ljust(15),
    "ZZ",
    "RECEIVER".ljust(15),
    "250115",
    "1200",
    "^",
    "00501",
    "000000101",
    "0",
    "T",
    ":",
]

safe_text = st.text(
    alphabet=st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,-/&'()"), max_size=30
)


@given(st.lists(st.lists(safe_text, min_size=1, max_size=8), min_size=1, max_size=10))
def test_serialize_then_tokenize_is_the_identity(bodies: list[list[str]]) -> None:
    ser = Serializer(Delimiters(), line_breaks=False)
    segments = [["NM1", *body] for body in bodies]
    text = isa_segment(ISA_VALUES, Delimiters(), line_breaks=False) + "".join(
        ser.segment(s) for s in segments
    )
    read = read_segments(text.encode())[1:]
    expected = []
    for s in segments:
        trimmed = list(s)
        while len(trimmed) > 1 and trimmed[-1] == "":
            trimmed.pop()
        expected.append(trimmed)
    assert read == expected


def test_spaces_inside_a_segment_survive() -> None:
    ser = Serializer(Delimiters(), line_breaks=True)
    text = isa_segment(ISA_VALUES, Delimiters()) + ser.segment(["N3", " 1 ELM ST ", "APT 2"])
    assert read_segments(text.encode())[1] == ["N3", " 1 ELM ST ", "APT 2"]


@given(st.decimals(min_value=Decimal("-99999999"), max_value=Decimal("99999999"), places=2))
def test_decimal_format_round_trips(value: Decimal) -> None:
    text = R.format(value)
    assert "E" not in text and "e" not in text
    assert Decimal(text) == value
    if "." in text:
        assert not text.endswith("0")


@pytest.mark.parametrize("bad", ["A*B", "A~B", "A:B", "A^B"])
def test_a_delimiter_inside_a_value_is_refused(bad: str) -> None:
    with pytest.raises(SpecError):
        Serializer().segment(["NM1", "41", bad])


def test_trailing_empty_elements_are_dropped() -> None:
    assert Serializer(line_breaks=False).segment(["SBR", "P", "18", "", "", ""]) == "SBR*P*18~"


def test_isa_is_fixed_width() -> None:
    text = isa_segment(ISA_VALUES, Delimiters(), line_breaks=False)
    assert len(text) == 106
    with pytest.raises(SpecError):
        isa_segment([*ISA_VALUES[:5], "SHORT", *ISA_VALUES[6:]], Delimiters())


def test_templates_format_typed_values_and_report_lengths() -> None:
    problems: list[ElementProblem] = []
    ser = Serializer(line_breaks=False)
    dtp = ser.template("DTP", problems, "DTP03", DTP01="472", DTP02="D8")
    assert dtp(date(2025, 1, 5)) == "DTP*472*D8*20250105~"
    clm = ser.template("CLM", problems, "CLM01", "CLM02", "CLM05")
    text = clm("X" * 40, Decimal("400.00"), ("11", "B", "1"))
    assert text == "CLM*" + "X" * 40 + "*400***11:B:1~"
    assert [p.ref for p in problems] == ["CLM01"]
    sv1 = ser.template("SV1", problems, "SV101", "SV102", "SV104", "SV107", SV103="UN", memo=True)
    assert (
        sv1(("HC", "G9008", "U1"), Decimal("400.00"), Decimal(1), (1, 2))
        == "SV1*HC:G9008:U1*400*UN*1***1:2~"
    )
    assert (
        sv1(("HC", "G9008", "U1"), Decimal("400.00"), Decimal(1), (1, 2))
        == "SV1*HC:G9008:U1*400*UN*1***1:2~"
    )


def test_templates_refuse_unknown_elements_wrong_types_and_delimiters() -> None:
    ser = Serializer()
    with pytest.raises(SpecError):
        ser.template("DTP", [], "DTP09")
    clm = ser.template("CLM", [], "CLM01", "CLM02")
    with pytest.raises(SpecError):
        clm("A1", 400.0)
    with pytest.raises(SpecError):
        clm("A*1", Decimal(1))


def test_clean_text_folds_accents_and_drops_delimiters() -> None:
    assert clean_text("José  Ñúñez*~") == "JOSE NUNEZ"
    assert clean_text("O'Brien-Smith") == "O'BRIEN-SMITH"
