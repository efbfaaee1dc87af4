"""Header rows as billing exports write them: aliases read, misspellings stopped with "did you
mean", and nothing that merely follows from a lost column piled on top."""

from __future__ import annotations

from pathlib import Path

import pytest

from edi837.errors import InputError
from edi837.ingest.columns import ALIASES, COLUMNS, read_header
from edi837.ingest.records import read_records
from edi837.issues import Report

from .conftest import FIXTURES, REPO
from .helpers import check_argv
from .test_cli import run

SAMPLE = FIXTURES / "records.csv"


def renamed(tmp_path: Path, **names: str) -> Path:
    """The sample records with header cells renamed (column -> new name)."""
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    header = [names.get(c, c) for c in lines[0].split(",")]
    path = tmp_path / "records.csv"
    path.write_text("\n".join([",".join(header), *lines[1:]]) + "\n", encoding="utf-8")
    return path


def test_a_misspelled_optional_column_stops_the_file_with_did_you_mean(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    records = renamed(tmp_path, modifiers="modifers")
    code, out, err = run(capsys, *check_argv(records, "--tars", str(FIXTURES / "tars.csv")))
    assert code == 2
    assert "'modifers'" in err and "did you mean modifiers?" in err
    # the engagement-fee, TAR and pricing errors a lost modifiers column would cause: none
    assert out == ""
    assert err.count("\n  - ") == 1


def test_every_header_problem_is_listed_at_once(tmp_path: Path) -> None:
    records = renamed(tmp_path, modifiers="modifers", member_dob="memberdob", hcpcs="hcpc")
    with pytest.raises(InputError) as caught:
        read_records(records, Report())
    message = str(caught.value)
    assert "3 problem(s)" in message
    for typo, meant in (("modifers", "modifiers"), ("memberdob", "member_dob"), ("hcpc", "hcpcs")):
        assert f"'{typo}' is not one edi837 reads: did you mean {meant}?" in message
    assert "missing" not in message  # the misspelled required columns are not also "missing"


def test_a_required_column_missing_outright_is_named(tmp_path: Path) -> None:
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    cut = [",".join(line.split(",")[:-1]) for line in lines]  # drops diagnosis_codes
    path = tmp_path / "r.csv"
    path.write_text("\n".join(cut) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"required column\(s\) diagnosis_codes are missing"):
        read_records(path, Report())


def test_an_unrelated_extra_column_is_only_a_warning(tmp_path: Path) -> None:
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    path = tmp_path / "r.csv"
    path.write_text(
        "\n".join([lines[0] + ",Staff Notes"] + [line + ",called twice" for line in lines[1:]])
        + "\n",
        encoding="utf-8",
    )
    report = Report()
    assert len(read_records(path, report)) == 14
    assert [(i.rule_id, i.severity.value, i.location.column) for i in report] == [
        ("INPUT-COLUMN", "warn", "Staff Notes")
    ]


EXPORT_NAMES = {
    "record_id": "Record #",
    "member_id": "Member ID",
    "member_last_name": "Last Name",
    "member_first_name": "First Name",
    "member_dob": "DOB",
    "member_sex": "Gender",
    "service_date": "DOS",
    "hcpcs": "HCPCS Code",
    "modifiers": "Modifier",
    "units": "Qty",
    "charge": "Billed Amount",
    "service_end_date": "DOS To",
    "tar_number": "TAR #",
    "member_zip": "Zip Code",
    "place_of_service": "POS",
    "diagnosis_codes": "ICD-10 Codes",
}


def test_billing_export_aliases_read_exactly_like_the_column_names(tmp_path: Path) -> None:
    plain = read_records(SAMPLE, Report())
    report = Report()
    aliased = read_records(renamed(tmp_path, **EXPORT_NAMES), report)
    assert report.issues == []
    assert aliased == plain


@pytest.mark.parametrize("cpt", ["CPT", "CPT Code", "Procedure Code", "CPT/HCPCS"])
def test_cpt_is_hcpcs(cpt: str, tmp_path: Path) -> None:
    report = Report()
    assert read_records(renamed(tmp_path, hcpcs=cpt), report) == read_records(SAMPLE, Report())
    assert report.issues == []


def test_numbered_modifier_and_diagnosis_columns_are_read_as_one_list(tmp_path: Path) -> None:
    header = (
        "member_id,member_last_name,member_first_name,member_dob,member_sex,service_date,"
        "hcpcs,Modifier 1,Modifier 2,tar_number,Dx 1,Dx 2"
    )
    row = "90000001A,Doe,Jane,1980-01-01,F,2026-01-05,G9012,U8,GQ,,Z59.01,F32.9"
    path = tmp_path / "r.csv"
    path.write_text(f"{header}\n{row}\n", encoding="utf-8")
    report = Report()
    (record,) = read_records(path, report)
    assert report.issues == []
    assert record.modifiers == ("U8", "GQ")
    assert record.diagnosis_codes == ("Z5901", "F329")


def test_an_alias_beside_its_column_is_refused_not_guessed(tmp_path: Path) -> None:
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    path = tmp_path / "r.csv"
    path.write_text(
        "\n".join([lines[0] + ",DOS"] + [line + ",2026-01-09" for line in lines[1:]]) + "\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="'service_date' and 'DOS', which all mean service_date"):
        read_records(path, Report())


@pytest.mark.parametrize(("separator", "named"), [(";", "semicolons"), ("\t", "tabs")])
def test_a_csv_separated_otherwise_is_recognised_and_named(
    separator: str, named: str, tmp_path: Path
) -> None:
    path = tmp_path / "r.csv"
    path.write_text(SAMPLE.read_text(encoding="utf-8").replace(",", separator), encoding="utf-8")
    with pytest.raises(InputError, match=f"separated by {named}") as caught:
        read_records(path, Report())
    assert "CSV UTF-8" in str(caught.value)


def test_every_alias_is_documented() -> None:
    doc = (REPO / "docs" / "input-format.md").read_text(encoding="utf-8")
    for column, names in ALIASES.items():
        for name in names:
            assert f"`{name}`" in doc, f"the alias {name} (for {column}) is not in the docs"
    for column in COLUMNS:
        assert f"`{column}`" in doc


def test_no_alias_is_a_column_or_two_columns() -> None:
    seen: dict[str, str] = {}
    for column, names in ALIASES.items():
        for name in names:
            assert name not in COLUMNS
            assert seen.setdefault(name, column) == column, f"{name} means two columns"
            assert read_header([name]).columns == (column,)
