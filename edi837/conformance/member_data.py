"""Which X12 elements carry member data, so that a finding quoting one masks it.

Member data is what edi837 masks everywhere (edi837/phi.py): names, member IDs, birth dates,
addresses. In an X12 file it sits in the member loops (the 837P's subscriber, patient and other
subscriber names; the 277CA's patient), in the person NM1s of any loop (NM101 IL insured, QC
patient, 74 corrected insured: the 835 claim's), in DMG, in member REFs (SSN, medical record
number) and in free text (NTE, K3, MSG), which can say anything. The qualifiers that only say
what kind of value follows (NM101, NM108, REF01, DMG01, PER01...) are shown: they help find the
problem and tell nothing about the member.
"""

from __future__ import annotations

from edi837.x12.spec import picker

_NM101 = picker("NM1", "NM101")
_REF01 = picker("REF", "REF01")
MEMBER_LOOPS = frozenset({"2010BA", "2010CA", "2330A", "2100D"})
PERSON_ENTITIES = frozenset({"IL", "QC", "74"})  # NM101: insured, patient, corrected insured
MEMBER_REFS = frozenset({"SY", "EA", "1W", "IG", "6P", "F6", "0F"})  # REF01: SSN, MRN, member IDs
FREE_TEXT = frozenset({"NTE", "K3", "MSG"})
MEMBER_SEGMENTS = frozenset({"NM1", "N2", "N3", "N4", "REF", "PER", "DMG"})
QUALIFIERS = frozenset(
    {"NM101", "NM102", "NM108", "REF01", "DMG01", "PER01", "PER03", "PER05", "PER07", "N407"}
)


def holds_member_data(loop_id: str, elements: list[str], ref: str) -> bool:
    """Does element (or component) ``ref`` of this segment, in loop ``loop_id``, carry member
    data? ``elements`` is the segment as split (index 0 its ID)."""
    seg_id = elements[0] if elements else ""
    element = ref.partition("-")[0]
    if element in QUALIFIERS:
        return False
    if seg_id in FREE_TEXT or seg_id == "DMG":
        return True
    if loop_id in MEMBER_LOOPS and seg_id in MEMBER_SEGMENTS:
        return True
    if seg_id == "NM1" and _NM101(elements)[0] in PERSON_ENTITIES:
        return True
    return seg_id == "REF" and _REF01(elements)[0] in MEMBER_REFS
