"""Broken and hostile records: each is a located finding (exit 1) or a one-line refusal
(exit 2), never an internal error (exit 3), never a hang, never another row's member data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from edi837.errors import InputError
from edi837.ingest.csvrows import FIELD_LIMIT
from edi837.ingest.records import read_records
from edi837.issues import Report

from .conftest import FIXTURES
from .helpers import check_argv, profile, write_csv
from .test_cli import PROFILE, build_args, run
from .test_ingest_records import GOOD, HEADER

SAMPLE = FIXTURES / "records.csv"
# R007: G9007 for 60 minutes (a 15-minute code), no units, no charge
G9007 = SAMPLE.read_text(encoding="utf-8").splitlines()[7]
SAMPLE_HEADER = SAMPLE.read_text(encoding="utf-8").splitlines()[0]


def one_row(tmp_path: Path, old: str, new: str) -> Path:
    assert old in G9007
    return write_csv(tmp_path / "r.csv", SAMPLE_HEADER, G9007.replace(old, new, 1))


def check_and_build(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], records: Path
) -> list[tuple[int, str, str]]:
    """(exit code, the findings, the rest of the output) of a check and of a build: check
    reports its findings on standard output, build (whose output is the 837P) on standard error."""
    checked = run(capsys, *check_argv(records))
    code, out, err = run(capsys, *build_args(tmp_path, records))
    return [checked, (code, err, out)]


@pytest.mark.parametrize(
    ("old", "new", "column"),
    [
        (",60,,,", ",60,," + "9" * 81 + ",", "charge"),
        (",60,,", ",60," + "9" * 81 + ",", "units"),
        (",60,", "," + "9" * 40 + ",", "minutes"),
        (",60,,,", ",60,,1E+999999,", "charge"),
        (",60,,,", ",60,,Infinity,", "charge"),
    ],
)
def test_hostile_numbers_are_located_findings_in_check_and_build(
    old: str, new: str, column: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    records = one_row(tmp_path, old, new)
    for code, out, err in check_and_build(tmp_path, capsys, records):
        assert code == 1, err
        assert f"row 2, column {column}" in out
        assert "internal error" not in err
        assert "9" * 41 not in out  # a long value is cut short in the message
    assert not (tmp_path / "out.837").exists()


def test_a_rate_times_units_too_large_for_an_837p_line_is_a_finding(tmp_path: Path) -> None:
    from .helpers import build_file

    prof = profile(fee_schedule={"G9007": {"rate": "9" * 16}})
    records = one_row(tmp_path, ",60,,", ",60," + "9" * 15 + ",")
    with pytest.raises(Exception) as caught:
        build_file(records, tmp_path / "o.837", tmp_path / "l.sqlite", prof=prof)
    issues = getattr(caught.value, "issues", [])
    assert [(i.rule_id, i.location.column) for i in issues] == [("INPUT-CHARGE", "units")]


def test_json_nested_100000_deep_is_refused_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    code, out, err = run(capsys, "check", str(path), "--profile", PROFILE)
    assert code == 2 and out == ""
    assert err.startswith("error: ") and "nested too deeply" in err


def test_a_json_object_as_a_cell_is_refused_without_its_python_repr(tmp_path: Path) -> None:
    record = dict(zip(HEADER.split(","), GOOD.split(","), strict=True))
    record["hcpcs"] = {"code": 2}  # type: ignore[assignment]
    path = tmp_path / "r.json"
    path.write_text(json.dumps([record]))
    report = Report()
    assert read_records(path, report) == []
    (issue,) = report.issues
    assert (issue.rule_id, issue.location.column) == ("INPUT-ROW", "hcpcs")
    assert "Decimal" not in issue.message.title() and "{" not in issue.message


# -- a quote left open ---------------------------------------------------------------------------


PHI = ("90000002B", "Roe", "John", "1975-06-30", "90000003C", "García", "María", "1962-11-15")


def open_quote(tmp_path: Path, line: int, old: str) -> Path:
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    assert old in lines[line - 1]
    lines[line - 1] = lines[line - 1].replace(old, old[0] + '"' + old[1:], 1)
    path = tmp_path / "records.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_an_open_quote_is_found_where_it_opened_and_quotes_no_member_data(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    records = open_quote(tmp_path, 4, ",U8,")  # R003's modifiers: `"U8,25,...` to the end
    for code, out, err in check_and_build(tmp_path, capsys, records):
        assert code == 1
        assert "INPUT-QUOTE x1" in out
        assert "row 4, column modifiers" in out and "lines 4-15" in out
        for value in PHI:
            assert value not in out + err
    report = Report()
    assert len(read_records(records, report)) == 2  # the rows before it still read


def test_an_open_quote_closed_later_lets_the_rows_after_it_be_read(tmp_path: Path) -> None:
    records = open_quote(tmp_path, 4, ",U8,")
    lines = records.read_text(encoding="utf-8").splitlines()
    lines[9] = lines[9].replace(",TAR2601006,", ',TAR2601006",', 1)  # a stray quote on line 10
    records.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = Report()
    read = read_records(records, report)
    assert [i.rule_id for i in report.errors] == ["INPUT-QUOTE"]
    assert "lines 4-10" in report.errors[0].message
    assert [r.row for r in read] == [2, 3, 11, 12, 13, 14, 15]


def test_an_open_quote_past_the_cell_limit_is_refused_naming_its_line(tmp_path: Path) -> None:
    rows = [GOOD.replace("r1", f"r{n}") for n in range(2, FIELD_LIMIT // len(GOOD) + 50)]
    rows[0] = rows[0].replace(",Doe,", ',"Doe,')
    path = write_csv(tmp_path / "r.csv", HEADER, *rows)
    with pytest.raises(InputError) as caught:
        read_records(path, Report())
    message = str(caught.value)
    assert "line 2, cell 3" in message and "never closed" in message
    assert "Jane" not in message and len(message) < 400


def test_every_quoted_value_is_cut_short(tmp_path: Path) -> None:
    long_code = "G" + "9" * 5000
    path = write_csv(tmp_path / "r.csv", HEADER, GOOD.replace("G9008", long_code))
    report = Report()
    read_records(path, report)
    (issue,) = report.issues
    assert len(issue.message) < 200 and "(5,001 characters)" in issue.message


def test_a_pdf_given_as_records_is_named(tmp_path: Path) -> None:
    path = tmp_path / "records.csv"
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj")
    with pytest.raises(InputError, match="is a PDF document"):
        read_records(path, Report())


@pytest.mark.parametrize(
    ("column", "number"),
    [("charge", "1E+999999"), ("units", "9" * 81), ("minutes", "9" * 40), ("charge", "1e-999999")],
)
def test_hostile_json_numbers_are_located_findings(
    column: str, number: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    record = dict(zip(SAMPLE_HEADER.split(","), G9007.split(","), strict=True))
    path = tmp_path / "r.json"
    path.write_text(json.dumps([record | {column: "N"}]).replace('"N"', number))
    for code, out, err in check_and_build(tmp_path, capsys, path):
        assert code == 1, err
        assert f"row 1, column {column}" in out
