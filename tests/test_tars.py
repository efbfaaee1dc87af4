"""The TAR list: `edi837 init --tars` writes a commented template, refused until filled; the
reader takes comments, aliases, the date format, and refuses a quote left open."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from edi837.errors import InputError
from edi837.ingest.tars import TARS, read_tars
from edi837.ingest.template import TARS_TEMPLATE
from edi837.issues import Report
from edi837.model.records import DateFormat

from .conftest import FIXTURES, REPO
from .helpers import check_argv
from .test_cli import run

SAMPLE = FIXTURES / "tars.csv"


def test_init_tars_writes_a_template_that_is_refused_until_filled(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tars = tmp_path / "tars.csv"
    code, out, err = run(capsys, "init", "--tars", str(tars))
    assert code == 0 and tars.read_text(encoding="utf-8") == TARS_TEMPLATE
    assert out == "" and "--tars" in err  # what to do next is a note, on standard error
    code, out, err = run(capsys, *check_argv(FIXTURES / "records.csv", "--tars", str(tars)))
    assert code == 2 and out == ""
    assert "still holds the template's example" in err
    filled = TARS_TEMPLATE.replace("REPLACE-TAR-NUMBER", "TAR2601001").replace(
        "REPLACE-CIN", "90000001A"
    )
    tars.write_text(filled, encoding="utf-8")
    report = Report()
    (tar,) = read_tars(tars, report).tars
    assert report.issues == []
    assert (tar.tar_number, tar.member_id, tar.start, tar.row) == (
        "TAR2601001",
        "90000001A",
        date(2026, 1, 1),
        12,  # its line in the file: the comments count
    )
    assert tar.codes == frozenset({"G9008-U1", "G9012"})


def test_init_writes_profile_and_tars_or_neither(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    profile, tars = tmp_path / "p.toml", tmp_path / "t.csv"
    tars.write_text("mine\n")
    code, _, err = run(capsys, "init", str(profile), "--tars", str(tars))
    assert code == 2 and "exists" in err  # refused: the exit code of every refusal
    assert not profile.exists() and tars.read_text() == "mine\n"  # checked before writing
    code, _, _ = run(capsys, "init", str(profile), "--tars", str(tars), "--force")
    assert code == 0 and profile.exists() and tars.read_text(encoding="utf-8") == TARS_TEMPLATE
    code, _, err = run(capsys, "init")
    assert code == 64 and "--tars" in err  # a usage error


def test_comment_lines_padded_by_a_spreadsheet_are_still_comments(tmp_path: Path) -> None:
    padded = "\n".join(
        line + ",,,," if line.startswith("#") else line
        for line in SAMPLE.read_text(encoding="utf-8").splitlines()
    )
    path = tmp_path / "t.csv"
    path.write_text("# exported from our tracker,,,,\n" + padded + "\n")
    assert len(read_tars(path, Report()).tars) == 8


def test_tar_list_aliases_read_like_the_column_names(tmp_path: Path) -> None:
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    path = tmp_path / "t.csv"
    path.write_text("\n".join(["TAR #,CIN,Effective Date,Thru Date,Codes", *lines[1:]]) + "\n")
    report = Report()
    assert read_tars(path, report).tars == read_tars(SAMPLE, Report()).tars
    assert report.issues == []


def test_a_misspelled_tar_column_stops_the_list(tmp_path: Path) -> None:
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    path = tmp_path / "t.csv"
    path.write_text("\n".join([lines[0].replace("approved_codes", "aproved_codes"), *lines[1:]]))
    with pytest.raises(InputError, match="did you mean approved_codes"):
        read_tars(path, Report())


def one_tar(tmp_path: Path, row: str) -> Path:
    path = tmp_path / "t.csv"
    path.write_text(f"tar_number,member_id,start_date,end_date,approved_codes\n{row}\n")
    return path


def test_tar_dates_follow_the_date_format(tmp_path: Path) -> None:
    path = one_tar(tmp_path, "TAR1,90000001A,1/10/2026,1/9/2027,G9008-U1")
    report = Report()
    assert read_tars(path, report).tars == ()
    assert [i.rule_id for i in report] == ["INPUT-DATE-FORMAT"]
    (tar,) = read_tars(path, Report(), date_format=DateFormat.MONTH_FIRST).tars
    assert (tar.start, tar.end) == (date(2026, 1, 10), date(2027, 1, 9))


def test_a_quote_left_open_in_the_tar_list_is_refused_where_it_opened(tmp_path: Path) -> None:
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace(",90000002B,", ',"90000002B,')
    path = tmp_path / "t.csv"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError) as caught:
        read_tars(path, Report())
    assert "line 3, cell 2" in str(caught.value)
    assert "90000003C" not in str(caught.value)


def test_a_bad_member_id_in_the_tar_list_is_masked(tmp_path: Path) -> None:
    path = one_tar(tmp_path, "TAR1,9000-0001A,2026-01-10,2027-01-09,G9008-U1")
    report = Report()
    read_tars(path, report)
    (issue,) = report.issues
    assert issue.location.column == "member_id" and "9000-0001A" not in issue.message


def test_the_tar_page_documents_every_column_and_alias() -> None:
    doc = (REPO / "docs" / "tars.md").read_text(encoding="utf-8")
    assert "edi837 init --tars" in doc
    for column, names in TARS.aliases.items():
        assert f"`{column}`" in doc
        for name in names:
            assert f"`{name}`" in doc, name


def test_init_writes_through_the_output_guard(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    real = tmp_path / "real.csv"
    real.write_text("mine\n")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    code, _, err = run(capsys, "init", "--tars", str(link), "--force")
    assert code == 2 and "symbolic link" in err and real.read_text() == "mine\n"
    code, _, err = run(capsys, "init", "--tars", str(tmp_path / "nowhere" / "t.csv"))
    assert code == 2 and "does not exist" in err
    tars = tmp_path / "t.csv"
    code, _, _ = run(capsys, "init", "--tars", str(tars))
    assert code == 0 and tars.stat().st_mode & 0o777 == 0o600  # it will hold member IDs
    code, _, err = run(capsys, "init", str(tars), "--tars", str(tars), "--force")
    assert code == 64 and "same file" in err
