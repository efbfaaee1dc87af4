"""The commands as a user runs them: exit codes, messages, nothing half-written, PHI masked."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from edi837.cli import main
from edi837.ledger.store import Ledger

from .conftest import FIXTURES, REPO
from .helpers import accept

PROFILE = str(FIXTURES / "profile.toml")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def build_args(tmp_path: Path, records: Path, *extra: str) -> list[str]:
    return [
        "build",
        str(records),
        "--profile",
        PROFILE,
        "--out",
        str(tmp_path / "out.837"),
        "--ledger",
        str(tmp_path / "ledger.sqlite"),
        "--as-of",
        "2026-02-02",
        *extra,
    ]


def test_build_prints_a_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        capsys,
        *build_args(tmp_path, FIXTURES / "records.csv", "--tars", str(FIXTURES / "tars.csv")),
    )
    assert code == 0, err
    assert (
        "members        4" in out
        and "claims         4" in out
        and "total charge   $6,487.54" in out
    )
    assert "ISA13 000000001" in out and "TEST (ISA15=T)" in out
    assert (tmp_path / "out.837").exists()
    assert "90000001A" not in out and "DOE" not in out.upper().split("DOE")[0] + "x"


def test_build_with_errors_lists_rows_on_stderr_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, *build_args(tmp_path, FIXTURES / "invalid" / "ECM-PMPM-MONTH.csv"))
    assert code == 1
    assert out == ""  # nothing was made: standard output stays empty
    assert "ECM-PMPM-MONTH" in err and "row 3" in err and "record x2" in err
    assert "no file was written" in err
    assert not (tmp_path / "out.837").exists()


def test_unreadable_input_exits_2_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"member_id,foo\n1,2\n")
    code, out, err = run(capsys, *build_args(tmp_path, bad))
    assert code == 2
    assert err.startswith("error: ") and "required column" in err
    assert "Traceback" not in err + out


def test_allow_overrides_and_is_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        capsys,
        *build_args(tmp_path, FIXTURES / "invalid" / "TAR-REQUIRED.csv", "--allow", "TAR-REQUIRED"),
    )
    assert code == 0 and "wrote " in out
    assert "billed despite: TAR-REQUIRED (1)" in err


def test_check_json_schema_and_exit_codes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = [
        "check",
        str(FIXTURES / "invalid" / "ECM-PMPM-MONTH.csv"),
        "--profile",
        PROFILE,
        "--as-of",
        "2026-02-02",
        "--format",
        "json",
        "--ledger",
        str(tmp_path / "l.sqlite"),
    ]
    Ledger(tmp_path / "l.sqlite").close()  # a new, empty ledger
    code, out, _ = run(capsys, *args)
    assert code == 1
    doc = json.loads(out)
    assert doc["issues"] == [
        {
            "rule_id": "ECM-PMPM-MONTH",
            "severity": "error",
            "row": 3,
            "record_id": "x2",
            "message": doc["issues"][0]["message"],
            "file": str(FIXTURES / "invalid" / "ECM-PMPM-MONTH.csv"),
        }
    ]
    assert doc["summary"]["errors"] == 1 and doc["summary"]["records"] == 2
    clean = [
        "check",
        str(FIXTURES / "records.csv"),
        "--profile",
        PROFILE,
        "--as-of",
        "2026-02-02",
        "--tars",
        str(FIXTURES / "tars.csv"),
    ]
    code, out, _ = run(capsys, *clean)
    assert code == 0 and "0 error(s)" in out
    code, _, err = run(capsys, "check", str(FIXTURES / "profile.toml"), "--profile", PROFILE)
    assert code == 2 and "required column" in err


def test_check_text_groups_by_rule(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        "check",
        str(FIXTURES / "invalid" / "ECM-U8-LIMIT.csv"),
        "--profile",
        PROFILE,
        "--as-of",
        "2026-02-02",
    )
    assert code == 0  # info only
    assert out.startswith("INFO  ECM-U8-LIMIT x1")
    assert "row 7, record x6" in out


def test_init_writes_a_template_that_must_be_filled(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "profile.toml"
    code, out, err = run(capsys, "init", str(path))
    assert code == 0 and path.exists() and out == "" and "REPLACE" in err
    code, _, err = run(capsys, "init", str(path))
    assert code == 2 and "exists" in err and "--force" in err
    code, _, err = run(
        capsys,
        "build",
        str(FIXTURES / "records.csv"),
        "--profile",
        str(path),
        "--out",
        str(tmp_path / "o.837"),
        "--ledger",
        str(tmp_path / "l.sqlite"),
    )
    assert code == 2
    assert "[billing_provider] npi" in err and "placeholder" in err
    assert not (tmp_path / "o.837").exists()


def test_phi_is_masked_unless_asked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    records = tmp_path / "r.csv"
    text = (FIXTURES / "records.csv").read_text().replace("1980-01-01", "1980-01-41", 1)
    records.write_text(text)
    code, out, err = run(capsys, *build_args(tmp_path, records))
    assert code == 1
    assert "1980-01-41" not in out + err and "hidden" in err  # build's findings: stderr
    _, out, err = run(capsys, "--show-phi", *build_args(tmp_path, records))
    assert "1980-01-41" in err


def test_void_through_the_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(
        capsys,
        *build_args(tmp_path, FIXTURES / "records.csv", "--tars", str(FIXTURES / "tars.csv")),
    )
    assert code == 0, err
    args = [
        "void",
        "N00000001",
        "--profile",
        PROFILE,
        "--out",
        str(tmp_path / "void.837"),
        "--ledger",
        str(tmp_path / "ledger.sqlite"),
        "--as-of",
        "2026-02-03",
    ]
    code, _, err = run(capsys, *args)
    assert code == 2 and "not been accepted by the payer yet" in err
    assert not (tmp_path / "void.837").exists()
    accept(tmp_path / "ledger.sqlite", "N00000001")
    code, _, err = run(capsys, *args)
    assert code == 2 and "payer's claim number" in err
    code, out, err = run(capsys, *args, "--payer-claim-number", "ICN77")
    assert code == 0, err
    assert "voided N00000001" in out
    assert "REF*F8*ICN77" in (tmp_path / "void.837").read_text()


def test_replace_through_the_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ledger = str(tmp_path / "ledger.sqlite")
    code, _, err = run(
        capsys,
        *build_args(tmp_path, FIXTURES / "records.csv", "--tars", str(FIXTURES / "tars.csv")),
    )
    assert code == 0, err
    args = [
        "replace", "n00000001", "--records", str(FIXTURES / "replace" / "N00000001-corrected.csv"),
        "--profile", PROFILE, "--tars", str(FIXTURES / "tars.csv"), "--ledger", ledger,
        "--out", str(tmp_path / "fix.837"), "--as-of", "2026-02-04",
    ]  # fmt: skip
    code, _, err = run(capsys, *args)
    assert code == 2 and "not been accepted by the payer yet" in err
    accept(tmp_path / "ledger.sqlite", "N00000001")
    code, _, err = run(capsys, *args)
    assert code == 2 and "payer's claim number" in err and "--payer-claim-number" in err
    code, out, err = run(capsys, *args, "--payer-claim-number", "ICN77")
    assert code == 0, err
    assert "replaced N00000001 with N00000005" in out and "REF*F8 ICN77" in out
    assert "12:B:7" in (tmp_path / "fix.837").read_text()
    # the same again is refused: N00000001 is replaced already, and fix.837 was sent
    code, _, err = run(capsys, *args, "--payer-claim-number", "ICN77")
    assert code == 2 and "recorded as sent" in err
    args[args.index("--out") + 1] = str(tmp_path / "fix2.837")
    code, _, err = run(capsys, *args, "--payer-claim-number", "ICN77")
    assert code == 2 and "already replaced by N00000005" in err


def test_build_the_same_records_twice_exits_1_naming_the_batch(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, *build_args(tmp_path, FIXTURES / "records.csv"))
    assert code == 0, err
    again = build_args(tmp_path, FIXTURES / "records.csv")
    again[again.index("--out") + 1] = str(tmp_path / "again.837")
    code, out, err = run(capsys, *again)
    assert code == 1 and out == ""  # a build's findings go to standard error
    assert "RECORDS-ALREADY-BUILT" in err and "batch 1 of 2026-02-02" in err
    assert "--allow RECORDS-ALREADY-BUILT" in err
    assert not (tmp_path / "again.837").exists()


def test_check_counts_the_history_of_its_profiles_usage(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """check asks the ledger what build would: a test profile sees earlier test batches (it saw
    production history only, so a test build's month was reported clean), a production profile
    never sees them."""
    code, _, err = run(capsys, *build_args(tmp_path, FIXTURES / "records.csv"))
    assert code == 0, err
    check = ["check", str(FIXTURES / "records.csv"), "--ledger", str(tmp_path / "ledger.sqlite"),
             "--as-of", "2026-02-02", "--format", "json", "--profile"]  # fmt: skip
    code, out, _ = run(capsys, *check, PROFILE)
    found = {i["rule_id"] for i in json.loads(out)["issues"] if i["severity"] == "error"}
    assert code == 1 and {"RECORDS-ALREADY-BUILT", "DUPLICATE-SERVICE", "ECM-PMPM-MONTH"} <= found
    production = tmp_path / "production.toml"
    production.write_text(
        (FIXTURES / "profile.toml")
        .read_text(encoding="utf-8")
        .replace('usage = "T"', 'usage = "P"'),
        encoding="utf-8",
    )
    code, out, _ = run(capsys, *check, str(production))
    assert code == 0, out


def test_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == 0
    for name in ("build", "check", "validate", "init", "void", "replace"):
        assert name in out


def test_show_phi_works_where_people_type_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ledger = tmp_path / "ledger.sqlite"
    code, _, err = run(
        capsys,
        *build_args(tmp_path, FIXTURES / "records.csv", "--tars", str(FIXTURES / "tars.csv")),
    )
    assert code == 0, err
    for argv in (
        ["claims", "--show-phi", "--ledger", str(ledger)],
        ["--show-phi", "claims", "--ledger", str(ledger)],
    ):
        code, out, err = run(capsys, *argv)
        assert code == 0 and "90000001A" in out, (argv, err)
    code, out, _ = run(capsys, "claims", "--ledger", str(ledger))
    assert code == 0 and "90000001A" not in out


def test_each_command_module_is_named_as_its_command() -> None:
    """The command line imports a command's module by the name typed (edi837.commands.load)."""
    from edi837.commands import load, names

    for name in names():
        assert load(name).name == name


def test_a_command_imports_its_own_module_and_renderer_only(tmp_path: Path) -> None:
    """`edi837 remit` imports no other command and, for CSV, not the XML renderer's lxml: the
    start-up a fresh interpreter pays for every run (issue 12)."""
    script = (
        "import sys\n"
        "from edi837.cli import main\n"
        f"code = main(['remit', {str(FIXTURES / 'demo' / 'remit.835')!r}, '--format', 'csv',"
        f" '--out', {str(tmp_path / 'out.csv')!r}])\n"
        "print(sorted(m for m in sys.modules if m.startswith(('edi837.commands.', 'lxml'))))\n"
        "sys.exit(code)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "['edi837.commands._inputs', 'edi837.commands.remit']"
    assert (tmp_path / "out.csv").read_text(encoding="utf-8").startswith("record,")


@pytest.mark.parametrize(
    ("error", "code", "said"),
    [
        (sqlite3.DatabaseError("file is not a database"), 2, "the ledger cannot be read"),
        (sqlite3.OperationalError("no such table: claims"), 2, "the ledger cannot be read"),
        (ValueError("oops"), 3, "internal error: ValueError"),
    ],
)
def test_a_damaged_ledger_and_a_bug_are_told_apart(
    error: Exception,
    code: int,
    said: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The CLI no longer imports sqlite3 to catch its errors (edi837.cli._ledger_error): a
    database error raised under any command is still the damaged-ledger message, exit 2."""
    import edi837.cli

    def fail(*args: object, **kwargs: object) -> None:
        raise error

    monkeypatch.setattr(edi837.cli.cli, "main", fail)
    assert main(["remit", "x"]) == code
    assert said in capsys.readouterr().err
