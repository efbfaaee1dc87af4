"""Progress shows on standard error at a terminal, with counts and the time left; never in a
pipe, a file or a test's capture, and never with --quiet; and it never changes the output."""

from __future__ import annotations

import fcntl
import io
import os
import pty
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from edi837 import progress
from edi837.cli import main

from .conftest import FIXTURES, REPO

PROFILE = str(FIXTURES / "profile.toml")
CHECK = ["check", str(FIXTURES / "records.csv"), "--profile", PROFILE, "--as-of", "2026-02-02"]


class Terminal(io.StringIO):
    """Standard error as a terminal would be."""

    def isatty(self) -> bool:
        return True


def run_at_terminal(monkeypatch: pytest.MonkeyPatch, *argv: str) -> tuple[int, str]:
    monkeypatch.setattr(progress, "AFTER", 0.0)  # show at once: the fixtures are quick
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.setattr(sys, "stdout", io.StringIO())
    code = main(list(argv))
    return code, terminal.getvalue()


def test_a_terminal_sees_each_step_with_counts_and_time_left(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    code, seen = run_at_terminal(
        monkeypatch,
        "build",
        *CHECK[1:],
        "--out",
        str(tmp_path / "o.837"),
        "--ledger",
        str(tmp_path / "l.sqlite"),
        "--tars",
        str(FIXTURES / "tars.csv"),
    )
    assert code == 0
    for step, unit in (
        ("reading records", "row"),
        ("checking records", "record"),
        ("writing the 837P", "claim"),
    ):
        assert f"{step}:" in seen, step
        assert f"{unit}/s" in seen or f"?{unit}/s" in seen, (step, unit)
    assert "<" in seen  # elapsed<remaining: the time left


def test_validate_shows_how_much_of_the_file_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    code, seen = run_at_terminal(monkeypatch, "validate", str(FIXTURES / "golden" / "demo.837"))
    assert code == 0 and "validating:" in seen
    size = (FIXTURES / "golden" / "demo.837").stat().st_size
    assert f"/{size / 1000:.2f}k" in seen or f"/{size}" in seen


def test_quiet_silences_it_after_the_command_name_too(monkeypatch: pytest.MonkeyPatch) -> None:
    for argv in (["--quiet", *CHECK], [*CHECK, "--quiet"], [*CHECK, "-q"]):
        code, seen = run_at_terminal(monkeypatch, *argv)
        assert code == 0 and "reading records" not in seen and "\r" not in seen, argv


def test_nothing_is_shown_when_standard_error_is_not_a_terminal(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(CHECK) == 0
    out, err = capsys.readouterr()
    assert "\r" not in out + err and "reading records" not in err and "%|" not in err


def test_the_output_is_the_same_with_and_without_the_display(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*CHECK, "--format", "json"]) == 0
    plain, _ = capsys.readouterr()
    monkeypatch.setattr(progress, "AFTER", 0.0)
    monkeypatch.setattr(sys, "stderr", Terminal())
    shown = io.StringIO()
    monkeypatch.setattr(sys, "stdout", shown)
    assert main([*CHECK, "--format", "json"]) == 0
    assert shown.getvalue() == plain


def test_a_real_terminal_is_recognised_and_a_pipe_is_not() -> None:
    """The check the command line makes (isatty on standard error), through a pseudo-terminal."""
    script = (
        "import sys, edi837.progress as p; p.AFTER = 0.0\n"
        "from edi837.cli import main\n"
        f"sys.exit(main({[*CHECK, '--as-of', '2026-02-02']!r}))\n"
    )
    controller, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    child = subprocess.Popen(
        [sys.executable, "-c", script],
        cwd=REPO,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=terminal,
    )
    os.close(terminal)
    seen = b""
    while True:
        try:
            chunk = os.read(controller, 1 << 16)
        except OSError:  # the child closed its end
            break
        if not chunk:
            break
        seen += chunk
    out, _ = child.communicate(timeout=60)
    os.close(controller)
    assert child.returncode == 0
    assert b"reading records:" in seen and b"row/s" in seen
    assert b"\r" not in out and b"checked 14 record(s)" in out  # the data never gets a bar
    piped = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, timeout=60, check=False
    )
    assert piped.returncode == 0 and b"reading records" not in piped.stderr
