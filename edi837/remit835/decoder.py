"""Decode one 835 transaction set (ST..SE) into the remittance model: a handler table.

The reader hands over what the transaction stream (:mod:`edi837.x12.transactions`) yields
between ST and SE, item by item, to :meth:`TransactionDecoder.feed`, which looks it up by
(loop ID, segment ID):

- header segments (BPR, TRN, CUR, REF, DTM, the payer and payee loops, TS3/TS2) are read one by
  one by :mod:`.header`;
- LX (loop 2000) and PLB close the header: it goes out as a :class:`Remittance` before the first
  claim (or PLB, or the SE);
- a claim (loop 2100, gathered whole by the stream with its 2110 lines) is decoded in one go by
  :mod:`.claim_payments` and goes out as a :class:`ClaimPayment`.

Anything else does not belong where it is, and is reported. Only the claim being decoded is
held, so memory does not grow with the file.
"""

from __future__ import annotations

from collections.abc import Callable

from edi837 import catalogue
from edi837.issues import Issue
from edi837.model.remittance import (
    ZERO,
    ClaimPayment,
    RemitEvent,
    Remittance,
    RemittanceTotals,
)
from edi837.remit835.claim_payments import ClaimDecoder
from edi837.remit835.header import HeaderDecoder
from edi837.x12.log import IssueLog
from edi837.x12.loops import Placement
from edi837.x12.transactions import Gathered, Item, Placed, Transaction

Events = tuple[RemitEvent, ...]
_IMPLIED, _UNKNOWN = Placement.IMPLIED, Placement.UNKNOWN  # module names: quicker on 3.11
_NONE: Events = ()


class TransactionDecoder:
    """One 835 transaction set. See the module docstring for how the reader feeds it."""

    def __init__(self, transaction: Transaction, *, file: str | None) -> None:
        self.log = IssueLog(file)
        self._transaction = transaction
        self.control_number = transaction.control_number
        self._header = HeaderDecoder(self.log, transaction.component, transaction.position)
        self._claims = ClaimDecoder(self.log, transaction.component)
        self.header: Remittance | None = None  # built when the first claim (or LX, PLB, SE) comes
        self._lx_missing_reported = False
        self.claim_count = 0
        self.line_count = 0
        self.total_charge = ZERO
        self.total_paid = ZERO
        table: dict[tuple[str, str], Callable[[Placed], Events]] = {
            key: self._header_only(read) for key, read in self._header.handlers().items()
        }
        table[("2000", "LX")] = self._lx
        table[("ST", "PLB")] = self._plb
        self._placed = table

    # -- what the reader calls ------------------------------------------------------------------
    def feed(self, item: Item) -> Events:
        """One item of the transaction (ST and SE excepted): the events it completes."""
        if isinstance(item, Gathered):
            header = self._flush()
            claim = self.claim(item)
            return tuple(event for event in (header, claim) if event is not None)
        handler = self._placed.get(item.key) if item.how is not _UNKNOWN else None
        if handler is None:
            self.unexpected(item)
            return _NONE
        return handler(item)

    def unexpected(self, placed: Placed) -> None:
        where = placed.path or "the transaction header"
        message = f"{placed.seg_id} does not belong in loop {where} of an 835; it was skipped"
        self.log.record(catalogue.SEGMENT_835, message, placed.position, placed.seg_id, placed.path)

    def finish(self, position: int) -> RemitEvent | None:
        """At SE: check what only the whole transaction shows; return the header when it has
        not gone out yet (a transaction without claims)."""
        pending = self._flush()
        header = self.header
        assert header is not None  # _flush() has built it
        self._header.finish(position, header, self._totals(()))
        for party, what in (
            (header.payer, "payer (loop 1000A, N1*PR)"),
            (header.payee, "payee (loop 1000B, N1*PE)"),
        ):
            if not party.name and not party.identifier:
                self.log.record(catalogue.PARTY, f"the {what} is missing", position, "SE")
        return pending

    def totals(self) -> RemittanceTotals:
        """The trailer, with every issue logged (the reader adds the envelope's first)."""
        return self._totals(self.log.close())

    # -- the handlers -----------------------------------------------------------------------------
    @staticmethod
    def _header_only(read: Callable[[Placed], None]) -> Callable[[Placed], Events]:
        def handler(placed: Placed) -> Events:
            read(placed)
            return _NONE

        return handler

    def _lx(self, placed: Placed) -> Events:
        event = self._flush()  # the claims begin: the header goes out
        self._header.lx(placed)
        return _NONE if event is None else (event,)

    def _plb(self, placed: Placed) -> Events:
        event = self._flush()  # PLBs follow the last claim (or there were none)
        self._header.plb(placed)
        return _NONE if event is None else (event,)

    def claim(self, gathered: Gathered) -> ClaimPayment | None:
        """Loop 2100 read whole: the claim (None for lines with no CLP before them, for which
        the stream implied the 2100). The reader sends :meth:`header` out before the first."""
        if gathered.loop.implied:
            message = "a service line (SVC) without a claim (CLP) before it; it was skipped"
            for line in gathered.children:
                self.log.record(catalogue.SEGMENT_835, message, line.loop.start, "SVC", line.path)
            return None
        if gathered.how is _IMPLIED and not self._lx_missing_reported:
            self._lx_missing_reported = True  # the stream opened loop 2000 for this CLP
            message = (
                "claims start without an LX header number (loop 2000); they were read as one group"
            )
            self.log.record(
                catalogue.LX_MISSING, message, gathered.loop.start, "CLP", gathered.path
            )
        claim = self._claims.claim(gathered, self._header.header_number())
        self.claim_count += 1
        self.line_count += len(claim.lines)
        if claim.charge is not None:
            self.total_charge += claim.charge
        if claim.paid is not None:
            self.total_paid += claim.paid
        return claim

    # -- inside ---------------------------------------------------------------------------------
    def _totals(self, issues: tuple[Issue, ...]) -> RemittanceTotals:
        return RemittanceTotals(
            control_number=self.control_number,
            claim_count=self.claim_count,
            line_count=self.line_count,
            total_charge=self.total_charge,
            total_paid=self.total_paid,
            provider_adjustments=self._header.provider_adjustments(),
            issues=issues,
        )

    def open_header(self) -> Remittance:
        """The header, built now that the first claim comes (call while ``header`` is None)."""
        header = self._flush()
        assert header is not None
        return header

    def _flush(self) -> Remittance | None:
        """The header, the first time anything past it comes; None after."""
        if self.header is not None:
            return None
        transaction = self._transaction
        self.header = self._header.build(
            st_position=transaction.position,
            control_number=self.control_number,
            version=transaction.version,
            interchange_control_number=transaction.interchange_control_number,
            group_control_number=transaction.group_control_number,
        )
        return self.header
