"""The shortcuts the readers rely on change nothing: the transaction stream (the loop walker's
``stays`` set and its remembered jumps) places every segment where the plain search does, and
the tokenizer's lean path yields the same segments, positions and warnings whatever the chunk
size."""

from __future__ import annotations

from pathlib import Path

import pytest

from edi837.errors import X12ParseError
from edi837.issues import Issue, IssueList
from edi837.x12.declarations import LoopSpec, TransactionSpec
from edi837.x12.loops import Placement
from edi837.x12.tokenizer import SegmentReader
from edi837.x12.transactions import Placed as Stream
from edi837.x12.transactions import TransactionStream

from .conftest import FIXTURES, corpus_files

FILES = sorted((FIXTURES / "835").glob("*.835")) + corpus_files("835") + corpus_files("837p")


class ReferenceWalker:
    """The placement rule stated plainly: innermost loop outward, a child it opens first, then
    its own segments; failing that, a deeper loop whose missing parents are implied."""

    def __init__(self, transaction: TransactionSpec) -> None:
        self.stack: list[LoopSpec] = [transaction.root]

    def place(self, elements: list[str]) -> tuple[str, Placement]:
        seg_id = elements[0]
        for depth in range(len(self.stack) - 1, -1, -1):
            loop = self.stack[depth]
            for child in loop.openers.get(seg_id, ()):
                if child.opens(elements):
                    self.stack[depth + 1 :] = [child]
                    return child.path, Placement.OPENED
            if seg_id in loop.segment_ids:
                del self.stack[depth + 1 :]
                return loop.path, Placement.SAME
        for depth in range(len(self.stack) - 1, -1, -1):
            chain = self._deeper(self.stack[depth], elements)
            if chain:
                self.stack[depth + 1 :] = chain
                return chain[-1].path, Placement.IMPLIED
        return self.stack[-1].path, Placement.UNKNOWN

    @staticmethod
    def _deeper(loop: LoopSpec, elements: list[str]) -> list[LoopSpec]:
        frontier = [[child] for child in loop.children]
        while frontier:
            deeper = []
            for chain in frontier:
                for grandchild in chain[-1].children:
                    if grandchild.trigger == elements[0] and grandchild.opens(elements):
                        return [*chain, grandchild]
                    deeper.append([*chain, grandchild])
            frontier = deeper
        return []


Placed = list[tuple[int, str, Placement]]


def placements(path: Path) -> tuple[Placed, Placed]:
    """(position, loop path, placement) of every segment inside ST..SE, by the walker and by the
    plain rule; up to where the file breaks off when it is truncated."""
    fast: Placed = []
    plain: Placed = []
    reference: ReferenceWalker | None = None
    stream = TransactionStream(SegmentReader(path), IssueList())
    try:
        for item in stream:
            assert isinstance(item, Stream)
            if item.loop is None or item.how is None:
                continue
            if item.seg_id == "ST":
                assert stream.transaction is not None and stream.transaction.kind is not None
                reference = ReferenceWalker(stream.transaction.kind.spec())
            elif item.seg_id != "SE":
                assert reference is not None
                fast.append((item.position, item.path, item.how))
                plain.append((item.position, *reference.place(item.elements)))
    except X12ParseError:
        pass  # a truncated file: what came before the break is still worth comparing
    return fast, plain


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_the_walker_places_every_segment_as_the_plain_rule_does(path: Path) -> None:
    fast, plain = placements(path)
    assert fast == plain


def read_all(path: Path, chunk_size: int) -> tuple[list[list[str]], list[Issue], list[int]]:
    reader = SegmentReader(path, chunk_size=chunk_size)
    segments, positions = [], []
    for elements in reader:
        segments.append(elements)
        positions.append(reader.count)
    return segments, reader.warnings, positions


# From 16 bytes up: an unmarked UTF-16 file is recognised by the NULs of its first six bytes, so
# absurdly small chunks (under 6 bytes) cannot detect it; the reader uses 1 MiB.
SIZES = (16, 97, 4096)


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_the_tokenizer_is_the_same_for_any_chunk_size(path: Path) -> None:
    try:
        whole = read_all(path, 1 << 20)
    except X12ParseError as exc:
        for size in SIZES:
            with pytest.raises(X12ParseError) as again:
                read_all(path, size)
            assert str(again.value) == str(exc)
        return
    for size in SIZES:
        assert read_all(path, size) == whole
