"""Malformed records: each gives a clear message with row and column, and no file is written."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from edi837.errors import BlockedError, InputError
from edi837.ingest.records import read_records
from edi837.issues import Report

from .conftest import FIXTURES
from .helpers import build_file, write_csv

HEADER = "record_id,member_id,member_last_name,member_first_name,member_dob,member_sex,service_date,hcpcs,modifiers,minutes,units,charge,tar_number,diagnosis_codes"
GOOD = "r1,90000001A,Doe,Jane,1980-01-01,F,2026-01-12,G9008,U1,,,,TAR1,Z59.01"


def findings(path: Path) -> list[tuple[str, int | None, str | None]]:
    report = Report()
    read_records(path, report)
    return [(i.rule_id, i.location.row, i.location.column) for i in report]


def assert_no_file(records: Path, tmp_path: Path) -> BlockedError | InputError:
    out = tmp_path / "out.837"
    with pytest.raises((BlockedError, InputError)) as caught:
        build_file(records, out, tmp_path / "ledger.sqlite")
    assert not out.exists()
    assert list(tmp_path.glob(".*partial")) == []
    return caught.value


def test_a_good_row_reads(tmp_path: Path) -> None:
    report = Report()
    records = read_records(write_csv(tmp_path / "r.csv", HEADER, GOOD), report)
    assert len(records) == 1 and report.issues == []
    r = records[0]
    assert (r.row, r.member_id, r.service_date, r.modifiers, r.diagnosis_codes) == (
        2,
        "90000001A",
        date(2026, 1, 12),
        ("U1",),
        ("Z5901",),
    )


def test_missing_column(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "r.csv", HEADER.replace(",member_dob", ""), GOOD.replace(",1980-01-01", "")
    )
    error = assert_no_file(path, tmp_path)
    assert "member_dob" in str(error) and "required column" in str(error)


@pytest.mark.parametrize(
    ("old", "new", "rule", "column"),
    [
        ("2026-01-12", "01/12/2026", "INPUT-DATE-FORMAT", "service_date"),
        ("2026-01-12", "2026-02-30", "INPUT-DATE", "service_date"),
        ("1980-01-01", "yesterday", "INPUT-DATE", "member_dob"),
        ("G9008,U1", "X123,U1", "INPUT-CODE", "hcpcs"),
        ("G9008,U1", "G9008,U1 *", "INPUT-CODE", "modifiers"),
        ("Z59.01", "59.01", "INPUT-DIAGNOSIS", "diagnosis_codes"),
        (",F,", ",Q,", "INPUT-SEX", "member_sex"),
        (",,,TAR1", ",-3,,TAR1", "INPUT-NUMBER", "units"),
        (",,,TAR1", ",,abc,TAR1", "INPUT-NUMBER", "charge"),
        (",,,TAR1", ",,-10.00,TAR1", "INPUT-NUMBER", "charge"),
        (",,,TAR1", ",1.5,,TAR1", "INPUT-NUMBER", "units"),
        ("U1,,", "U1,ten,", "INPUT-NUMBER", "minutes"),
        ("Doe", "", "INPUT-REQUIRED", "member_last_name"),
    ],
)
def test_bad_cells_name_their_row_and_column(
    old: str, new: str, rule: str, column: str, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "r.csv", HEADER, GOOD, GOOD.replace("r1", "r2").replace(old, new, 1)
    )
    assert findings(path) == [(rule, 3, column)]
    error = assert_no_file(path, tmp_path)
    assert isinstance(error, BlockedError)
    assert [(i.rule_id, i.location.row) for i in error.issues if i.severity.value == "error"] == [
        (rule, 3)
    ]


def test_unknown_code_is_reported_with_its_row(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "r.csv",
        HEADER,
        GOOD.replace("G9008,U1", "G9999,U1").replace(",,,TAR1", ",,25.00,TAR1"),
    )
    error = assert_no_file(path, tmp_path)
    assert isinstance(error, BlockedError)
    assert [(i.rule_id, i.location.row) for i in error.issues] == [("ECM-CODE", 2)]
    assert "not in the fee schedule" in error.issues[0].message


def test_unknown_code_without_charge_is_ecm_code_not_a_missing_charge(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", HEADER, GOOD.replace("G9008,U1", "G9999,U1"))
    error = assert_no_file(path, tmp_path)
    assert isinstance(error, BlockedError)
    assert [(i.rule_id, i.location.row) for i in error.issues] == [("ECM-CODE", 2)]
    assert "blank charge" in error.issues[0].message


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"", "is empty"),
        (b"\n\n", "is empty"),
        ((HEADER + "\n").encode(), "no service records"),
        ((HEADER + "\n" + GOOD.replace("Doe", "D\xf6e") + "\n").encode("latin-1"), "not UTF-8"),
        ((HEADER + "\n" + GOOD + "\n").encode("utf-16"), "UTF-16"),
    ],
)
def test_unreadable_files_give_one_clear_message(
    content: bytes, fragment: str, tmp_path: Path
) -> None:
    path = tmp_path / "r.csv"
    path.write_bytes(content)
    error = assert_no_file(path, tmp_path)
    assert isinstance(error, InputError)
    assert fragment in str(error)
    assert error.hint


def test_utf8_with_bom_and_odd_headers_are_fine(tmp_path: Path) -> None:
    header = HEADER.replace("member_id", " Member ID ").replace("service_date", "Service-Date")
    path = tmp_path / "r.csv"
    path.write_bytes(b"\xef\xbb\xbf" + (header + "\n" + GOOD + "\n").encode())
    report = Report()
    assert len(read_records(path, report)) == 1
    assert report.issues == []


def test_unknown_columns_are_warned_once(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", HEADER + ",modifer", GOOD + ",U8")
    assert findings(path) == [("INPUT-COLUMN", 1, "modifer")]


def test_a_member_has_one_identity(tmp_path: Path) -> None:
    other = (
        GOOD.replace("r1", "r2")
        .replace("1980-01-01", "1981-01-01")
        .replace("2026-01-12", "2026-01-14")
    )
    path = write_csv(tmp_path / "r.csv", HEADER, GOOD, other)
    assert findings(path) == [("INPUT-MEMBER", 3, "member_dob")]


def test_duplicate_record_ids(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", HEADER, GOOD, GOOD.replace("G9008,U1", "G9012,U2"))
    assert findings(path) == [("INPUT-RECORD-ID", 3, "record_id")]


def test_json_records_read_like_csv(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    path.write_text(
        '{"records": [{"member_id": "90000001A", "member_last_name": "Doe", "member_first_name": "Jane",'
        ' "member_dob": "1980-01-01", "member_sex": "F", "service_date": "2026-01-12", "hcpcs": "G9008",'
        ' "modifiers": "U1", "charge": 400.10, "units": 1, "tar_number": "TAR1",'
        ' "diagnosis_codes": ["Z59.01", "F32.9"]}]}'
    )
    report = Report()
    (record,) = read_records(path, report)
    assert report.issues == []
    assert str(record.charge) == "400.10"  # parsed as Decimal, never float
    assert record.diagnosis_codes == ("Z5901", "F329")


def test_phi_is_masked_in_messages(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", HEADER, GOOD.replace("1980-01-01", "1980-13-45"))
    report = Report()
    read_records(path, report)
    (issue,) = report.issues
    assert "1980-13-45" not in issue.message
    assert "hidden" in issue.message


def test_the_sample_records_read_cleanly() -> None:
    report = Report()
    assert len(read_records(FIXTURES / "records.csv", report)) == 14
    assert report.issues == []
