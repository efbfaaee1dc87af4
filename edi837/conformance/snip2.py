"""SNIP 2, the implementation guide (TR3): which segments and loops go where, how often, and
what each element may hold in that place.

The loop walk (:mod:`edi837.conformance.walker`) finds the placement findings; the element pass
(:mod:`edi837.conformance.elements`) the usage and code findings; this module adds the TR3's
numbering rules (HL01 and LX01 count up, HL02 names an open parent) and the guide checks of the
transaction set header: that its ST01 and version are a transaction edi837 validates, and that
ST03 and GS08 agree.
"""

from __future__ import annotations

from collections.abc import Callable

from edi837.conformance.rules import ERROR, WARN, Rule, level
from edi837.x12.datatypes import N0
from edi837.x12.spec import picker

SNIP2 = level(
    2,
    "implementation guide",
    "The HIPAA implementation guide (TR3) of the transaction: segment and loop placement, "
    "required and not-used segments and elements, repeat counts, the codes an element may hold "
    "in its place, HL and LX numbering. A 999 rejects a transaction set with any of these.",
)

# fmt: off
UNEXPECTED = SNIP2.rule("SNIP2-SEG-UNEXPECTED", ERROR, "a segment the TR3 does not allow where it is (out of order, in the wrong loop, or a qualifier the TR3 does not list for it)", ack="IK304:2", pyx12="SEG1")
SEG_NOT_USED = SNIP2.rule("SNIP2-SEG-NOT-USED", ERROR, "a segment the TR3 marks Not Used where it is", ack="IK304:I4", pyx12="SEG2")
LOOP_NOT_USED = SNIP2.rule("SNIP2-LOOP-NOT-USED", ERROR, "a loop the TR3 marks Not Used", ack="IK304:I4", pyx12="SEG2")
SEG_REQUIRED = SNIP2.rule("SNIP2-SEG-REQUIRED", ERROR, "a segment the TR3 requires in its loop is missing", ack="IK304:3", pyx12="SEG3")
LOOP_REQUIRED = SNIP2.rule("SNIP2-LOOP-REQUIRED", ERROR, "a loop the TR3 requires is missing", ack="IK304:3", pyx12="SEG3")
LOOP_REPEAT = SNIP2.rule("SNIP2-LOOP-REPEAT", ERROR, "a loop repeats more often than the TR3 allows (in its parent)", ack="IK304:4", pyx12="SEG4")
SEG_REPEAT = SNIP2.rule("SNIP2-SEG-REPEAT", ERROR, "a segment repeats more often than the TR3 allows in its loop", ack="IK304:5", pyx12="SEG5")
ELE_REQUIRED = SNIP2.rule("SNIP2-ELE-REQUIRED", ERROR, "an element (or component) the TR3 requires here is empty", ack="IK403:1", pyx12="ELE1")
COMPOSITE_REQUIRED = SNIP2.rule("SNIP2-COMPOSITE-REQUIRED", ERROR, "a composite element the TR3 requires here is empty", ack="IK403:1", pyx12="SEG8")
ELE_NOT_USED = SNIP2.rule("SNIP2-ELE-NOT-USED", ERROR, "an element the TR3 marks Not Used here carries a value", ack="IK403:I10", pyx12="ELE10")
COMPOSITE_NOT_USED = SNIP2.rule("SNIP2-COMPOSITE-NOT-USED", ERROR, "a composite the TR3 marks Not Used here carries a value", ack="IK403:I10", pyx12="SEG8")
CODE = SNIP2.rule("SNIP2-ELE-CODE", ERROR, "a code the TR3 does not allow in this element here (its code list, or the external list it names: states, countries...)", ack="IK403:7", pyx12="ELE7")
PATTERN = SNIP2.rule("SNIP2-ELE-PATTERN", ERROR, "a value that does not have the form the TR3 requires here (a subscriber SSN in REF02 is 9 digits)", ack="IK403:I12", pyx12="ELE7")
HL_NUMBER = SNIP2.rule("SNIP2-HL-NUMBER", ERROR, "HL01 does not count the transaction set's HL segments from 1", ack="IK403:I12", pyx12="SEGHL1")
HL_PARENT = SNIP2.rule("SNIP2-HL-PARENT", ERROR, "HL02 names no HL that can be this one's parent (an HL still open above it)", ack="IK403:I12", pyx12="SEGHL2")
LX_NUMBER = SNIP2.rule("SNIP2-LX-NUMBER", ERROR, "LX01 does not count the claim's service lines from 1", ack="IK403:I12", pyx12="SEGLX")
GUIDE = SNIP2.rule("SNIP2-GUIDE", ERROR, "a transaction set of an implementation guide edi837 does not validate (an 837I or 837D, a 277 that is not a 277CA...): its contents were not checked", ack="IK502:I6")
VERSION = SNIP2.rule("SNIP2-VERSION", ERROR, "ST03 and GS08 name different implementation guides, or GS01 is not the functional group of the transaction set; both must name the guide the set follows", ack="IK502:I6")
VERSION_OTHER = SNIP2.rule("SNIP2-VERSION-OTHER", WARN, "the set names an edition of its guide other than the one edi837's declarations come from (X222A2 or bare X222 for an 837P, X231 for a 999): it is checked against that one", ack="IK502:I6")
# fmt: on


class Numbering:
    """HL01 counts the set's HL segments from 1 and HL02 names an HL still open above (the
    hierarchy is a stack: a new HL closes those deeper than its parent); in an 837, LX01 counts
    each claim's lines from 1. As pyx12's reader checks them (x12file.X12Base), but for one
    thing: a wrong HL02 leaves the open HLs open (see :meth:`hl`)."""

    def __init__(self, report: Callable[[Rule, str, str], None]) -> None:
        self.report = report  # (rule, message, element)
        self.stack: list[int] = []
        self.hl_count = 0
        self.lx_count = 0

    def start(self) -> None:
        self.stack = []
        self.hl_count = 0

    def hl(self, elements: list[str]) -> None:
        self.hl_count += 1
        number, parent_text = _HL(elements)
        if _number(number) != self.hl_count:
            self.report(
                HL_NUMBER,
                f"HL01 is {number or '(empty)'}; this is HL {self.hl_count} of the transaction set",
                "HL01",
            )
        if parent_text != "":
            parent = _number(parent_text)
            if parent not in self.stack:
                # Reported, and the open HLs left as they were: pyx12 closes them all here, so
                # that every later HL02 naming one of them is reported too (a cascade).
                self.report(
                    HL_PARENT,
                    f"HL02 {parent_text} is not an HL this one can sit under (open above it: "
                    f"{', '.join(str(n) for n in self.stack) or 'none'})",
                    "HL02",
                )
            else:
                while self.stack and parent != self.stack[-1]:
                    self.stack.pop()
        self.stack.append(self.hl_count)

    def claim(self, elements: list[str]) -> None:
        self.lx_count = 0

    def lx(self, elements: list[str]) -> None:
        self.lx_count += 1
        (number,) = _LX(elements)
        if number != str(self.lx_count):
            self.report(
                LX_NUMBER,
                f"LX01 is {number or '(empty)'}; this is line {self.lx_count} of the claim",
                "LX01",
            )


_HL = picker("HL", "HL01", "HL02")
_LX = picker("LX", "LX01")


def _number(text: str) -> int | None:
    """HL01 and HL02 as pyx12 reads them (surrounding spaces allowed)."""
    try:
        return N0.whole(text.strip())
    except ValueError:
        return None
