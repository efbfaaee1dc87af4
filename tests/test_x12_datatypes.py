"""The one codec: each X12 data type parses and formats one way, and the writer's per-element
formatters (its common cases inlined for speed) agree with it."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from edi837.x12.datatypes import AN, DT, ID, N0, TM, Numeric, R, codec, formatter, plain


@pytest.mark.parametrize("text", ["400", "400.00", "-42.58", ".5", "0", "-0"])
def test_r_reads_decimals(text: str) -> None:
    assert R.parse(text) == Decimal(text)


@pytest.mark.parametrize("text", ["1E3", "+5", "4,00", "12.3.4", "", "NaN", "1" * 21, "١٢"])
def test_r_refuses_what_is_not_a_decimal(text: str) -> None:
    with pytest.raises(ValueError):
        R.parse(text)


def test_r_remembers_what_it_read() -> None:
    assert R.known("987.65") is None or R.known("987.65") == Decimal("987.65")
    R.parse("987.65")
    assert R.known("987.65") == Decimal("987.65")


@given(st.decimals(min_value=Decimal("-99999999"), max_value=Decimal("99999999"), places=2))
def test_r_formats_what_it_reads_back(value: Decimal) -> None:
    text = R.format(value)
    assert "E" not in text and R.parse(text) == value


@given(st.decimals(min_value=-(10**12), max_value=10**12, places=4))  # R holds at most 18 digits
def test_the_writers_r_formatter_is_the_codec(value: Decimal) -> None:
    assert formatter("R", 1, 40, "AMT02", "Monetary Amount")(value, []) == R.format(value)


@given(st.dates(min_value=date(1900, 1, 1)))
def test_the_writers_date_formatters_are_the_codec(value: date) -> None:
    assert formatter("DT", 8, 8, "DMG02", "Date")(value, []) == DT.format(value)
    assert formatter("DT", 6, 6, "ISA09", "Date")(value, []) == DT.format(value, 6)
    assert formatter("AN", 1, 35, "DTP03", "Date Time Period")(value, []) == DT.format(value)
    assert DT.parse8(DT.format(value)) == value


def test_dates_and_ranges() -> None:
    assert DT.parse("20260131") == date(2026, 1, 31)
    assert DT.parse("260131") == date(2026, 1, 31)  # ISA09: the century is 20
    assert DT.parse_range("20260101-20260131") == (date(2026, 1, 1), date(2026, 1, 31))
    assert DT.format_range(date(2026, 1, 1), date(2026, 1, 31)) == "20260101-20260131"
    for bad in ("20260230", "2026013", "2026-01-31", "250101"):
        with pytest.raises(ValueError):
            DT.parse8(bad)


def test_times() -> None:
    assert TM.parse("1230") == time(12, 30)
    assert TM.parse("123045") == time(12, 30, 45)
    assert TM.parse_minutes("102497") == time(10, 24)  # seconds are not read
    assert TM.format(time(9, 5)) == "0905"
    for bad in ("2460", "12", "12:30"):
        with pytest.raises(ValueError):
            TM.parse(bad)


def test_numbers() -> None:
    assert N0.count("0042") == 42
    assert N0.whole("-3") == -3
    assert Numeric(2).parse("12345") == Decimal("123.45")
    assert N0.format(7, 9) == "000000007"
    for bad in ("-3", "4.0", "", "٣"):
        with pytest.raises(ValueError):
            N0.count(bad)


def test_codes_and_text_are_their_own_values() -> None:
    assert ID.parse("HC") == "HC" and AN.format("JOHN") == "JOHN"
    assert codec("R") is R and codec("N0") is N0 and codec("DT") is DT and codec("TM") is TM
    assert codec("N2") == Numeric(2) and codec("ID") is ID and codec("AN") is AN


@pytest.mark.parametrize(
    ("value", "places", "text"),
    [
        ("400", 2, "400.00"),
        ("42.5", 2, "42.50"),
        ("-42.58", 2, "-42.58"),
        ("1.005", 2, "1.005"),  # more precision than cents is kept, not rounded away
        ("1.000", 2, "1.00"),
        ("1E+2", 2, "100.00"),
        ("-0.00", 2, "0.00"),
        ("2.50", 0, "2.5"),
        ("100", 0, "100"),
        ("1E+2", 0, "100"),
        ("-0", 0, "0"),
    ],
)
def test_plain_decimals_for_people(value: str, places: int, text: str) -> None:
    assert plain(Decimal(value), places) == text
