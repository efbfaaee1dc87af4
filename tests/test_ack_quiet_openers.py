"""The 277CA's quiet openers (edi837.ack.reader.QUIET): the patient HL and NM1 the stream does not
hand out after a gathered claim change no answer, no warning and no counter of the reader, over
the fixtures, the corpus's 277CAs and mutants of a 277CA with levels, claims and lines."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from edi837.ack import AckReader, reader
from edi837.errors import X12ParseError
from edi837.issues import IssueList
from edi837.x12.tokenizer import SegmentReader
from edi837.x12.transactions import Placed, TransactionStream

from .conftest import FIXTURES, corpus_files

CLAIMS = FIXTURES / "ack" / "claims.277"
FILES = [
    *sorted((FIXTURES / "ack").glob("*.277")),
    FIXTURES / "demo" / "claims.277",
    *(p for p in corpus_files("ack") if b"*277*" in p.read_bytes()[:2000]),
]
# segments a mutant may gain: openers and level segments out of place, a junk line
EXTRA = [
    "HL*90*3*PT",
    "HL*91*2*19*1",
    "HL*92*1*21*1",
    "NM1*QC*1*X*Y****MI*1",
    "NM1*85*2*P*****XX*1",
    "TRN*2*Z1",
    "TRN*1*0",
    "STC*A1:19:PR**WQ",
    "STC*A7:562:82*20260204*U*10",
    "QTY*QA*1",
    "AMT*YU*10",
    "REF*1K*X",
    "SVC*HC:99999*5",
    "ZZ*1",
]


def _mutants(count: int) -> list[bytes]:
    text = CLAIMS.read_text(encoding="ascii")
    segments = text.split("~")
    head, body, tail = segments[:4], segments[4:-4], segments[-4:]
    rng = random.Random(277)
    out = []
    for _ in range(count):
        mutant = list(body)
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(len(mutant))
            how = rng.choice("ddup iii")
            if how == "d":
                del mutant[at]
            elif how == "u":
                mutant.insert(at, mutant[at])
            elif how == "p":
                other = rng.randrange(len(mutant))
                mutant[at], mutant[other] = mutant[other], mutant[at]
            else:
                mutant.insert(at, "\n" + rng.choice(EXTRA))
        out.append("~".join(head + mutant + tail).encode("ascii"))
    return out


def _read(source: Path | bytes) -> tuple[object, ...]:
    ack = AckReader(source, name="answer.277")
    try:
        answers = list(ack)
    except X12ParseError as exc:
        return ("raised", str(exc))
    return answers, ack.issues, ack.transactions, ack.interchanges, ack.test


def _level_then_patient() -> bytes:
    """After a claim, a provider level (2200C) followed by a patient HL and NM1, then a
    provider-level TRN without its HL: the patient's segments end that level (no claim came
    between), so they must be handed out, or its answer is lost to the second level's."""
    text = CLAIMS.read_text(encoding="ascii")
    level = "HL*9*3*19*1~\nNM1*85*2*B*****XX*1~\nTRN*1*0~\nSTC*A1:19:PR**WQ~\n"
    again = "TRN*1*0~\nSTC*A7:562:85**U~\n"
    patient = "HL*5*3*PT~\nNM1*QC*1*ROE*JOHN****MI*90000002B~\n"
    assert patient in text
    return text.replace(patient, level + patient + again, 1).encode()


SOURCES: list[Path | bytes] = [*FILES, _level_then_patient(), *_mutants(160)]


@pytest.mark.parametrize("source", SOURCES, ids=lambda s: s.name if isinstance(s, Path) else "")
def test_quiet_openers_change_nothing_the_reader_gives(
    source: Path | bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    quiet = _read(source)
    monkeypatch.setattr(reader, "QUIET", {})
    assert quiet == _read(source)


def _placed(quiet: dict[object, tuple[str, ...]]) -> list[tuple[int, str]]:
    stream = TransactionStream(
        SegmentReader(CLAIMS), IssueList(), kinds=reader.KINDS, gather=reader.GATHER, quiet=quiet
    )
    return [(i.position, i.loop_id) for i in stream if isinstance(i, Placed)]


def test_the_patient_openers_after_a_claim_are_not_handed_out() -> None:
    every, quiet = _placed({}), _placed(reader.QUIET)  # type: ignore[arg-type]
    left_out = [loop for item in every if item not in quiet for loop in item[1:]]
    # the first patient HL follows the provider level (2200C), not a claim: it comes out
    assert ("2000D" in {loop for _, loop in quiet}) and left_out
    assert set(left_out) == {"2000D", "2100D"}
    assert len(every) - len(quiet) == len(left_out)
