"""One exit-code table for every command: in the README, at the end of every --help, and held
true here command by command (success 0, findings 1, unusable input or refusal 2, usage 64)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from edi837.cli import main
from edi837.commands import registered
from edi837.errors import ExitCode

from .conftest import FIXTURES, REPO
from .helpers import accept

PROFILE = str(FIXTURES / "profile.toml")
RECORDS = str(FIXTURES / "records.csv")
TARS = str(FIXTURES / "tars.csv")
GOLDEN = FIXTURES / "golden" / "demo.837"
REMITTANCE = str(FIXTURES / "835" / "reconcile" / "reconcile-a.835")
AS_OF = ("--as-of", "2026-02-02")

Argv = Callable[[Path], list[str]]


def built(tmp: Path) -> Path:
    """A ledger holding the demo batch (its claims N00000001-N00000004)."""
    ledger = tmp / "ledger.sqlite"
    if not ledger.exists():
        argv = ["build", RECORDS, "--profile", PROFILE, "--tars", TARS, "--ledger", str(ledger)]
        assert main([*argv, "--out", str(tmp / "demo.837"), *AS_OF]) == 0
    return ledger


def broken_837(tmp: Path) -> str:
    path = tmp / "broken.837"
    path.write_text(GOLDEN.read_text().replace("DMG*D8*19800101*F", "DMG*D8*19801301*X"))
    return str(path)


def build_argv(tmp: Path, records: str, out: Path, *extra: str) -> list[str]:
    ledger = str(tmp / "l.sqlite")
    return [
        "build",
        records,
        "--profile",
        PROFILE,
        "--out",
        str(out),
        "--ledger",
        ledger,
        *AS_OF,
        *extra,
    ]


def void_argv(tmp: Path, ledger: Path | str) -> list[str]:
    out = str(tmp / "void.837")
    return ["void", "N00000001", "--profile", PROFILE, "--out", out, "--ledger", str(ledger)]


def void_accepted(tmp: Path) -> list[str]:
    ledger = built(tmp)
    accept(ledger, "N00000001")
    return [*void_argv(tmp, ledger), "--payer-claim-number", "ICN77", "--as-of", "2026-02-03"]


CORRECTED = FIXTURES / "replace" / "N00000001-corrected.csv"


def replace_argv(tmp: Path, records: Path = CORRECTED, *, accepted: bool = True) -> list[str]:
    ledger = built(tmp)
    if accepted:
        accept(ledger, "N00000001")
    out = str(tmp / "fix.837")
    return ["replace", "N00000001", "--records", str(records), "--payer-claim-number", "ICN1",
            "--profile", PROFILE, "--tars", TARS, "--ledger", str(ledger), "--out", out,
            "--as-of", "2026-02-03"]  # fmt: skip


def two_pmpms(tmp: Path) -> Path:
    """The corrected records with a second PMPM in the month: ECM-PMPM-MONTH blocks them."""
    path = tmp / "two-pmpms.csv"
    text = CORRECTED.read_text(encoding="utf-8")
    extra = text.splitlines()[-1].replace("R005", "R006").replace("2026-01-15", "2026-01-22")
    path.write_text(text + extra + "\n", encoding="utf-8")
    return path


def existing(tmp: Path) -> str:
    path = tmp / "profile.toml"
    path.write_text("# mine\n")
    return str(path)


# For each command: a run that succeeds, one whose findings block (or whose file does not
# conform), one with an input that cannot be used (or an operation refused). None: the command
# has no such outcome.
SCENARIOS: dict[str, dict[ExitCode, Argv | None]] = {
    "check": {
        ExitCode.OK: lambda t: ["check", RECORDS, "--profile", PROFILE, "--tars", TARS, *AS_OF],
        ExitCode.FINDINGS: lambda t: [
            "check",
            str(FIXTURES / "invalid" / "ECM-PMPM-MONTH.csv"),
            "--profile",
            PROFILE,
            *AS_OF,
        ],
        ExitCode.UNUSABLE: lambda t: ["check", str(t / "missing.csv"), "--profile", PROFILE],
    },
    "build": {
        ExitCode.OK: lambda t: build_argv(t, RECORDS, t / "o.837", "--tars", TARS),
        ExitCode.FINDINGS: lambda t: build_argv(
            t, str(FIXTURES / "invalid" / "ECM-PMPM-MONTH.csv"), t / "o.837"
        ),
        ExitCode.UNUSABLE: lambda t: build_argv(t, RECORDS, t / "no-such-folder" / "o.837"),
    },
    "validate": {
        ExitCode.OK: lambda t: ["validate", str(GOLDEN)],
        ExitCode.FINDINGS: lambda t: ["validate", broken_837(t)],
        ExitCode.UNUSABLE: lambda t: ["validate", str(t / "missing.837")],
    },
    "void": {
        ExitCode.OK: void_accepted,
        ExitCode.FINDINGS: None,  # a void repeats a claim already sent: nothing to find
        ExitCode.UNUSABLE: lambda t: [
            *void_argv(t, built(t)),
            "--as-of",
            "2026-02-03",
        ],  # not accepted yet: refused
    },
    "remit": {
        ExitCode.OK: lambda t: ["remit", REMITTANCE],
        ExitCode.FINDINGS: lambda t: [
            "remit",
            str(FIXTURES / "835" / "imbalanced.835"),
            "--strict",
        ],
        ExitCode.UNUSABLE: lambda t: ["remit", str(GOLDEN)],  # an 837: named and refused
    },
    "reconcile": {
        ExitCode.OK: lambda t: ["reconcile", REMITTANCE, "--ledger", str(built(t))],
        ExitCode.FINDINGS: None,  # what a remittance says is recorded, not judged
        ExitCode.UNUSABLE: lambda t: ["reconcile", REMITTANCE, "--ledger", str(t / "none.sqlite")],
    },
    "claims": {
        ExitCode.OK: lambda t: ["claims", "--ledger", str(built(t))],
        ExitCode.FINDINGS: None,
        ExitCode.UNUSABLE: lambda t: ["claims", "--ledger", str(t / "none.sqlite")],
    },
    "replace": {
        ExitCode.OK: replace_argv,
        ExitCode.FINDINGS: lambda t: replace_argv(t, two_pmpms(t)),
        ExitCode.UNUSABLE: lambda t: replace_argv(t, accepted=False),  # never accepted: refused
    },
    "report": {
        ExitCode.OK: lambda t: [
            "report",
            "--ledger",
            str(built(t)),
            "--month",
            "2026-01",
            "--test",
            "--out",
            str(t / "r.html"),
            *AS_OF,
        ],
        ExitCode.FINDINGS: None,
        ExitCode.UNUSABLE: lambda t: [
            "report",
            "--ledger",
            str(t / "none.sqlite"),
            "--out",
            str(t / "r.html"),
        ],
    },
    "ack": {
        ExitCode.OK: lambda t: [
            "ack",
            str(FIXTURES / "ack" / "accepted.999"),
            "--ledger",
            str(built(t)),
        ],
        ExitCode.FINDINGS: None,  # what the payer answered is recorded, not judged
        ExitCode.UNUSABLE: lambda t: ["ack", REMITTANCE, "--ledger", str(built(t))],  # an 835
    },
    "init": {
        ExitCode.OK: lambda t: ["init", str(t / "new.toml")],
        ExitCode.FINDINGS: None,
        ExitCode.UNUSABLE: lambda t: ["init", existing(t)],  # exists, no --force: refused
    },
}
COMMANDS = sorted(command.name or "" for command in registered())


def test_every_command_has_its_exit_codes_tried() -> None:
    """A new command gets its row here (and its help ends with the table, below)."""
    assert sorted(SCENARIOS) == COMMANDS


@pytest.mark.parametrize(
    ("name", "code"),
    [(n, c) for n in sorted(SCENARIOS) for c, argv in SCENARIOS[n].items() if argv is not None],
)
def test_each_outcome_exits_with_its_code(
    name: str, code: ExitCode, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = SCENARIOS[name][code]
    assert argv is not None
    got = main(argv(tmp_path))
    out, err = capsys.readouterr()
    assert got == code, f"{name}: exit {got}, expected {code.name}\n{out}\n{err}"
    assert "Traceback" not in out + err
    if code is ExitCode.UNUSABLE:
        assert "error: " in err or "Error:" in err, f"{name}: no reason on stderr"
    if (
        code is ExitCode.FINDINGS
    ):  # check and validate report them as their output; the rest on stderr
        assert (out if name in ("check", "validate") else err).strip(), f"{name}: findings unsaid"


@pytest.mark.parametrize("name", COMMANDS)
def test_a_usage_error_is_64_on_every_command(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([name, "--no-such-option"]) == ExitCode.USAGE == 64
    _, err = capsys.readouterr()
    assert "No such option" in err


@pytest.mark.parametrize("name", COMMANDS)
def test_every_help_ends_with_the_table_and_shows_an_example(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([name, "--help"]) == 0
    out, _ = capsys.readouterr()
    table = out[out.index("Exit codes (every command):") :]
    for code in ExitCode:
        assert re.search(rf"^\s+{int(code)}\s+{re.escape(code.meaning)}$", table, re.M), code
    assert re.search(rf"^\s+Example\b.*\n\s+edi837 {name}\b", out, re.M), "no example"


def test_the_readme_table_is_the_one_table() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for code in ExitCode:
        assert f"| {int(code)} | {code.meaning} |" in readme, code


def test_a_bare_edi837_is_a_usage_error_that_shows_the_help(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main([]) == ExitCode.USAGE
    _, err = capsys.readouterr()
    assert "Commands:" in err and "Exit codes" in err
