"""SNIP 1, X12 syntax: the envelopes, the segments, and each element's type, length and
characters, whatever the implementation guide.

The envelope checks are those of the X12 standard: the ISA read as the fixed-width header it is,
control numbers that match their trailers and are unique in the file (and, given a ledger, not
sent before), counts that match. The element checks (type, length, characters, X12 syntax
notes) run in :mod:`edi837.conformance.elements`, with the TR3's own element checks (SNIP 2),
in one pass as pyx12 makes it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from edi837.conformance.rules import ERROR, WARN, Rule, level
from edi837.x12.datatypes import N0
from edi837.x12.spec import picker

SNIP1 = level(
    1,
    "X12 syntax",
    "The file as the X12 standard defines it, whatever the implementation guide: envelopes and "
    "their control numbers and counts, segment syntax, and each element's data type, length and "
    "characters. A 999 rejects a transaction set with any of these.",
)

# -- the interchange ---------------------------------------------------------------------------
# fmt: off
ISA_WIDTH = SNIP1.rule("SNIP1-ISA-WIDTH", ERROR, "the ISA is not the fixed-width 106-character header (each element padded to its width, the delimiters at their places); correct the sender's ISA template", ack="TA105:022")
ISA13_DUPLICATE = SNIP1.rule("SNIP1-ISA13-DUPLICATE", ERROR, "an ISA13 interchange control number used twice in one file; every interchange needs its own", ack="TA105:025", pyx12="ISA025")
ISA13_SENT = SNIP1.rule("SNIP1-ISA13-SENT", ERROR, "an ISA13 interchange control number the ledger already sent; the payer rejects a repeated control number: rebuild the batch to get a new one", ack="TA105:025")
IEA02 = SNIP1.rule("SNIP1-IEA02", ERROR, "IEA02 does not repeat the ISA13 of its interchange", ack="TA105:001", pyx12="ISA001")
IEA01 = SNIP1.rule("SNIP1-IEA01", ERROR, "IEA01 is not the number of functional groups (GS) in the interchange", ack="TA105:021", pyx12="ISA021")
IEA_MISSING = SNIP1.rule("SNIP1-IEA-MISSING", ERROR, "the interchange has no IEA: the file ends, or the next ISA begins, before it; the file may be truncated", ack="TA105:023", pyx12="ISA023")
IEA_EARLY = SNIP1.rule("SNIP1-IEA-EARLY", ERROR, "the IEA comes while a functional group is open (its GE is missing)", ack="TA105:024", pyx12="ISA024")

# -- the functional group ----------------------------------------------------------------------
GS06_DUPLICATE = SNIP1.rule("SNIP1-GS06-DUPLICATE", ERROR, "a GS06 group control number used twice in one interchange", ack="AK905:19", pyx12="GS6")
GE02 = SNIP1.rule("SNIP1-GE02", ERROR, "GE02 does not repeat the GS06 of its group", ack="AK905:4", pyx12="GS4")
GE01 = SNIP1.rule("SNIP1-GE01", ERROR, "GE01 is not the number of transaction sets (ST) in the group", ack="AK905:5", pyx12="GS5")
GE_MISSING = SNIP1.rule("SNIP1-GE-MISSING", ERROR, "the functional group has no GE (or a GE comes while a transaction set is open)", ack="AK905:3", pyx12="GS3")
GS_MISSING = SNIP1.rule("SNIP1-GS-MISSING", ERROR, "a transaction set outside any functional group (no GS before its ST); it is still validated", ack="TA105:024")

# -- the transaction set -----------------------------------------------------------------------
ST02_DUPLICATE = SNIP1.rule("SNIP1-ST02-DUPLICATE", ERROR, "an ST02 transaction set control number used twice in one functional group", ack="IK502:23", pyx12="ST23")
SE02 = SNIP1.rule("SNIP1-SE02", ERROR, "SE02 does not repeat the ST02 of its transaction set (or an SE comes with no ST open)", ack="IK502:3", pyx12="ST3")
SE01 = SNIP1.rule("SNIP1-SE01", ERROR, "SE01 is not the number of segments in the transaction set, ST and SE included", ack="IK502:4", pyx12="ST4")
SE_MISSING = SNIP1.rule("SNIP1-SE-MISSING", ERROR, "the transaction set has no SE: the file ends, or its group or interchange closes, before it", ack="IK502:2", pyx12="ST2")

# -- segments ----------------------------------------------------------------------------------
SEGMENT_ID = SNIP1.rule("SNIP1-SEG-ID", ERROR, "text between segment terminators whose ID is not 2 or 3 capital letters or digits", ack="IK304:1", pyx12="SEG1")
SEGMENT_UNKNOWN = SNIP1.rule("SNIP1-SEG-UNKNOWN", ERROR, "a segment ID no X12 transaction edi837 reads defines", ack="IK304:1", pyx12="SEG1")
SEGMENT_EMPTY = SNIP1.rule("SNIP1-SEG-EMPTY", ERROR, "a segment with no data: an ID and nothing else", ack="IK304:8", pyx12="SEG8")
SEGMENT_SPACE = SNIP1.rule("SNIP1-SEG-SPACE", ERROR, "a segment that starts with spaces or tabs (line breaks between segments are fine, other whitespace is not)", ack="IK304:1", pyx12="SEG1")
SEGMENT_TRAILING = SNIP1.rule("SNIP1-SEG-TRAILING", ERROR, "a segment that ends with an element separator: X12 drops trailing empty elements, separators included", ack="IK304:8", pyx12="SEGSEG1")
OUTSIDE = SNIP1.rule("SNIP1-OUTSIDE", ERROR, "a segment outside any interchange (after an IEA, before the next ISA)", ack="IK304:2", pyx12="SEG1")
TOO_MANY_ELEMENTS = SNIP1.rule("SNIP1-ELE-TOO-MANY", ERROR, "a segment with more elements than the segment has", ack="IK403:3", pyx12="SEG8")
TOO_MANY_COMPONENTS = SNIP1.rule("SNIP1-COMPONENT-TOO-MANY", ERROR, "a composite element with more components than it has", ack="IK403:13")

# -- elements ----------------------------------------------------------------------------------
TOO_SHORT = SNIP1.rule("SNIP1-ELE-SHORT", ERROR, "an element shorter than its minimum length", ack="IK403:4", pyx12="ELE4")
TOO_LONG = SNIP1.rule("SNIP1-ELE-LONG", ERROR, "an element longer than its maximum length", ack="IK403:5", pyx12="ELE5")
CHARACTER = SNIP1.rule("SNIP1-ELE-CHARACTER", ERROR, "an element with a character outside the X12 extended character set, a control character, unneeded trailing spaces, or a component separator where the element is not a composite", ack="IK403:6", pyx12="ELE6")
NUMBER = SNIP1.rule("SNIP1-ELE-NUMBER", ERROR, "a numeric element (R decimal, N0/N2 implied decimal) that is not a number: digits, an optional leading minus, and for R an optional decimal point", ack="IK403:6", pyx12="ELE6")
DATE = SNIP1.rule("SNIP1-ELE-DATE", ERROR, "a date element that is not a real date in its format (CCYYMMDD, YYMMDD, or a CCYYMMDD-CCYYMMDD range where DTP02 says RD8)", ack="IK403:8", pyx12="ELE8")
TIME = SNIP1.rule("SNIP1-ELE-TIME", ERROR, "a time element that is not a real time (HHMM, HHMMSS, HHMMSSD, HHMMSSDD)", ack="IK403:9", pyx12="ELE9")
PAIRED = SNIP1.rule("SNIP1-SYNTAX-PAIRED", ERROR, "an X12 paired syntax note (Pnnnn) broken: of the elements it names, some are present and some not", ack="IK403:2", pyx12="SEG8")
REQUIRED_ONE = SNIP1.rule("SNIP1-SYNTAX-REQUIRED", ERROR, "an X12 required syntax note (Rnnnn) broken: none of the elements it names is present", ack="IK403:2", pyx12="SEG8")
CONDITIONAL = SNIP1.rule("SNIP1-SYNTAX-CONDITIONAL", ERROR, "an X12 conditional syntax note (Cnnnn) broken: the first element it names is present, the others are not all present", ack="IK403:2", pyx12="SEG8")
LIST_CONDITIONAL = SNIP1.rule("SNIP1-SYNTAX-LIST", ERROR, "an X12 list conditional syntax note (Lnnnn) broken: the first element it names is present and none of the others", ack="IK403:2", pyx12="SEG8")
EXCLUSION = SNIP1.rule("SNIP1-SYNTAX-EXCLUSION", ERROR, "an X12 exclusion syntax note (Ennnn) broken: more than one of the elements it names is present", ack="IK403:10", pyx12="SEG8")
NOT_X12 = SNIP1.rule("SNIP1-NOT-X12", ERROR, "the file is not an X12 interchange (a PDF, a workbook, a CSV...): it does not start with an ISA, and nothing in it was checked", ack="TA105:024")
NOT_X12_WARN = SNIP1.rule("SNIP1-ENCODING", WARN, "the file is not plain ASCII text (a byte-order mark, UTF-16, or bytes that are not text): most payers' front ends reject it; send ASCII", ack="TA105:024")
# fmt: on

SYNTAX_RULES = {
    "P": PAIRED,
    "R": REQUIRED_ONE,
    "C": CONDITIONAL,
    "L": LIST_CONDITIONAL,
    "E": EXCLUSION,
}

# The TA1 note code (TA105) of a problem with each ISA element, as X12 numbers them.
ISA_NOTES = {
    1: "010", 2: "011", 3: "012", 4: "013", 5: "005", 6: "006", 7: "007", 8: "008",
    9: "014", 10: "015", 11: "016", 12: "017", 13: "018", 14: "019", 15: "020", 16: "027",
}  # fmt: skip


class Report(Protocol):
    def __call__(
        self, rule: Rule, message: str, segment_id: str, position: int | None = None
    ) -> None: ...


_ISA13 = picker("ISA", "ISA13")
_GS06 = picker("GS", "GS06")
_ST02 = picker("ST", "ST02")
_TRAILERS = {seg_id: picker(seg_id, f"{seg_id}01", f"{seg_id}02") for seg_id in ("SE", "GE", "IEA")}


def _number(text: str) -> int | None:
    """A count as pyx12 reads it (surrounding spaces allowed), None when it is not one."""
    try:
        return N0.whole(text.strip())
    except ValueError:
        return None


class Envelopes:
    """The control structure of a file as X12 defines it: envelopes open and close in order,
    trailers repeat their headers' control numbers and count what they close, control numbers
    are unique (in the file; ISA13 also against what the ledger sent). pyx12's reader checks the
    same things in the same way (x12file.X12Reader), so the findings compare one to one.

    ``sent`` tells whether an ISA13 went out in an earlier batch (None: no ledger to ask).
    """

    def __init__(self, report: Report, sent: Callable[[int], bool] | None = None) -> None:
        self.report = report
        self.sent = sent
        self.open: list[tuple[str, str, int]] = []  # (ISA/GS/ST, control number, position)
        self.interchanges: set[str] = set()
        self.groups: set[str] = set()
        self.sets: set[str] = set()
        self.group_count = 0  # GS in the interchange
        self.set_count = 0  # ST in the group
        self.segments = 0  # in the transaction set, ST counted, SE not yet

    def isa(self, elements: list[str], position: int) -> None:
        (control,) = _ISA13(elements)
        if control in self.interchanges:
            self.report(
                ISA13_DUPLICATE,
                f"ISA13 {control} is used by an earlier interchange in this file",
                "ISA",
            )
        elif (
            self.sent is not None and (number := _number(control)) is not None and self.sent(number)
        ):
            self.report(
                ISA13_SENT,
                f"ISA13 {control} was already sent (the ledger has a batch with it)",
                "ISA",
            )
        self.interchanges.add(control)
        self.open.append(("ISA", control, position))
        self.group_count = 0
        self.groups = set()

    def gs(self, elements: list[str], position: int) -> None:
        (control,) = _GS06(elements)
        if control in self.groups:
            self.report(
                GS06_DUPLICATE,
                f"GS06 {control} is used by an earlier group in this interchange",
                "GS",
            )
        self.group_count += 1
        self.groups.add(control)
        self.open.append(("GS", control, position))
        self.set_count = 0
        self.sets = set()

    def st(self, elements: list[str], position: int) -> None:
        (control,) = _ST02(elements)
        if control in self.sets:
            self.report(
                ST02_DUPLICATE,
                f"ST02 {control} is used by an earlier transaction set in this group",
                "ST",
            )
        self.set_count += 1
        self.sets.add(control)
        self.open.append(("ST", control, position))
        self.segments = 1

    def counted(self) -> None:
        """A segment inside a transaction set (neither an envelope header nor a trailer)."""
        self.segments += 1

    def se(self, elements: list[str]) -> None:
        declared, control = _TRAILERS["SE"](elements)
        opened = self.open[-1] if self.open else None
        if opened is None or opened[0] != "ST" or opened[1] != control:
            header = f"ST02 {opened[1]}" if opened and opened[0] == "ST" else "no open ST"
            self.report(SE02, f"SE02 {control or '(empty)'} does not match {header}", "SE")
        if _number(declared) != self.segments + 1:
            self.report(
                SE01,
                f"SE01 says {declared or 'nothing'}; the transaction set has {self.segments + 1} "
                "segments (ST and SE included)",
                "SE",
            )
        if self.open:
            self.open.pop()

    def ge(self, elements: list[str]) -> None:
        if self.open and self.open[-1][0] != "GS":
            _kind, control, where = self.open.pop()
            self.report(
                GE_MISSING,
                f"the GE comes while transaction set {control} (ST at segment {where}) is open",
                "GE",
            )
        declared, control = _TRAILERS["GE"](elements)
        opened = self.open[-1][1] if self.open else ""
        if opened != control:
            self.report(GE02, f"GE02 {control or '(empty)'} does not match GS06 {opened}", "GE")
        if _number(declared) != self.set_count:
            self.report(
                GE01,
                f"GE01 says {declared or 'nothing'}; the group has {self.set_count} transaction sets",
                "GE",
            )
        if self.open:
            self.open.pop()

    def iea(self, elements: list[str]) -> None:
        if self.open and self.open[-1][0] != "ISA":
            _kind, control, where = self.open.pop()
            self.report(
                IEA_EARLY,
                f"the IEA comes while group {control} (GS at segment {where}) is open",
                "IEA",
            )
        declared, control = _TRAILERS["IEA"](elements)
        opened = self.open[-1][1] if self.open else ""
        if opened != control:
            self.report(IEA02, f"IEA02 {control or '(empty)'} does not match ISA13 {opened}", "IEA")
        if _number(declared) != self.group_count:
            self.report(
                IEA01,
                f"IEA01 says {declared or 'nothing'}; the interchange has {self.group_count} "
                "functional groups",
                "IEA",
            )
        if self.open:
            self.open.pop()

    def end(self) -> None:
        """The end of the file: whatever is still open has no trailer."""
        for kind, control, where in self.open:
            if kind == "ST":
                self.report(
                    SE_MISSING,
                    f"transaction set {control} (ST at segment {where}) has no SE",
                    "ST",
                    where,
                )
            elif kind == "GS":
                self.report(
                    GE_MISSING, f"group {control} (GS at segment {where}) has no GE", "GS", where
                )
            else:
                self.report(
                    IEA_MISSING,
                    f"interchange {control} (ISA at segment {where}) has no IEA",
                    "ISA",
                    where,
                )
        self.open.clear()
