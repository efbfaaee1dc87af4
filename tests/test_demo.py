"""`make demo`: its steps run as the Makefile writes them, and the payer's answers under
fixtures/demo/ are answers to exactly the batch the demo builds (control numbers, claim IDs,
line control numbers), readable by pyx12, telling a paid, a partly paid and a denied claim."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest

from edi837.cli import main

from .conftest import FIXTURES, REPO

DEMO = FIXTURES / "demo"


def segments(path: Path) -> list[list[str]]:
    text = path.read_text(encoding="ascii")
    return [s.strip().split("*") for s in text.split("~") if s.strip()]


def demo_steps() -> list[tuple[str, list[list[str]]]]:
    """(the step's explanation, the edi837 commands it runs) from the Makefile's demo recipe."""
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    recipe = makefile[makefile.index("\ndemo: $(STAMP)") :].split("\n\n", 1)[0]
    steps: list[tuple[str, list[list[str]]]] = []
    for line in recipe.replace("\\\n", " ").splitlines():
        said = re.search(r'echo "== (\d+)/(\d+) ([^"]+)"', line)
        if said:
            steps.append((said.group(3), []))
        elif steps:
            # a command as run, not as echoed before it runs
            for command in re.findall(r'(?<!echo ")\$\(BIN\)/edi837 ([^;]+?)(?:;|$)', line):
                if "--help" not in command:
                    steps[-1][1].append(shlex.split(command))
    return steps


def test_every_step_says_what_it_shows() -> None:
    steps = demo_steps()
    names = [text.split(":")[0] for text, _ in steps]
    assert names == ["check", "build", "validate", "ack", "remit", "reconcile", "claims", "report"]
    assert all(len(text) > 30 and commands for text, commands in steps)  # a sentence, a command


def run_demo(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """The demo's commands in order, into a ledger under tmp_path (as `make demo` does under
    build/demo/). EDI837_LEDGER must point at that ledger (as the Makefile's does), so check finds
    no history before the build."""
    demo = tmp_path / "demo"
    demo.mkdir()
    for text, commands in demo_steps():
        for command in commands:
            argv = [
                str(REPO / a) if a.startswith("fixtures/") else a.replace("$(DEMO)", str(demo))
                for a in command
            ]
            code = main(argv)
            out, err = capsys.readouterr()
            assert code == 0, f"{text}\n{argv}\n{out}\n{err}"
    return demo


def test_the_demo_runs_and_ends_with_paid_partly_paid_and_denied_claims(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EDI837_LEDGER", str(tmp_path / "demo" / "ledger.sqlite"))
    demo = run_demo(tmp_path, capsys)
    assert (
        main(
            [
                "claims",
                "--ledger",
                str(demo / "ledger.sqlite"),
                "--as-of",
                "2026-03-02",
                "--format",
                "json",
            ]
        )
        == 0
    )
    doc = json.loads(capsys.readouterr().out)
    states = {c["claim_id"]: c["state"] for c in doc["claims"]}
    assert states == {
        "N00000001": "paid",
        "N00000002": "rejected",  # the 277CA rejects it (member not found)
        "N00000003": "partially_paid",
        "N00000004": "denied",
    }
    assert doc["payments"]["received"] == "1466.00" and doc["payments"]["balanced"]
    reconciled = json.loads((demo / "reconciled.json").read_text(encoding="utf-8"))
    assert {c["claim_id"] for c in reconciled["claims"]} == {"N00000001", "N00000003", "N00000004"}


def test_the_answers_name_what_the_demo_build_writes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "claims.837"
    argv = ["build", str(FIXTURES / "records.csv"), "--profile", str(FIXTURES / "profile.toml")]
    argv += ["--tars", str(FIXTURES / "tars.csv"), "--ledger", str(tmp_path / "l.sqlite")]
    assert main([*argv, "--out", str(out), "--as-of", "2026-02-02"]) == 0
    capsys.readouterr()
    sent = segments(out)
    isa13 = sent[0][13]
    gs06 = next(s[6] for s in sent if s[0] == "GS")
    st02s = [s[2] for s in sent if s[0] == "ST"]
    bht03 = next(s[3] for s in sent if s[0] == "BHT")
    claims = [s[1] for s in sent if s[0] == "CLM"]
    lines = {s[2] for s in sent if s[0] == "REF" and s[1] == "6R"}
    charges = {s[1]: s[2] for s in sent if s[0] == "CLM"}

    ack = segments(DEMO / "claims.999")
    assert ["AK1", "HC", gs06, "005010X222A1"] in ack
    assert [s[2] for s in ack if s[0] == "AK2"] == st02s and ["IK5", "A"] in ack
    assert isa13 == "000000001"

    status = segments(DEMO / "claims.277")
    traces = [s[2] for s in status if s[0] == "TRN" and s[1] == "2"]
    assert traces == [bht03, *claims]  # 2200B echoes BHT03; each 2200D a CLM01
    verdicts = {
        claim: stc[1].split(":")[0]
        for claim, stc in zip(
            claims, [s for s in status if s[0] == "STC"][2:], strict=True
        )  # the first two STCs are the receiver's and the provider's
    }
    assert verdicts == {
        "N00000001": "A2",
        "N00000002": "A7",
        "N00000003": "A2",
        "N00000004": "A2",
    }

    remit = segments(DEMO / "remit.835")
    answered = {s[1]: (s[2], s[3], s[4]) for s in remit if s[0] == "CLP"}
    assert set(answered) == {"N00000001", "N00000003", "N00000004"}  # N00000002 never got in
    assert all(answered[c][1] == charges[c] for c in answered)  # CLP03 is our CLM02
    assert {s[2] for s in remit if s[0] == "REF" and s[1] == "6R"} <= lines
    paid = {c: v[2] for c, v in answered.items()}
    assert paid == {"N00000001": "570", "N00000003": "896", "N00000004": "0"}
    bpr = next(s for s in remit if s[0] == "BPR")
    assert bpr[2] == "1466"  # BPR02: the sum of CLP04


@pytest.mark.parametrize("name", ["claims.999", "claims.277", "remit.835"])
def test_pyx12_reads_each_answer_as_valid(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(DEMO / name)]) == 0, capsys.readouterr().out
