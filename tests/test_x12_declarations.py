"""The declarations in segments/*.toml: every loop's segments in TR3 order with usage, maximum
use, syntax notes and element codes, consistent with the segment dictionary."""

from __future__ import annotations

import pytest

from edi837.x12 import declarations, spec
from edi837.x12.declarations import SyntaxNote

STEMS = ("837p", "835", "999", "277ca")


@pytest.mark.parametrize("stem", STEMS)
def test_every_use_names_segments_and_elements_the_dictionary_has(stem: str) -> None:
    txn = declarations.transaction(stem)
    for loop in (txn.root, *txn.loops):
        assert loop.segments, f"{stem} {loop.path or 'ST'} declares no segment"
        assert loop.segments[0].id == loop.trigger
        for use in loop.segments:
            assert use.usage in ("R", "S", "N")
            assert use.max_use is None or use.max_use >= 1
            for element in use.elements:
                composite, dash, _ = element.ref.partition("-")
                spec.picker(use.id, composite)  # raises when the dictionary lacks it
                if dash:
                    spec.picker(composite, element.ref)
            for note in use.syntax:
                for ref in note.refs:
                    spec.segment(use.id).position(ref)


def test_the_837p_declares_segment_order_usage_and_codes() -> None:
    claim = declarations.transaction("837p").loop("2000A/2000B/2300")
    ids = [use.id for use in claim.segments]
    assert ids[0] == "CLM" and ids.index("REF") < ids.index("HI")
    billing = declarations.transaction("837p").loop("2000A/2010AA")
    nm1 = billing.segments[0]
    assert (nm1.usage, nm1.max_use) == ("R", 1)
    assert nm1.element("NM101") is not None and nm1.element("NM101").codes == {"85"}  # type: ignore[union-attr]
    assert nm1.element("NM108").codes == {"XX"}  # type: ignore[union-attr]
    assert [note.text for note in nm1.syntax] == ["P0809", "C1110", "C1203"]
    assert nm1.syntax[0].refs == ("NM108", "NM109")


def test_the_use_of_a_segment_is_told_by_its_qualifier() -> None:
    claim = declarations.transaction("837p").loop("2000A/2000B/2300")
    f8 = claim.use_of(["REF", "F8", "PHC123"])
    g1 = claim.use_of(["REF", "G1", "TAR1"])
    assert f8 is not None and g1 is not None and f8 is not g1
    assert "Original" in f8.name or "Payer Claim" in f8.name
    assert "Prior Authorization" in g1.name
    assert claim.use_of(["ZZZ"]) is None


@pytest.mark.parametrize(
    ("kind", "present", "holds"),
    [
        ("P", {"NM108", "NM109", "NM110"}, True),
        ("P", {"NM108", "NM109"}, False),
        ("P", set(), True),
        ("R", set(), False),
        ("R", {"NM109"}, True),
        ("C", {"NM108"}, False),
        ("C", {"NM109"}, True),
        ("L", {"NM108", "NM110"}, True),
        ("L", {"NM108"}, False),
        ("E", {"NM108", "NM109"}, False),
        ("E", {"NM110"}, True),
    ],
)
def test_syntax_notes_read_as_the_standard_writes_them(
    kind: str, present: set[str], holds: bool
) -> None:
    note = SyntaxNote(f"{kind}080910", kind, ("NM108", "NM109", "NM110"))
    assert note.holds(present) is holds


def test_the_interchange_declares_ta1_with_its_codes() -> None:
    uses = {use.id: use for use in declarations.interchange()}
    assert list(uses) == ["ISA", "GS", "GE", "TA1", "IEA"]
    ta1 = uses["TA1"]
    assert ta1.element("TA104").codes == {"A", "E", "R"}  # type: ignore[union-attr]
    assert "000" in ta1.element("TA105").codes  # type: ignore[union-attr]
    assert spec.segment("TA1").element("TA101").type == "N0"
