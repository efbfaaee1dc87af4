"""Amounts, counts and dates as people type them: read exactly, or refused naming the cell;
and the field limits the readers take from the segment dictionary."""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from edi837.ingest import limits
from edi837.ingest.money import amount, whole_number
from edi837.ingest.records import read_records
from edi837.issues import Report
from edi837.model.records import DateFormat
from edi837.x12 import spec

from .conftest import FIXTURES
from .helpers import check_argv, profile, write_csv
from .test_cli import PROFILE, run
from .test_ingest_records import GOOD, HEADER, findings

SAMPLE = FIXTURES / "records.csv"


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("400", "400.00"),
        ("400.5", "400.50"),
        (".50", "0.50"),
        ("$1,234.50", "1234.50"),
        ("$ 12", "12.00"),
        ("1,234,567.00", "1234567.00"),
        ("400.1000", "400.10"),
        ("0", "0.00"),
    ],
)
def test_amounts_people_write_are_read_exactly(raw: str, value: str) -> None:
    assert amount("charge", raw) == (Decimal(value), None)


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        ("400,00", "decimal comma: write 400.00"),
        ("4,0,0", "is not a number"),
        ("40,00,000", "is not a number"),
        ("1e5", "is not a number"),
        ("1E+999999", "is not a number"),
        ("NaN", "is not a number"),
        ("(400.00)", "is not a number"),
        ("-5", "must not be negative"),
        ("400.105", "more than 2 decimal places"),
        ("12345678901234567", "too large"),
    ],
)
def test_amounts_that_are_not_money_are_refused_naming_the_value(raw: str, says: str) -> None:
    value, problem = amount("charge", raw)
    assert value is None and problem is not None
    assert says in problem and problem.startswith("charge")


def test_400_comma_00_is_an_error_not_40000(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", HEADER, GOOD.replace(",,,TAR1", ',,"400,00",TAR1'))
    report = Report()
    assert read_records(path, report) == []
    (issue,) = report.issues
    assert (issue.rule_id, issue.location.row, issue.location.column) == (
        "INPUT-NUMBER",
        2,
        "charge",
    )
    assert "'400,00'" in issue.message and "400.00" in issue.message


def test_1e5_is_refused_in_a_csv_and_never_shown_as_scientific(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_csv(tmp_path / "r.csv", HEADER, GOOD.replace(",,,TAR1", ",,1e5,TAR1"))
    code, out, _ = run(capsys, *check_argv(path))
    assert code == 1
    assert "column charge" in out and "'1e5' is not a number" in out
    assert "E+" not in out


def test_a_json_number_in_exponent_form_is_plain_money(tmp_path: Path) -> None:
    record = dict(zip(HEADER.split(","), GOOD.split(","), strict=True))
    text = json.dumps([record | {"charge": "CHARGE", "units": "UNITS"}])
    path = tmp_path / "r.json"
    path.write_text(text.replace('"CHARGE"', "4E+2").replace('"UNITS"', "1.0"))
    report = Report()
    (record,) = read_records(path, report)
    assert report.issues == []
    assert str(record.charge) == "400.00" and str(record.units) == "1"


@pytest.mark.parametrize(("raw", "value"), [("1", 1), ("1.0", 1), ("1,200", 1200)])
def test_counts_are_whole_numbers(raw: str, value: int) -> None:
    assert whole_number("minutes", raw, digits=15) == (Decimal(value), None)


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        ("1.5", "whole number"),
        ("0", "more than zero"),
        ("12,00", "decimal comma"),
        ("x", "not a number"),
    ],
)
def test_counts_that_are_not_whole_numbers_are_refused(raw: str, says: str) -> None:
    value, problem = whole_number("units", raw, digits=15)
    assert value is None and problem is not None and says in problem


# -- dates ---------------------------------------------------------------------------------------


def us_dates(text: str) -> str:
    """Every YYYY-MM-DD in ``text`` as Excel's US short date (11/2/2026)."""
    return re.sub(r"(\d{4})-(\d{2})-(\d{2})", lambda m: f"{int(m[2])}/{int(m[3])}/{m[1]}", text)


@pytest.fixture
def us_records(tmp_path: Path) -> Path:
    path = tmp_path / "us.csv"
    path.write_text(us_dates(SAMPLE.read_text(encoding="utf-8")), encoding="utf-8")
    return path


def test_us_dates_are_said_once_not_per_cell(us_records: Path) -> None:
    report = Report()
    assert read_records(us_records, report) == []
    (issue,) = report.issues
    assert issue.rule_id == "INPUT-DATE-FORMAT"
    assert "M/D/YYYY" in issue.message and "--date-format" in issue.message
    assert "never guesses" in issue.message
    # the sample has a day past the 12th, so only month-first fits it: said, not assumed
    assert "Only M/D/YYYY reads" in issue.message
    assert "in 14 row(s)" in issue.message


def test_us_dates_with_date_format_read_like_iso(us_records: Path) -> None:
    report = Report()
    records = read_records(us_records, report, date_format=DateFormat.MONTH_FIRST)
    assert report.issues == []
    assert records == read_records(SAMPLE, Report())


def test_day_first_is_never_guessed_from_month_first(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", HEADER, GOOD.replace("2026-01-12", "2/1/2026"))
    (month_first,) = read_records(path, Report(), date_format=DateFormat.MONTH_FIRST)
    (day_first,) = read_records(path, Report(), date_format=DateFormat.DAY_FIRST)
    assert month_first.service_date == date(2026, 2, 1)
    assert day_first.service_date == date(2026, 1, 2)
    report = Report()
    assert read_records(path, report) == []
    assert "Every date here reads either way" in report.issues[0].message


def test_a_date_that_fits_neither_reading_is_a_cell_error(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", HEADER, GOOD.replace("2026-01-12", "13/13/2026"))
    assert findings(path) == [("INPUT-DATE-FORMAT", 2, "service_date")]
    report = Report()
    read_records(path, report, date_format=DateFormat.MONTH_FIRST)
    assert [(i.rule_id, i.location.column) for i in report] == [("INPUT-DATE", "service_date")]
    assert "M/D/YYYY" in report.issues[0].message


def test_two_digit_years_are_named_and_not_read(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", HEADER, GOOD.replace("2026-01-12", "1/12/26"))
    report = Report()
    assert read_records(path, report) == []
    assert "two-digit years" in report.issues[0].message


def test_a_birth_date_example_is_masked(tmp_path: Path) -> None:
    row = GOOD.replace("1980-01-01", "1/31/1980")
    path = write_csv(tmp_path / "r.csv", HEADER, row)
    report = Report()
    read_records(path, report)
    (issue,) = report.issues
    assert "1/31/1980" not in issue.message and "hidden" in issue.message


def test_date_format_on_the_command_line_and_in_the_profile(
    us_records: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tars = tmp_path / "tars.csv"
    tars.write_text(us_dates((FIXTURES / "tars.csv").read_text(encoding="utf-8")))
    args = ["check", str(us_records), "--as-of", "2026-02-02", "--tars", str(tars)]
    code, out, _ = run(capsys, *args, "--profile", PROFILE)
    # once for the records, once for the TAR list
    assert code == 1 and "INPUT-DATE-FORMAT x2" in out and "0 record(s)" in out
    code, out, _ = run(capsys, *args, "--profile", PROFILE, "--date-format", "M/D/YYYY")
    assert code == 0 and "checked 14 record(s)" in out
    with_setting = tmp_path / "profile.toml"
    with_setting.write_text(
        Path(PROFILE).read_text(encoding="utf-8") + '\n[records]\ndate_format = "MM/DD/YYYY"\n'
    )
    code, out, _ = run(capsys, *args, "--profile", str(with_setting))
    assert code == 0 and "checked 14 record(s)" in out


def test_a_bad_date_format_or_as_of_shows_no_python_format(
    capsys: pytest.CaptureFixture[str],
) -> None:
    base = ["check", str(SAMPLE), "--profile", PROFILE]
    code, _, err = run(capsys, *base, "--as-of", "11/2/2026")
    assert code == 64 and "write YYYY-MM-DD" in err and "%Y" not in err  # a usage error
    code, _, err = run(capsys, *base, "--date-format", "%m/%d/%Y")
    assert code == 64 and "M/D/YYYY" in err


def test_the_profile_date_format_is_checked() -> None:
    assert profile(records={"date_format": "d/m/yyyy"}).records.date_format is DateFormat.DAY_FIRST
    from .test_profile import problems, sample

    data = sample()
    data["records"] = {"date_format": "YYYYMMDD"}
    assert "[records] date_format: one of YYYY-MM-DD, M/D/YYYY, D/M/YYYY" in problems(data)


# -- limits from the dictionary ------------------------------------------------------------------


def test_field_limits_come_from_the_segment_dictionary() -> None:
    assert spec.segment("NM1").element("NM103").max == limits.LAST_NAME
    assert spec.segment("NM1").element("NM104").max == limits.FIRST_NAME
    assert spec.segment("N3").element("N301").max == limits.ADDRESS_LINE
    assert spec.segment("N4").element("N401").max == limits.CITY
    assert limits.MODIFIERS == 4 and limits.DIAGNOSIS_POINTERS == 4  # SV101-3..6, SV107-1..4


@pytest.mark.parametrize(
    ("column", "old", "limit"),
    [
        ("member_last_name", "Doe", limits.LAST_NAME),
        ("member_first_name", "Jane", limits.FIRST_NAME),
    ],
)
def test_a_name_one_past_its_element_is_refused(
    column: str, old: str, limit: int, tmp_path: Path
) -> None:
    fits = write_csv(tmp_path / "a.csv", HEADER, GOOD.replace(old, "A" * limit))
    assert findings(fits) == []
    too_long = write_csv(tmp_path / "b.csv", HEADER, GOOD.replace(old, "A" * (limit + 1)))
    assert findings(too_long) == [("INPUT-TEXT", 2, column)]


def test_five_modifiers_are_one_too_many(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", HEADER, GOOD.replace(",U1,", ",U1 GQ U8 U2 U3,"))
    report = Report()
    read_records(path, report)
    assert "at most 4 modifiers" in report.issues[0].message
