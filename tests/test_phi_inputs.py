"""Member data never leaves through a message: records with errors in member fields (name, CIN,
birth date, address) go through `check` and `build`, text and JSON, and nothing written to
stdout or stderr holds a member's values unless --show-phi asks for them."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from edi837.commands.build import command as build_command

from .conftest import FIXTURES
from .test_cli import PROFILE, run

FIRST = {
    "record_id": "A1",
    "member_id": "93456789Q",
    "member_last_name": "Quackenbush",
    "member_first_name": "Philomena",
    "member_dob": "1944-07-15",
    "member_sex": "F",
    "service_date": "2026-01-08",
    "hcpcs": "G9012",
    "modifiers": "U8",
    "minutes": "20",
    "tar_number": "",
    "member_address1": "77 Cormorant Ln",
    "member_city": "Weott",
    "member_state": "CA",
    "member_zip": "95571",
    "diagnosis_codes": "Z59.01",
}
COLUMNS = list(FIRST)
SECOND = FIRST | {
    "record_id": "B1",
    "member_id": "98765432Z",
    "member_last_name": "Ignatowski",
    "member_first_name": "Bartholomew",
    "member_dob": "1950-02-03",
    "member_address1": "12 Heron Rd",
    "member_city": "Myers Flat",
    "member_zip": "95554",
}
MEMBER_VALUES = [
    v
    for row in (FIRST, SECOND)
    for k, v in row.items()
    if k.startswith("member_") and k not in ("member_sex", "member_state")
]

# (name, the first record's fields changed, the value --show-phi then shows, or None when no
# message quotes it even then)
VARIANTS = [
    ("member_id", {"member_id": "9345-6789Q"}, "9345-6789Q"),
    ("last name unprintable", {"member_last_name": "☃☃"}, "☃☃"),
    ("last name too long", {"member_last_name": "Quackenbush" * 6}, None),
    ("first name missing", {"member_first_name": ""}, None),
    ("birth date impossible", {"member_dob": "1944-07-45"}, "1944-07-45"),
    ("birth date in M/D/YYYY", {"member_dob": "7/15/1944"}, "7/15/1944"),
    ("address incomplete", {"member_city": ""}, None),
    ("zip malformed", {"member_zip": "9557"}, "9557"),
    ("address too long", {"member_address1": "77 Cormorant Ln " * 5}, None),
    ("a quote left open in the name", {"member_first_name": '"Philomena'}, None),
    ("a second birth date for the member", "second birth date", None),
]


def records_file(tmp_path: Path, change: dict[str, str] | str) -> Path:
    first = dict(FIRST)
    rows = [first, SECOND]
    if change == "second birth date":
        rows.append(
            FIRST | {"record_id": "A2", "service_date": "2026-01-09", "member_dob": "1944-07-16"}
        )
    else:
        assert isinstance(change, dict)
        first.update(change)
    path = tmp_path / "records.csv"
    # written raw, not through csv.writer, so a stray quote stays the export's mistake
    path.write_text(
        "\n".join([",".join(COLUMNS), *(",".join(r[c] for c in COLUMNS) for r in rows)]) + "\n",
        encoding="utf-8",
    )
    return path


def commands(tmp_path: Path, records: Path) -> list[list[str]]:
    common = ["--profile", PROFILE, "--as-of", "2026-02-02"]
    check = ["check", str(records), *common]
    build = [
        "build",
        str(records),
        *common,
        "--out",
        str(tmp_path / "out.837"),
        "--ledger",
        str(tmp_path / "ledger.sqlite"),
    ]
    runs = [check, [*check, "--format", "json"], build]
    if any(p.name == "fmt" or "--format" in getattr(p, "opts", []) for p in build_command.params):
        runs.append([*build, "--format", "json"])
    return runs


@pytest.mark.parametrize(("name", "change", "shown"), VARIANTS, ids=[v[0] for v in VARIANTS])
def test_member_values_never_appear_unless_show_phi(
    name: str,
    change: dict[str, str] | str,
    shown: str | None,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    records = records_file(tmp_path, change)
    damaged = (
        [v.strip('"') for v in change.values()] if isinstance(change, dict) else ["1944-07-16"]
    )
    member_values = [v for v in [*MEMBER_VALUES, *damaged] if len(v) > 1]
    for argv in commands(tmp_path, records):
        code, out, err = run(capsys, *argv)
        assert code in (0, 1), f"{argv[0]}: exit {code}: {err}"
        assert code == 1, f"{name}: {argv[0]} found no error"
        if "json" in argv:
            json.loads(out)
        leaked = [v for v in member_values if v in out or v in err]
        assert leaked == [], f"{' '.join(argv[:1] + argv[2:])} leaks {leaked}"
        assert not (tmp_path / "out.837").exists()
    if shown is not None:  # the same run with --show-phi shows it: the check above can fail
        code, out, err = run(capsys, "--show-phi", *commands(tmp_path, records)[0])
        assert shown in out + err


def test_the_phi_records_are_realistic_when_unbroken(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The base rows are billable as they stand: every finding above comes from the one
    damaged field."""
    code, out, err = run(capsys, *commands(tmp_path, records_file(tmp_path, {}))[0])
    assert code == 0, out + err
    rows = list(csv.DictReader(io.StringIO(records_file(tmp_path, {}).read_text())))
    assert [r["member_id"] for r in rows] == ["93456789Q", "98765432Z"]
    assert (FIXTURES / "records.csv").exists()
