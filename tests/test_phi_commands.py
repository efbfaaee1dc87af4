"""Every command, run over inputs with errors in member fields, leaks no member value.

The demo's members (fixtures/records.csv, and the 835 that pays them) go through every command:
records whose birth dates, member IDs, names and addresses are damaged (check, build, replace),
an 835 whose segments are damaged so that member data lands where codes, amounts and segment IDs
go (remit in every format, reconcile), a 277CA damaged the same way (ack), the ledger those made (claims, report, void), an 837P with
a damaged birth date (validate), and init. Everything each command writes is searched for every
member value: stdout, stderr, and every file it creates, except the files that carry member data
by design and are created 0600: the ledger, the 837Ps (for the payer), and the 999 (which copies
a bad element back, as X12 says it must).
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from edi837 import phi
from edi837.cli import main

from .conftest import FIXTURES
from .helpers import build_file

PROFILE = str(FIXTURES / "profile.toml")
TARS = str(FIXTURES / "tars.csv")
AS_OF = "2026-03-05"
RECORDS = (FIXTURES / "records.csv").read_text(encoding="utf-8")
PAID = (FIXTURES / "835" / "reconcile" / "reconcile-a.835").read_text(encoding="utf-8")
DEMO = (FIXTURES / "golden" / "demo.837").read_text(encoding="utf-8")
ANSWERS = (FIXTURES / "demo" / "claims.277").read_text(encoding="utf-8")
# files that hold member data by design (see the module docstring)
BY_DESIGN = re.compile(r"\.sqlite(-wal|-shm|-journal)?$|\.837$|\.999$")

# the damage done to the records: (the benign text, the damaged text), member fields only
RECORD_DAMAGE = [
    ("R001,90000001A,Doe,Jane,1980-01-01", "R001,90000001A,Doe,Jane,1980-02-30"),
    ("R006,90000002B,Roe,John", "R006,9000-0002B,Roe,John"),
    ("García,María,1962-11-15,F,2026-01-12", 'García,"María,1962-11-15,F,2026-01-12'),
    ("9 Pine Rd,,Napa,CA,94558", "9 Pine Rd,,Napa,CA,9455"),
]
# the damage done to the 835: member data where a segment ID, an amount, a date, ST02 go
REMIT_DAMAGE = [
    ("NM1*QC*1*DOE*JANE****MI*90000001A", "N M1*QC*1*DOE*JANE****MI*90000001A"),
    ("CLP*N00000002*4*400.04*0*", "CLP*N00000002*4*ROE*JOHN*"),
    ("DTM*232*20260105", "DTM*232*90000003C"),
    ("SE*", "GARCIA MARIA 19621115~SE*"),
]
# the damage done to the 277CA: member data where a segment ID, an amount, a date go
ANSWER_DAMAGE = [
    ("NM1*QC*1*DOE*JANE****MI*90000001A", "N M1*QC*1*DOE*JANE****MI*90000001A"),
    ("STC*A7:97:IL*20260203*U*400.04", "STC*A7:97:IL*20260203*U*ROE"),
    ("DTP*472*RD8*20260105-20260119", "DTP*472*D8*90000003C"),
]
# every member value those files carry, as the records write them and as X12 does
MEMBERS = {
    *("90000001A", "90000002B", "90000003C", "90000004D", "99999999Z", "9000-0002B"),
    *("Doe", "Jane", "Roe", "John", "García", "María", "Nguyen", "Bao"),
    *("DOE", "JANE", "ROE", "JOHN", "GARCIA", "MARIA", "NGUYEN", "BAO", "SMITH"),
    *("1980-01-01", "1980-02-30", "1975-06-30", "1962-11-15", "1958-03-02"),
    *("19800101", "19800132", "19750630", "19621115", "19580302"),
    *("1 Elm St", "45 Oak Ave", "9 Pine Rd", "1 ELM ST", "45 OAK AVE", "9 PINE RD"),
    *("Eureka", "Ukiah", "Napa", "EUREKA", "UKIAH", "NAPA", "954821234", "94558", "9455"),
}
FOUND = re.compile("|".join(rf"(?<![\w-]){re.escape(value)}(?![\w-])" for value in MEMBERS))


def damaged(text: str, damage: list[tuple[str, str]]) -> str:
    for benign, bad in damage:
        assert benign in text, benign
        text = text.replace(benign, bad, 1)
    return text


@pytest.fixture(scope="module")
def ledgers(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A ledger that sent the demo month's claims, and a copy that then recorded the damaged
    835 (so that what the damage left in it goes on through claims, report, void, replace)."""
    folder = tmp_path_factory.mktemp("sent")
    sent, paid = folder / "sent.sqlite", folder / "ledger.sqlite"
    build_file(FIXTURES / "records.csv", folder / "demo.837", sent, tars=FIXTURES / "tars.csv")
    shutil.copyfile(sent, paid)
    remit = folder / "remit.835"
    remit.write_text(damaged(PAID, REMIT_DAMAGE), encoding="utf-8")
    assert main(["reconcile", str(remit), "--ledger", str(paid), "--as-of", AS_OF]) == 0
    return sent, paid


@pytest.fixture
def work(tmp_path: Path, ledgers: tuple[Path, Path]) -> Iterator[Path]:
    """A folder with copies of the ledgers and the damaged inputs; nothing else in it."""
    for ledger in ledgers:
        shutil.copyfile(ledger, tmp_path / ledger.name)
    (tmp_path / "records.csv").write_text(damaged(RECORDS, RECORD_DAMAGE), encoding="utf-8")
    corrected = (FIXTURES / "replace" / "N00000001-corrected.csv").read_text(encoding="utf-8")
    (tmp_path / "corrected.csv").write_text(
        corrected.replace("1980-01-01", "1980-02-30").replace("90000001A", "9000-0001A", 1),
        encoding="utf-8",
    )
    (tmp_path / "remit.835").write_text(damaged(PAID, REMIT_DAMAGE), encoding="utf-8")
    (tmp_path / "claims.277").write_text(damaged(ANSWERS, ANSWER_DAMAGE), encoding="utf-8")
    (tmp_path / "claims.837").write_text(DEMO.replace("DMG*D8*19800101", "DMG*D8*19800132"))
    phi.set_show(False)
    yield tmp_path
    phi.set_show(False)


def leaks(
    folder: Path, capsys: pytest.CaptureFixture[str], argv: list[str], expected: int = 0
) -> list[str]:
    """Run one command (it must exit with ``expected``): every member value in what it printed
    or wrote, and where it was seen."""
    inputs = {path.name for path in folder.iterdir()}
    code = main(argv)
    out, err = capsys.readouterr()
    assert code == expected, f"{argv[0]} exited {code}: {err}"
    seen = [f"stdout: {m.group()}" for m in FOUND.finditer(out)]
    seen += [f"stderr: {m.group()}" for m in FOUND.finditer(err)]
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.name not in inputs and not BY_DESIGN.search(path.name):
            text = path.read_text(encoding="utf-8", errors="replace")
            seen += [f"{path.name}: {m.group()}" for m in FOUND.finditer(text)]
    assert out or err or len(list(folder.iterdir())) > len(inputs), f"{argv[0]} said nothing"
    return seen


def commands(w: str) -> list[tuple[str, int, list[str]]]:
    """(a name, the exit code it must end with, the command line) for every command; ``w`` is
    the work folder."""
    ledger = ["--ledger", f"{w}/ledger.sqlite"]  # the damaged 835 recorded in it
    sent = ["--ledger", f"{w}/sent.sqlite"]  # for reconcile to record it
    records = [f"{w}/records.csv", "--profile", PROFILE, "--tars", TARS, "--as-of", "2026-02-02"]
    return [
        ("init", 0, ["init", f"{w}/profile.toml", "--tars", f"{w}/tars.csv"]),
        ("check", 1, ["check", *records, *ledger]),
        ("check json", 1, ["check", *records, *ledger, "--format", "json"]),
        ("build", 1, ["build", *records, *ledger, "--out", f"{w}/out.837"]),
        (
            "replace",
            1,
            [
                "replace",
                "N00000001",
                "--records",
                f"{w}/corrected.csv",
                "--profile",
                PROFILE,
                "--tars",
                TARS,
                "--payer-claim-number",
                "ICN0001",
                *ledger,
                "--out",
                f"{w}/replace.837",
                "--as-of",
                AS_OF,
            ],
        ),
        (
            "void",
            0,
            [
                "void",
                "N00000002",
                "--profile",
                PROFILE,
                *ledger,
                "--out",
                f"{w}/void.837",
                "--as-of",
                AS_OF,
            ],
        ),
        *[
            (f"remit {fmt}", 0, ["remit", f"{w}/remit.835", "--format", fmt])
            for fmt in ("table", "json", "csv", "xml")
        ],
        (
            "remit --out",
            0,
            ["remit", f"{w}/remit.835", "--format", "csv", "--out", f"{w}/remit.csv"],
        ),
        *[
            (
                f"reconcile {fmt}",
                0,
                [
                    "reconcile",
                    f"{w}/remit.835",
                    *sent,
                    "--as-of",
                    AS_OF,
                    "--all",
                    "--format",
                    fmt,
                ],
            )
            for fmt in ("table", "json", "csv")
        ],
        *[
            (
                f"ack {fmt}",
                0,
                ["ack", f"{w}/claims.277", *sent, "--as-of", "2026-02-04", "--format", fmt],
            )
            for fmt in ("table", "json", "csv")
        ],
        (
            "ack --out",
            0,
            ["ack", f"{w}/claims.277", *sent, "--out", f"{w}/answers.csv", "--format", "csv"],
        ),
        ("reconcile --dry-run", 0, ["reconcile", f"{w}/remit.835", *sent, "--dry-run"]),
        *[
            (f"claims {fmt}", 0, ["claims", *ledger, "--as-of", AS_OF, "--format", fmt])
            for fmt in ("table", "json", "csv")
        ],
        ("claims --member", 0, ["claims", *ledger, "--as-of", AS_OF, "--member", "90000001A"]),
        (
            "claims --out",
            0,
            ["claims", *ledger, "--as-of", AS_OF, "--out", f"{w}/claims.json", "--format", "json"],
        ),
        (
            "report",
            0,
            [
                "report",
                *ledger,
                "--month",
                "2026-01",
                "--test",
                "--as-of",
                AS_OF,
                "--out",
                f"{w}/report.html",
            ],
        ),
        ("validate", 1, ["validate", f"{w}/claims.837", "--ack", f"{w}/claims.999"]),
        ("validate json", 1, ["validate", f"{w}/claims.837", "--format", "json"]),
        ("validate pyx12", 1, ["validate", f"{w}/claims.837", "--engine", "pyx12"]),
    ]


NAMES = [name for name, _, _ in commands("")]


@pytest.mark.parametrize("name", NAMES)
def test_no_command_shows_a_member_value(
    work: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    ((expected, argv),) = [(code, argv) for n, code, argv in commands(str(work)) if n == name]
    assert leaks(work, capsys, argv, expected) == []


def test_the_values_are_there_to_be_found(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The search finds them when --show-phi asks for them, in messages about member fields."""
    ledger = ["--ledger", f"{work}/ledger.sqlite"]
    argv = ["--show-phi", "check", f"{work}/records.csv", "--profile", PROFILE, *ledger]
    found = {f.split(": ")[1] for f in leaks(work, capsys, argv, expected=1)}
    assert found >= {"1980-02-30", "9000-0002B"}
    argv = ["--show-phi", "remit", f"{work}/remit.835"]
    assert {f.split(": ")[1] for f in leaks(work, capsys, argv)} >= {"DOE", "JANE", "ROE"}
