from __future__ import annotations

from pathlib import Path

import attrs

from edi837.issues import IssueList
from edi837.x12 import declarations, spec
from edi837.x12.loops import LoopInstance, LoopWalker, Placement
from edi837.x12.tokenizer import SegmentReader
from edi837.x12.transactions import Placed, TransactionStream

from .conftest import SHARED

EXAMPLE = SHARED / "examples" / "ecm-minimal.837"

SAMPLE_835 = """ISA*00*          *00*          *ZZ*PAYER          *ZZ*PROVIDER       *250301*1200*^*00501*000000001*0*T*:~
GS*HP*PAYER*PROVIDER*20250301*1200*1*X*005010X221A1~
ST*835*0001~
BPR*I*400*C*CHK************20250301~
TRN*1*12345*1512345678~
N1*PR*PAYER~
N1*PE*PROVIDER*XX*1234567893~
CLP*PCN1*1*400*400**MC*CLAIM1~
SVC*HC:G9008:U1*400*400**1~
REF*6R*L1~
CLP*PCN2*4*400*0**MC*CLAIM2~
CAS*CO*197*400~
SE*12*0001~
GE*1*1~
IEA*1*000000001~
"""


def place_all(data: bytes) -> list[tuple[str, str, Placement]]:
    out = []
    for item in TransactionStream(SegmentReader(data), IssueList()):
        assert isinstance(item, Placed)
        elements = item.elements
        if item.loop is not None and item.how is not None and item.seg_id not in ("ST", "SE"):
            shown = elements[0] + ("*" + elements[1] if elements[0] in ("NM1", "HL", "N1") else "")
            out.append((shown, item.path, item.how))
    return out


def test_837_loops_of_the_example() -> None:
    if not EXAMPLE.exists():
        import pytest

        pytest.skip("../shared/examples is not present")
    placed = {seg: path for seg, path, _ in place_all(EXAMPLE.read_bytes())}
    assert placed["NM1*41"] == "1000A"
    assert placed["NM1*40"] == "1000B"
    assert placed["NM1*85"] == "2000A/2010AA"
    assert placed["NM1*IL"] == "2000A/2000B/2010BA"
    assert placed["NM1*PR"] == "2000A/2000B/2010BB"
    assert placed["CLM"] == "2000A/2000B/2300"
    assert placed["SV1"] == "2000A/2000B/2300/2400"
    assert placed["REF"] == "2000A/2000B/2300/2400"


def test_835_claim_without_lx_opens_the_missing_loop() -> None:
    placed = place_all(SAMPLE_835.encode())
    by_seg = [(seg, path, how) for seg, path, how in placed]
    assert ("N1*PR", "1000A", Placement.OPENED) in by_seg
    assert ("CLP", "2000/2100", Placement.IMPLIED) in by_seg
    assert ("SVC", "2000/2100/2110", Placement.OPENED) in by_seg
    # the second CLP is a sibling 2100 in the same (implied) 2000
    assert [how for seg, _, how in by_seg if seg == "CLP"] == [Placement.IMPLIED, Placement.OPENED]
    assert ("CAS", "2000/2100", Placement.SAME) in by_seg


def test_unknown_segment_stays_in_the_current_loop() -> None:
    text = SAMPLE_835.replace("REF*6R*L1~", "ZZZ*1~")
    placed = place_all(text.encode())
    assert ("ZZZ", "2000/2100/2110", Placement.UNKNOWN) in placed


def test_every_declared_loop_has_a_parent_and_a_trigger() -> None:
    for stem in ("837p", "835", "999", "277ca"):
        txn = declarations.transaction(stem)
        for loop in txn.loops:
            assert loop.parent is not None
            assert loop.trigger in spec.dictionary(), (
                f"{stem} {loop.path}: {loop.trigger} undeclared"
            )
            for seg in loop.segment_ids:
                assert seg in spec.dictionary(), f"{stem} {loop.path}: {seg} undeclared"


def test_example_path_is_repo_relative() -> None:
    assert isinstance(EXAMPLE, Path)


def _walked(walker: LoopWalker, segments: list[list[str]], *, remember: bool) -> list[object]:
    out: list[object] = []
    for position, elements in enumerate(segments, start=2):
        if not remember:  # every segment searched afresh: what the remembered answers must equal
            for jumps in walker._jumps.values():
                jumps.clear()
        instance, how = walker.place(elements, position)
        # the tables a remembered answer carries are those of the loop it left innermost
        innermost = id(walker.current.spec)
        assert walker._jump is walker._jumps[innermost]
        assert walker._qualifier is walker._qualified[innermost]
        assert walker.stays is walker._staying[innermost]
        chain = []
        node: LoopInstance | None = instance
        while node is not None:
            chain.append((node.spec.id, node.start, node.implied))
            node = node.parent
        out.append((how, chain, walker.current.spec.id, sorted(walker.stays)))
    return out


def test_remembered_openers_place_as_the_full_search_does() -> None:
    # Openers told apart by a qualifier (HL03, NM101, TRN01) are remembered by its value: over
    # a 277CA's and an 837P's segments, with repeats, unknown values and segments out of place,
    # every answer (loop chain, placement, innermost loop) must be the full search's.
    body = [
        "HL*1**20*1",
        "NM1*PR*2*P",
        "TRN*1*X",
        "DTP*050*D8*20260203",
        "HL*2*1*21*1",
        "NM1*41*2*R",
        "TRN*2*B",
        "STC*A1:19:PR",
        "HL*3*2*19*1",
        "NM1*85*2*B",
        "TRN*1*0",
        "STC*A1:19:PR",
    ]
    for n in range(6):
        body += [f"HL*{n + 4}*3*PT", "NM1*QC*1*M", "TRN*2*C", "STC*A2:20", "REF*1K*P"]
        if n % 2:
            body += ["SVC*HC:T1016*10", "STC*A7:453", "REF*FJ*L", "TRN*2*D", "STC*A2:20"]
        if n == 3:
            body += ["HL*9*3*XX", "NM1*ZZ*1", "TRN*9*E", "TRN", "HL*5*4*19*1", "NM1*85*2*B2"]
    for stem, segments in (("277ca", body), ("837p", _segments_837())):
        if not segments:
            continue
        transaction = declarations.transaction(stem)
        split = [segment.split("*") for segment in segments]
        remembered = _walked(LoopWalker(transaction, 1), split, remember=True)
        assert remembered == _walked(LoopWalker(transaction, 1), split, remember=False), stem


def _segments_837() -> list[str]:
    if not EXAMPLE.exists():
        return []
    segments = [s.strip() for s in EXAMPLE.read_text().split("~") if s.strip()]
    inner = [s for s in segments if s.split("*")[0] not in ("ISA", "GS", "ST", "SE", "GE", "IEA")]
    return inner * 2


def test_a_loop_instance_is_only_its_slots() -> None:
    """The transaction stream makes LoopInstances by storing their four slots, not through
    attrs' __init__: the same only while the class has nothing that __init__ or a store would
    run (a validator, converter, hook or __setattr__ of its own) and exactly these fields."""
    from edi837.model.positional import fast_path_refused

    assert fast_path_refused(LoopInstance) is None
    assert [field.name for field in attrs.fields(LoopInstance)] == [
        "spec",
        "parent",
        "start",
        "implied",
    ]
    assert attrs.fields(LoopInstance).implied.default is False
    assert LoopInstance.__setattr__ is object.__setattr__
