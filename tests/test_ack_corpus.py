"""Every acknowledgment in ../shared/corpus/ack is read or refused with a clear message, and what
the reader finds in each equals what this test counts in the segments itself."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest

from edi837.ack import AckReader
from edi837.cli import main
from edi837.errors import X12ParseError
from edi837.model.acks import BatchAck, ClaimAck, GroupAck, InterchangeAck

from .conftest import FIXTURES, corpus_files
from .helpers import build_file

ACKS = corpus_files("ack")
TRUNCATED = {"oopfactory-x12__FromBogeyone.txt"}  # no SE, GE, IEA (SOURCES.md)

# the categories that keep a claim out of adjudication, and those that let it in (docs/ack.md)
KEPT_OUT = {"A3", "A4", "A6", "A7", "A8", "D0"}
LET_IN = {"A0", "A1", "A2", "A5"}


def segments(path: Path) -> list[list[str]]:
    """The file's segments split on the delimiters its ISA declares: independent of edi837."""
    text = path.read_bytes().decode("utf-8-sig", errors="replace")
    start = text.index("ISA")
    element = text[start + 3]
    at = start
    for _ in range(16):  # the terminator follows ISA16, the one character after the 16th
        at = text.index(element, at + 1)
    component, terminator = text[at + 1], text[at + 2]
    split = [s.strip() for s in text[start:].split(terminator)]
    return [[e.strip() for e in s.split(element)] + [component] for s in split if s]


def claim_verdict(statuses: list[list[str]], component: str) -> str:
    categories, actions = [], []
    for stc in statuses:
        for composite in stc[1:2] + stc[10:12]:  # STC01, STC10, STC11
            if composite:
                categories.append(composite.split(component)[0])
        if len(stc) > 3:
            actions.append(stc[3])
    if any(c in KEPT_OUT or c.startswith("E") for c in categories):
        return "rejected"
    if any(c in LET_IN or c[:1] in ("P", "F", "R") for c in categories):
        return "accepted"
    if "U" in actions:
        return "rejected"
    return "accepted" if "WQ" in actions else "rejected"


def count_by_hand(path: Path) -> Counter[str]:
    """What the file holds, counted from its segments."""
    found: Counter[str] = Counter()
    level = ""
    statuses: dict[str, list[list[str]]] = {}  # the STCs of the claim or level being read
    in_line = False

    def close() -> None:
        for kind, stcs in statuses.items():
            if not stcs and kind != "claims":
                continue
            found[kind] += 1
            if claim_verdict(stcs, component) == "rejected":
                found[f"{kind}_rejected"] += 1
        statuses.clear()

    component = ":"
    for raw in segments(path):
        component = raw[-1]
        seg = raw[:-1]
        seg_id = seg[0]
        if seg_id in ("HL", "SE"):
            close()
            level = seg[3] if seg_id == "HL" and len(seg) > 3 else ""
            in_line = False
        if seg_id == "TA1":
            found["ta1"] += 1
            found["ta1_rejected"] += seg[4] not in ("A", "E")
        elif seg_id == "AK9":
            found["groups"] += 1
            found["groups_rejected"] += seg[1] not in ("A", "E", "P")
        elif seg_id == "AK2":
            found["sets"] += 1
        elif seg_id == "IK5" and found["sets"] > found["set_answers"]:
            found["set_answers"] += 1
            found["sets_rejected"] += seg[1] not in ("A", "E")
        elif seg_id == "TRN" and level == "PT" and seg[1] == "2":
            close()
            statuses["claims"] = []
        elif seg_id == "TRN" and level in ("21", "19"):
            statuses["levels"] = []
        elif seg_id == "SVC":
            in_line = True
        elif seg_id == "STC" and not in_line:
            for stcs in statuses.values():
                stcs.append(seg)
    close()
    found.pop("set_answers", None)
    return +found


def count_read(path: Path) -> Counter[str]:
    found: Counter[str] = Counter()
    for answer in AckReader(path):
        if isinstance(answer, InterchangeAck):
            kind = "ta1"
        elif isinstance(answer, GroupAck):
            kind = "groups"
            for answered in answer.sets:
                found["sets"] += 1
                found["sets_rejected"] += not answered.verdict.accepts
        elif isinstance(answer, BatchAck):
            kind = "levels"
        else:
            assert isinstance(answer, ClaimAck)
            kind = "claims"
        found[kind] += 1
        found[f"{kind}_rejected"] += not answer.verdict.accepts
    return +found


@pytest.mark.parametrize("path", ACKS, ids=[p.name for p in ACKS])
def test_each_corpus_answer_is_read_as_counted(path: Path) -> None:
    if path.name in TRUNCATED:
        with pytest.raises(X12ParseError, match="truncated"):
            list(AckReader(path))
        return
    by_hand = count_by_hand(path)
    assert by_hand, "the test found nothing to count"
    assert count_read(path) == by_hand


def test_the_corpus_is_present_or_the_test_skips() -> None:
    if not ACKS:
        pytest.skip("../shared/corpus/ack is not present")
    assert len(ACKS) >= 20


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("built")
    build_file(FIXTURES / "records.csv", folder / "claims.837", folder / "ledger.sqlite")
    return folder / "ledger.sqlite"


@pytest.mark.parametrize("path", ACKS, ids=[p.name for p in ACKS])
def test_edi837_ack_reads_or_refuses_each_corpus_file_in_words(
    path: Path, built: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ledger = tmp_path / "ledger.sqlite"
    shutil.copyfile(built, ledger)
    code = main(["ack", str(path), "--ledger", str(ledger), "--as-of", "2026-02-05"])
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "internal error" not in err
    if path.name in TRUNCATED:
        assert code == 2
        assert str(path) in err and "segment" in err and "truncated" in err
        assert "nothing was recorded" in err
    else:
        assert code == 0, err
        assert "nothing we sent" in out  # corpus answers name none of our batches
