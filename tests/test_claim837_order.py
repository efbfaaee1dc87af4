"""The 837P encoder writes what the declaration (segments/837p.toml) says, in its order.

What the encoder writes is fed through the transaction stream: every segment must open its loop
or stay in the one it is in (never implied, never unknown); within a loop instance the segments
come in the TR3's order and child loops after the loop's own segments, in their declared order;
no segment or element the TR3 marks "not used" is written, no segment more often than its
maximum use, and every element with a closed code list holds one of its codes. The encoder's
hand-written order (``# 1000A submitter ...``) is checked here rather than trusted.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import attrs
import pytest

from edi837.claim837.encoder import Encoder
from edi837.claim837.reader import read_claim_file
from edi837.issues import IssueList
from edi837.model.claims import ClaimBatch, RenderingProvider
from edi837.model.common import Contact, Frequency
from edi837.x12.declarations import LoopSpec, SegmentUse
from edi837.x12.loops import LoopInstance, Placement
from edi837.x12.spec import picker
from edi837.x12.tokenizer import SegmentReader
from edi837.x12.transactions import Placed, TransactionStream

from .conftest import FIXTURES

GOLDEN = sorted((FIXTURES / "golden").glob("*.837"))


def _every_option(batch: ClaimBatch) -> ClaimBatch:
    """The batch with every optional segment the encoder can write: a replacement claim
    (REF*F8), rendering providers on the claim and a line, a line TAR and an end date, an email."""
    first, *rest = batch.claims
    line, *lines = first.lines
    provider = RenderingProvider("1234567893", "RIVERA", "ANA")
    line = attrs.evolve(
        line, rendering=provider, tar_number="TAR9", end_date=date(2026, 1, 20), control_number="L1"
    )
    first = attrs.evolve(
        first,
        lines=(line, *lines),
        rendering=provider,
        frequency=Frequency.REPLACEMENT,
        payer_claim_number="PHC0000000001",
        tar_number="TAR1",
    )
    submitter = attrs.evolve(
        batch.submitter, contact=Contact("BILLING DESK", "7075550100", "BILLING@EXAMPLE.ORG")
    )
    return attrs.evolve(batch, claims=(first, *rest), submitter=submitter)


def _written(path: Path) -> list[bytes]:
    batch = read_claim_file(path).batches[0]
    return [
        path.read_bytes(),
        "".join(Encoder(_every_option(batch)).segments()).encode(),
    ]


class _Instance:
    """What the check remembers of an open loop instance."""

    def __init__(self) -> None:
        self.last = -1  # index of the last own segment use seen
        self.child = -1  # index of the last child loop opened
        self.counts: dict[int, int] = {}


def _problems(data: bytes) -> list[str]:
    problems: list[str] = []
    seen: dict[LoopInstance, _Instance] = {}
    stream = TransactionStream(SegmentReader(data), IssueList())
    for item in stream:
        assert isinstance(item, Placed)
        if item.loop is None or item.seg_id in ("ST", "SE"):
            continue
        where = f"segment {item.position} ({item.seg_id}, loop {item.path})"
        if item.how not in (Placement.OPENED, Placement.SAME):
            problems.append(f"{where} is {item.how}")
            continue
        instance, spec = item.loop, item.loop.spec
        if item.how is Placement.OPENED:
            parent = instance.parent
            assert parent is not None
            state = seen.setdefault(parent, _Instance())
            index = parent.spec.children.index(spec)
            if index < state.child:
                problems.append(f"{where}: loop {spec.id} opened after a later sibling loop")
            state.child = index
        state = seen.setdefault(instance, _Instance())
        if item.how is Placement.SAME and state.child >= 0:
            problems.append(f"{where}: a segment of the loop after its child loops")
        use = spec.use_of(item.elements)
        assert use is not None, where
        index = spec.segments.index(use)
        if index < state.last:
            problems.append(f"{where}: out of the TR3 order of loop {spec.id}")
        state.last = index
        state.counts[index] = state.counts.get(index, 0) + 1
        if use.max_use is not None and state.counts[index] > use.max_use:
            problems.append(f"{where}: more than {use.max_use} of {use.name}")
        problems += _element_problems(where, use, item.elements, spec)
    return problems


def _element_problems(
    where: str, use: SegmentUse, elements: list[str], loop: LoopSpec
) -> list[str]:
    if use.usage == "N":
        return [f"{where}: {use.name} is not used in loop {loop.id}"]
    problems = []
    for element in use.elements:
        composite, dash, _ = element.ref.partition("-")
        (value,) = picker(use.id, composite)(elements)
        if dash:
            (value,) = picker(composite, element.ref)(value.split(":"))
        if not value:
            continue
        if element.usage == "N":
            problems.append(f"{where}: {element.ref} is not used here")
        elif element.codes and value not in element.codes:
            problems.append(f"{where}: {element.ref} {value!r} is not one of its codes")
    return problems


@pytest.mark.parametrize("path", GOLDEN, ids=[p.name for p in GOLDEN])
def test_the_encoder_writes_in_the_declared_order(path: Path) -> None:
    for data in _written(path):
        assert _problems(data) == []


def test_the_check_sees_a_segment_out_of_order() -> None:
    data = GOLDEN[0].read_bytes().decode()
    lines = data.splitlines(keepends=True)
    dmg = next(i for i, line in enumerate(lines) if line.startswith("DMG"))
    lines[dmg - 1], lines[dmg] = lines[dmg], lines[dmg - 1]  # DMG before the N4
    problems = _problems("".join(lines).encode())
    assert any("out of the TR3 order of loop 2010BA" in p for p in problems)
