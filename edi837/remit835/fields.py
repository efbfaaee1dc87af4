"""Reading element values with located warnings: the base of the header and claim decoders.

A value that cannot be read is reported (rule, position, segment, loop path, claim) and treated
as missing; a required one that is empty is reported too. Nothing here raises for bad input.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from edi837 import catalogue
from edi837.issues import Code
from edi837.model.remittance import Contact, QualifiedValue, Reference
from edi837.x12.datatypes import DT, R
from edi837.x12.log import IssueLog, shown
from edi837.x12.spec import Picker, picker, segment_of

REF = picker("REF", "REF01", "REF02")
PER = picker("PER", *(f"PER{n:02d}" for n in range(1, 9)))


class FieldReader:
    def __init__(self, log: IssueLog, component: str) -> None:
        self.log = log
        self.component = component  # ISA16 of the interchange being read

    def warn(
        self,
        code: Code,
        message: str,
        position: int | None,
        seg_id: str | None = None,
        loop: str | None = None,
        claim: str | None = None,
    ) -> None:
        self.log.record(code, message, position, seg_id, loop, claim)

    def amount(
        self,
        text: str,
        ref: str,
        position: int,
        loop: str,
        claim: str | None = None,
        *,
        required: bool = False,
    ) -> Decimal | None:
        """A decimal (R) element, or None: empty (reported when required) or not a number."""
        if not text:
            if required:
                message = f"{ref} is required but empty"
                self.warn(catalogue.MISSING_835, message, position, segment_of(ref), loop, claim)
            return None
        try:
            return R.parse(text)
        except ValueError:
            message = f"{ref} {shown(text)} is not a decimal number; it was read as missing"
            self.warn(catalogue.AMOUNT_835, message, position, segment_of(ref), loop, claim)
            return None

    def date(
        self, text: str, ref: str, position: int, loop: str, claim: str | None = None
    ) -> date | None:
        """A CCYYMMDD date element, or None (an unreadable one is reported)."""
        if not text:
            return None
        try:
            return DT.parse8(text)
        except ValueError:
            message = f"{ref} {shown(text)} is not a date (CCYYMMDD); it was read as missing"
            self.warn(catalogue.DATE_835, message, position, segment_of(ref), loop, claim)
            return None

    def unknown_code(
        self, text: str, ref: str, position: int, loop: str, claim: str | None = None
    ) -> None:
        """A code outside its closed list (CLP02, CAS01, BPR04): kept as sent, and reported."""
        message = f"{ref} {shown(text, 10) if text else '(empty)'} is not a code of its list; it is kept as sent"
        self.warn(catalogue.CODE_835, message, position, segment_of(ref), loop, claim)

    def figures(
        self,
        figures: Picker,
        elements: list[str],
        position: int,
        loop: str,
        claim: str | None = None,
    ) -> tuple[QualifiedValue, ...]:
        """The decimal elements of TS3, TS2 or MIA that have no name of their own, by refdes."""
        out = []
        for ref, text in zip(figures.refs, figures(elements), strict=True):
            if text:
                value = self.amount(text, ref, position, loop, claim)
                if value is not None:
                    out.append(QualifiedValue(ref, value))
        return tuple(out)

    @staticmethod
    def reference(elements: list[str]) -> Reference:
        return Reference(*REF(elements))

    @staticmethod
    def contact(elements: list[str]) -> Contact:
        function, name, *numbers = PER(elements)
        pairs = zip(numbers[0::2], numbers[1::2], strict=True)
        return Contact(function, name, tuple((q, v) for q, v in pairs if q or v))
