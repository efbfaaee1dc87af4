"""The transaction stream: one table picks the declaration, every segment comes placed, gathered
loops come whole, and what sits outside a transaction (TA1 included) comes too."""

from __future__ import annotations

from pathlib import Path

import pytest

from edi837.errors import X12ParseError
from edi837.issues import IssueList
from edi837.x12.loops import Placement
from edi837.x12.tokenizer import SegmentReader
from edi837.x12.transactions import (
    ACK_277CA,
    ACK_999,
    CLAIM_837P,
    KINDS,
    REMITTANCE_835,
    Gathered,
    Item,
    Placed,
    TransactionStream,
    kind_of,
)

from .conftest import FIXTURES, corpus_files

ISA = "ISA*00*          *00*          *ZZ*PAYER          *ZZ*PROVIDER       *250301*1200*^*00501*000000001*0*T*:~"
REMIT = (
    ISA
    + "GS*HP*PAYER*PROVIDER*20250301*1200*1*X*005010X221A1~ST*835*0001~"
    + "BPR*I*400*C*CHK************20250301~TRN*1*12345*1512345678~N1*PR*PAYER~"
    + "N1*PE*PROVIDER*XX*1234567893~CLP*PCN1*1*400*400**MC*CLAIM1~SVC*HC:G9008:U1*400*400**1~"
    + "REF*6R*L1~CAS*CO*45*0~CLP*PCN2*4*400*0**MC*CLAIM2~CAS*CO*197*400~SE*12*0001~"
    + "GE*1*1~IEA*1*000000001~"
)


def items(text: str, **options: object) -> list[Item]:
    return list(TransactionStream(SegmentReader(text.encode()), IssueList(), **options))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("set_id", "version", "kind"),
    [
        ("837", "005010X222A1", CLAIM_837P),
        ("837", "005010X222A2", CLAIM_837P),
        ("837", "005010X222", CLAIM_837P),
        ("837", "005010X223A2", CLAIM_837P),  # another 837 is read as an 837P (with a warning)
        ("835", "005010X221A1", REMITTANCE_835),
        ("835", "004010X091A1", REMITTANCE_835),
        ("999", "005010X231A1", ACK_999),
        ("999", "005010X231", ACK_999),
        ("277", "005010X214", ACK_277CA),
        ("277", "005010X212", None),  # a claim status response is not a 277CA
        ("270", "005010X279A1", None),
    ],
)
def test_one_table_picks_the_declaration(set_id: str, version: str, kind: object) -> None:
    assert kind_of(set_id, version) is kind


def test_every_kind_has_its_declaration() -> None:
    for kind in KINDS:
        assert kind.spec().id == kind.set_id


def test_every_segment_comes_placed_in_its_loop() -> None:
    placed = [(i.seg_id, i.loop_id, i.how) for i in items(REMIT) if isinstance(i, Placed)]
    assert placed[:2] == [("ISA", "", None), ("GS", "", None)]
    assert ("ST", "ST", Placement.OPENED) in placed
    assert ("N1", "1000A", Placement.OPENED) in placed
    assert ("CLP", "2100", Placement.IMPLIED) in placed  # no LX: loop 2000 is implied
    assert ("SVC", "2110", Placement.OPENED) in placed
    assert ("CAS", "2110", Placement.SAME) in placed
    assert ("SE", "ST", Placement.SAME) in placed
    assert placed[-2:] == [("GE", "", None), ("IEA", "", None)]


def test_a_gathered_loop_comes_whole_when_it_closes() -> None:
    stream = items(REMIT, gather=("2100",))
    claims = [i for i in stream if isinstance(i, Gathered)]
    assert [c.key for c in claims] == [("2100", "CLP"), ("2100", "CLP")]
    first, second = claims
    assert first.how is Placement.IMPLIED and second.how is Placement.OPENED
    assert first.opening is not None and first.opening[1][1] == "PCN1"
    (line,) = first.children
    assert line.path == "2000/2100/2110"
    assert [e[0] for _, e in line] == ["REF", "CAS"]
    assert [e[0] for _, e in second] == ["CAS"]
    # the claims come before what closes them (the next CLP, the SE), nothing inside them alone
    order = [i.seg_id if isinstance(i, Placed) else "claim" for i in stream]
    assert order[order.index("N1") + 2 :] == ["claim", "claim", "SE", "GE", "IEA"]


def test_a_set_the_stream_does_not_read_comes_without_loops() -> None:
    text = REMIT.replace("ST*835*0001~", "ST*835*0001*005010X221A1~")
    placed = [i for i in items(text, kinds=(CLAIM_837P,)) if isinstance(i, Placed)]
    assert all(i.loop is None for i in placed)
    assert [i.seg_id for i in placed if i.seg_id in ("ST", "SE")] == ["ST", "SE"]


def test_a_segment_the_declaration_does_not_know_is_placed_unknown() -> None:
    text = REMIT.replace("REF*6R*L1~", "ZZZ*1~")
    stream = items(text, gather=("2100",))
    unknown = [i for i in stream if isinstance(i, Placed) and i.how is Placement.UNKNOWN]
    assert [(i.seg_id, i.path) for i in unknown] == [("ZZZ", "2000/2100/2110")]
    first = next(i for i in stream if isinstance(i, Gathered))
    assert [e[0] for _, e in first.children[0]] == ["CAS"]  # not gathered


def test_a_ta1_outside_any_transaction_is_surfaced() -> None:
    text = ISA + "TA1*000000101*250301*1200*A*000~IEA*0*000000001~"
    placed = [(i.seg_id, i.key) for i in items(text) if isinstance(i, Placed)]
    assert placed == [("ISA", ("", "ISA")), ("TA1", ("", "TA1")), ("IEA", ("", "IEA"))]


def test_the_transaction_says_what_its_envelopes_say() -> None:
    stream = TransactionStream(SegmentReader(REMIT.encode()), IssueList())
    seen = []
    for item in stream:
        if isinstance(item, Placed) and item.seg_id == "ST":
            txn = stream.transaction
            assert txn is not None
            seen.append((txn.kind, txn.control_number, txn.version, txn.interchange_control_number))
    assert seen == [(REMITTANCE_835, "0001", "005010X221A1", "000000001")]


def test_a_truncated_file_raises_where_it_breaks_off() -> None:
    with pytest.raises(X12ParseError, match="truncated"):
        items(REMIT.split("SE*12")[0])


FILES = sorted((FIXTURES / "835").glob("*.835")) + corpus_files("835")


def _flatten(node: Gathered) -> list[tuple[int, str]]:
    own = ([node.opening] if node.opening else []) + list(node)
    out = [(position, node.path) for position, _ in own]
    for child in node.children:
        out += _flatten(child)
    return out


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_gathering_places_every_segment_where_the_plain_stream_does(path: Path) -> None:
    def run(gather: tuple[str, ...]) -> list[tuple[int, str]]:
        out: list[tuple[int, str]] = []
        try:
            for item in TransactionStream(SegmentReader(path), IssueList(), gather=gather):
                if isinstance(item, Gathered):
                    out += _flatten(item)
                elif item.loop is not None and item.seg_id not in ("ST", "SE"):
                    out.append((item.position, item.path))
        except X12ParseError:
            pass
        return sorted(out)

    assert run(("2100",)) == run(())
