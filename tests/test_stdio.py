"""`-` is standard input (records, an 837, an 835) and standard output (the 837P, a template),
and each stream carries one thing: data on stdout, findings and notes on stderr."""

from __future__ import annotations

import io
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from edi837.cli import main
from edi837.errors import EdiError
from edi837.ingest.template import PROFILE_TEMPLATE
from edi837.outputs import ToStdout

from .conftest import FIXTURES, REPO

PROFILE = str(FIXTURES / "profile.toml")
RECORDS = FIXTURES / "records.csv"
TARS = str(FIXTURES / "tars.csv")
EDI837 = [sys.executable, "-m", "edi837"]


def edi837(*argv: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [*EDI837, *argv], input=stdin, capture_output=True, cwd=REPO, timeout=120, check=False
    )


def build_argv(ledger: Path, out: str, records: str = str(RECORDS)) -> list[str]:
    return [
        "build",
        records,
        "--profile",
        PROFILE,
        "--tars",
        TARS,
        "--ledger",
        str(ledger),
        "--out",
        out,
        "--as-of",
        "2026-02-02",
    ]


def test_records_from_stdin_read_as_the_file_does_and_are_named_stdin() -> None:
    argv = ["check", "-", "--profile", PROFILE, "--as-of", "2026-02-02"]
    piped = edi837(*argv, stdin=RECORDS.read_bytes())
    direct = edi837(*[str(RECORDS) if a == "-" else a for a in argv])
    assert piped.returncode == direct.returncode == 0
    assert piped.stdout.replace(b"<stdin>", str(RECORDS).encode()) == direct.stdout
    assert b"<stdin>, row 3, record R002" in piped.stdout


def test_build_to_stdout_writes_the_same_837p_and_puts_the_summary_on_stderr(
    tmp_path: Path,
) -> None:
    to_file = edi837(*build_argv(tmp_path / "a.sqlite", str(tmp_path / "a.837")))
    to_stdout = edi837(
        *build_argv(tmp_path / "b.sqlite", "-", records="-"), stdin=RECORDS.read_bytes()
    )
    assert to_file.returncode == to_stdout.returncode == 0, to_stdout.stderr
    assert to_stdout.stdout == (tmp_path / "a.837").read_bytes()  # nothing else on stdout
    assert b"wrote <stdout>" in to_stdout.stderr and b"ECM-U8-PER-DAY" in to_stdout.stderr
    with sqlite3.connect(tmp_path / "b.sqlite") as db:
        row = db.execute("SELECT records_file, output_file FROM batches").fetchone()
    assert row == ("<stdin>", "<stdout>")
    assert not list(tmp_path.glob(".*partial")) and not (tmp_path / "-").exists()


def test_build_piped_into_validate(tmp_path: Path) -> None:
    build = subprocess.Popen(
        [*EDI837, *build_argv(tmp_path / "l.sqlite", "-")],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        cwd=REPO,
    )
    validate = subprocess.run(
        [*EDI837, "validate", "-"],
        stdin=build.stdout,
        capture_output=True,
        cwd=REPO,
        timeout=120,
        check=False,
    )
    assert build.stdout is not None
    build.stdout.close()
    assert build.wait(timeout=120) == 0
    assert validate.returncode == 0, validate.stdout + validate.stderr
    assert validate.stdout.startswith(b"<stdin>: valid against the TR3 (SNIP 1-5: 0 error(s)")


def test_json_and_an_837p_cannot_share_stdout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main([*build_argv(tmp_path / "l.sqlite", "-"), "--format", "json"])
    _, err = capsys.readouterr()
    assert code == 64 and "choose one" in err
    assert not (tmp_path / "l.sqlite").exists()  # refused before anything was opened


def test_remit_and_validate_read_stdin(tmp_path: Path) -> None:
    remittance = FIXTURES / "835" / "paid.835"
    piped = edi837("remit", "-", "--format", "json", stdin=remittance.read_bytes())
    direct = edi837("remit", str(remittance), "--format", "json")
    assert piped.returncode == 0 and piped.stdout == direct.stdout
    assert piped.stderr.startswith(b"<stdin>: 1 payment")
    again = edi837("remit", "-", "--out", "-", stdin=remittance.read_bytes())
    assert again.returncode == 0 and b"Payment 1" in again.stdout
    junk = edi837("validate", "-", stdin=b"not x12 at all")
    assert junk.returncode == 1 and b"<stdin>" in junk.stdout


def test_init_writes_the_template_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init", "-"]) == 0
    out, err = capsys.readouterr()
    assert out == PROFILE_TEMPLATE and err == ""


def test_an_837p_cut_off_on_stdout_is_an_error_not_a_success(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class Closed(io.BytesIO):
        def write(self, data: object) -> int:
            raise BrokenPipeError

    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(Closed()))
    staged = ToStdout()
    staged.write(b"ISA*...~")
    with pytest.raises(EdiError, match="closed before the whole file"):
        staged.publish()
    staged.discard()
    assert not staged.temp.exists() and not staged.temp.parent.exists()


def test_findings_of_a_build_go_to_stderr_and_stdout_keeps_the_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(build_argv(tmp_path / "l.sqlite", str(tmp_path / "o.837"))) == 0
    out, err = capsys.readouterr()
    assert out.startswith(f"wrote {tmp_path / 'o.837'}") and "ECM-U8-PER-DAY" not in out
    assert "ECM-U8-PER-DAY" in err
