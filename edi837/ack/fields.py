"""Reading an acknowledgment's values with located warnings: what every decoder here shares.

A value that cannot be read is reported (rule, position, segment, loop, claim) and treated as
missing; nothing here raises for bad input. Messages quote codes and numbers only, cut short and
escaped, never a name or a member ID (a 277CA carries the patient's in 2100D, which no decoder
reads).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Protocol

from edi837 import catalogue
from edi837.ack.codes import words
from edi837.model.acks import AckCode, AckEvent
from edi837.x12.datatypes import DT, N0, R
from edi837.x12.log import IssueLog, shown
from edi837.x12.spec import picker
from edi837.x12.transactions import Item, Placed, Transaction

Answers = tuple[AckEvent, ...]
NONE: Answers = ()
_ISA15 = picker("ISA", "ISA15")
_GS04 = picker("GS", "GS04")
_known_date, _known_amount = DT.known, R.known


class Decoder(Protocol):
    """One transaction set being read: the reader hands it each item between ST and SE."""

    def feed(self, item: Item) -> Answers: ...

    def finish(self, position: int) -> Answers: ...


def is_test(isa: list[str]) -> bool:
    """The interchange came with ISA15=T: a test answer."""
    return bool(isa) and _ISA15(isa)[0].strip() == "T"


class Fields:
    """Typed values of one file, with its issue log."""

    def __init__(self, log: IssueLog) -> None:
        self.log = log

    def unexpected(self, placed: Placed, what: str) -> None:
        where = f"loop {placed.path}" if placed.path else "the transaction header"
        self.log.record(
            catalogue.ACK_SEGMENT,
            f"{placed.seg_id} does not belong in {where} of a {what}; it was skipped",
            placed.position,
            placed.seg_id,
            placed.path,
        )

    def date(
        self, text: str, ref: str, position: int, loop: str = "", claim: str = ""
    ) -> dt.date | None:
        """A CCYYMMDD (or YYMMDD) element, or None: empty, or not a date (reported)."""
        known = _known_date(text)  # text read before is a date's 8 digits: nothing to strip
        if known is not None:
            return known
        text = text.strip()
        if not text:
            return None
        try:
            return DT.parse(text)
        except ValueError:
            message = f"{ref} {shown(text)} is not a date; it was read as missing"
            self.log.record(catalogue.ACK_DATE, message, position, ref[:-2], loop, claim)
            return None

    def amount(
        self, text: str, ref: str, position: int, loop: str = "", claim: str = ""
    ) -> Decimal | None:
        """A decimal (R) element, or None: empty, or not a number (reported)."""
        known = _known_amount(text)  # text read before has no blanks: nothing to strip
        if known is not None:
            return known
        text = text.strip()
        if not text:
            return None
        try:
            return R.parse(text)
        except ValueError:
            message = f"{ref} {shown(text)} is not a number; it was read as missing"
            self.log.record(catalogue.ACK_NUMBER, message, position, ref[:-2], loop, claim)
            return None

    def count(self, text: str, ref: str, position: int, loop: str = "") -> int | None:
        """A whole number (N0, or an R quantity with no fraction), or None (reported)."""
        text = text.strip()
        if not text:
            return None
        if len(text) <= 9:  # N0 1/6; longer is no count (and a 5,000-digit one is no int)
            try:
                return N0.whole(text)
            except ValueError:
                pass
        value = self.amount(text, ref, position, loop)
        if value is None or abs(value) >= 10**9:
            return None
        return R.whole(value)

    def answered_on(self, transaction: Transaction) -> dt.date | None:
        """The acknowledgment's own date: its GS04."""
        if not transaction.gs:
            return None
        return self.date(_GS04(transaction.gs)[0], "GS04", transaction.position)


def code(element: str, value: str, table: str) -> AckCode:
    """An :class:`AckCode` with its words from ``segments/codes/<table>.csv``."""
    return AckCode(element, value, words(table, value))
