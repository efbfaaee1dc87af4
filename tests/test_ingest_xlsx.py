"""An Excel workbook given as records is read like its CSV export (python-calamine), dates
typed so no M/D/YYYY question arises; a damaged or hostile workbook is one clear refusal."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date
from pathlib import Path

import pytest

from edi837.errors import InputError
from edi837.ingest import workbook as workbook_module
from edi837.ingest.records import read_records
from edi837.ingest.tars import read_tars
from edi837.issues import Report

from .conftest import FIXTURES
from .test_cli import build_args, run
from .xlsx import Value, workbook

SAMPLE = FIXTURES / "records.csv"
DATES = {"member_dob", "service_date", "service_end_date", "enrollment_date"}
COUNTS = {"minutes", "units"}


def typed_rows(path: Path) -> list[list[Value]]:
    """The CSV's rows as a person would have them in Excel: dates as dates, counts as numbers."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    header = rows[0]
    out: list[list[Value]] = [list(header)]
    for row in rows[1:]:
        typed: list[Value] = []
        for column, cell in zip(header, row, strict=True):
            if cell and column in DATES:
                typed.append(date.fromisoformat(cell))
            elif cell and column in COUNTS:
                typed.append(int(cell))
            else:
                typed.append(cell)
        out.append(typed)
    return out


def test_an_xlsx_reads_exactly_like_its_csv(tmp_path: Path) -> None:
    book = tmp_path / "january.xlsx"
    book.write_bytes(workbook(typed_rows(SAMPLE)))
    report = Report()
    assert read_records(book, report) == read_records(SAMPLE, Report())
    assert report.issues == []


def test_an_xlsx_builds_through_the_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = tmp_path / "january.xlsx"
    book.write_bytes(workbook(typed_rows(SAMPLE)))
    code, out, err = run(capsys, *build_args(tmp_path, book, "--tars", str(FIXTURES / "tars.csv")))
    assert code == 0, err
    assert "claims         4" in out


def test_an_xlsx_with_a_wrong_name_is_still_a_workbook(tmp_path: Path) -> None:
    book = tmp_path / "january.csv"  # saved with the wrong extension: read by content
    book.write_bytes(workbook(typed_rows(SAMPLE)))
    assert len(read_records(book, Report())) == 14


def test_cell_errors_in_a_workbook_name_the_spreadsheet_row(tmp_path: Path) -> None:
    rows = typed_rows(SAMPLE)
    rows[4][rows[0].index("hcpcs")] = "G90"
    book = tmp_path / "r.xlsx"
    book.write_bytes(workbook(rows))
    report = Report()
    read_records(book, report)
    assert [(i.rule_id, i.location.row, i.location.column) for i in report] == [
        ("INPUT-CODE", 5, "hcpcs")
    ]


def test_only_the_first_sheet_is_read_and_that_is_said(tmp_path: Path) -> None:
    book = tmp_path / "r.xlsx"
    book.write_bytes(workbook(typed_rows(SAMPLE), [["notes"], ["Doe, Jane: call back"]]))
    report = Report()
    assert len(read_records(book, report)) == 14
    (issue,) = report.issues
    assert issue.rule_id == "INPUT-SHEET" and "2 sheets" in issue.message
    assert "Jane" not in issue.message


def test_an_excel_number_in_a_text_column_reads_as_its_digits(tmp_path: Path) -> None:
    rows = typed_rows(SAMPLE)
    rows[1][rows[0].index("charge")] = 400.1
    rows[1][rows[0].index("place_of_service")] = 12
    book = tmp_path / "r.xlsx"
    book.write_bytes(workbook(rows))
    first = read_records(book, Report())[0]
    assert str(first.charge) == "400.10" and first.place_of_service == "12"


def test_a_tar_list_may_be_a_workbook(tmp_path: Path) -> None:
    rows: list[list[Value]] = [
        list(r) for r in csv.reader(io.StringIO((FIXTURES / "tars.csv").read_text()))
    ]
    for row in rows[1:]:
        row[2], row[3] = date.fromisoformat(str(row[2])), date.fromisoformat(str(row[3]))
    book = tmp_path / "tars.xlsx"
    book.write_bytes(workbook(rows))
    assert read_tars(book, Report()).tars == read_tars(FIXTURES / "tars.csv", Report()).tars


@pytest.mark.parametrize(
    "content",
    [
        b"PK\x03\x04 not really a zip",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 not really an xls",
    ],
)
def test_a_damaged_workbook_is_one_clear_refusal(content: bytes, tmp_path: Path) -> None:
    path = tmp_path / "r.xlsx"
    path.write_bytes(content)
    with pytest.raises(InputError, match="workbook"):
        read_records(path, Report())


def test_a_workbook_that_is_a_zip_of_something_else(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a spreadsheet")
    path = tmp_path / "r.xlsx"
    path.write_bytes(buffer.getvalue())
    with pytest.raises(InputError, match="cannot be read as a workbook"):
        read_records(path, Report())


def test_a_zip_bomb_is_refused_before_it_is_expanded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the real cap is 1 GiB; a 1 MiB cap and 4 MiB of zeros (4 kB compressed) test the same path
    monkeypatch.setattr(workbook_module, "MAX_EXPANDED", 1 << 20)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (4 << 20))
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(buffer.getvalue())
    assert path.stat().st_size < 64 << 10
    with pytest.raises(InputError, match="would expand to"):
        read_records(path, Report())


def test_a_billion_laughs_workbook_is_refused_not_expanded(tmp_path: Path) -> None:
    def expands(i: int) -> str:
        return (f"&lol{i - 1};" if i > 1 else "lol") * 10

    entities = "".join(f'<!ENTITY lol{i} "{expands(i)}">' for i in range(1, 10))
    source = zipfile.ZipFile(io.BytesIO(workbook([["member_id"], ["x"]])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename.endswith("sheet1.xml"):
                text = data.decode().replace(
                    "<worksheet", f"<!DOCTYPE l [{entities}]><worksheet", 1
                )
                data = text.replace(">x<", ">&lol9;<").encode()
            archive.writestr(info.filename, data)
    path = tmp_path / "lol.xlsx"
    path.write_bytes(buffer.getvalue())
    with pytest.raises(InputError, match=r"cannot be read as a workbook \(XmlError\)"):
        read_records(path, Report())
