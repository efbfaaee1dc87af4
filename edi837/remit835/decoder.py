"""Decode one 835 transaction set (ST..SE) into the remittance model.

The reader places each segment in its loop (the generic loop walker) and hands it over:

- header segments (BPR, TRN, CUR, REF, DTM, the payer and payee loops, LX/TS3/TS2, PLB) one by
  one to :meth:`TransactionDecoder.header_segment` (read by :mod:`.header`);
- a claim as raw segments: :meth:`~TransactionDecoder.open_claim` at its CLP and
  :meth:`~TransactionDecoder.open_line` at each SVC return the list the reader appends the
  claim's or the line's other segments to, as ``(position, elements)``.

A claim is decoded in one go (:mod:`.claims`) when the next one, an LX, a PLB or the SE begins,
and handed back as a :class:`ClaimPayment`; the header goes out as a :class:`Remittance` before
the first claim. Only the open claim is held, so memory does not grow with the file.
"""

from __future__ import annotations

from edi837 import catalogue
from edi837.issues import Issue
from edi837.model.remittance import (
    ZERO,
    HeaderNumber,
    RemitEvent,
    Remittance,
    RemittanceTotals,
)
from edi837.remit835 import balance
from edi837.remit835.claim_payments import ClaimDecoder, Segment
from edi837.remit835.header import HeaderDecoder
from edi837.remit835.log import LOOP_PATHS, IssueLog
from edi837.x12.datatypes import plain
from edi837.x12.spec import picker

ST02 = picker("ST", "ST02")


class _OpenClaim:
    """A claim being read: its CLP, its other 2100 segments, and one list per service line."""

    __slots__ = ("clp", "header", "lines", "position", "segments")

    def __init__(self, position: int, clp: list[str], header: HeaderNumber | None) -> None:
        self.position = position
        self.clp = clp
        self.header = header
        self.segments: list[Segment] = []
        self.lines: list[list[Segment]] = []


class TransactionDecoder:
    """One 835 transaction set. See the module docstring for how the reader feeds it."""

    def __init__(
        self,
        *,
        file: str | None,
        st: list[str],
        position: int,
        version: str,
        component: str,
        interchange_control_number: str = "",
        group_control_number: str = "",
    ) -> None:
        self.log = IssueLog(file)
        self._st_position = position
        self.control_number = ST02(st)[0].strip()
        self._version = version
        self._isa13 = interchange_control_number
        self._gs06 = group_control_number
        self._header = HeaderDecoder(self.log, component, position)
        self._claims = ClaimDecoder(self.log, component)
        self.header: Remittance | None = None  # built when the first claim (or PLB, SE) comes
        self._claim: _OpenClaim | None = None
        self._lx_missing_reported = False
        self.claim_count = 0
        self.line_count = 0
        self.total_charge = ZERO
        self.total_paid = ZERO

    # -- what the reader calls ------------------------------------------------------------------
    def header_segment(self, position: int, elements: list[str], loop_id: str) -> RemitEvent | None:
        """A segment of the header, the payer/payee loops, loop 2000 (LX/TS3/TS2) or PLB."""
        seg_id = elements[0]
        if seg_id == "LX":
            event = self._flush()
            self._header.lx(position, elements)
            return event
        if seg_id == "PLB":
            event = self._flush()  # PLBs follow the last claim: close it (or send the header)
            self._header.plb(position, elements)
            return event
        if not self._header.segment(position, elements, loop_id):
            self.unexpected(position, seg_id, loop_id)
        return None

    def open_claim(self, position: int, clp: list[str]) -> tuple[RemitEvent | None, list[Segment]]:
        """A CLP: close what was open; return that event and the new claim's segment list."""
        event = self._flush()
        claim = self._claim = _OpenClaim(position, clp, self._header.header_number())
        return event, claim.segments

    def open_line(self, position: int, svc: list[str]) -> tuple[RemitEvent | None, list[Segment]]:
        """An SVC: a new service line of the open claim; return the line's segment list."""
        claim = self._claim
        if claim is None:
            message = "a service line (SVC) without a claim (CLP) before it; it was skipped"
            self.log.record(catalogue.SEGMENT_835, message, position, "SVC", "2110")
            return (self._flush() if self.header is None else None), []
        line: list[Segment] = [(position, svc)]
        claim.lines.append(line)
        return None, line

    def claim_segments(self) -> list[Segment]:
        """Where 2100 segments go now (after a line, say); a throwaway list without a claim."""
        return self._claim.segments if self._claim is not None else []

    def unexpected(self, position: int, seg_id: str, loop_id: str) -> None:
        where = LOOP_PATHS.get(loop_id, loop_id) or "the transaction header"
        message = f"{seg_id} does not belong in loop {where} of an 835; it was skipped"
        self.log.record(catalogue.SEGMENT_835, message, position, seg_id, loop_id)

    def implied(self, position: int, seg_id: str, loop_id: str) -> None:
        """The walker opened loop 2000 (and 2100) that the file never opened."""
        if seg_id == "CLP" and not self._lx_missing_reported:
            self._lx_missing_reported = True
            message = (
                "claims start without an LX header number (loop 2000); they were read as one group"
            )
            self.log.record(catalogue.LX_MISSING, message, position, seg_id, loop_id)

    def finish(self, position: int) -> RemitEvent | None:
        """At SE: check what only the whole transaction shows; return the event still owed
        (the header when there were no claims, else the last claim)."""
        pending = self._flush()
        header = self.header
        assert header is not None  # _flush() has built it
        if self._header.bpr is None:
            self.log.record(
                catalogue.MISSING_835, "the transaction has no BPR segment", position, "SE"
            )
        for party, what in (
            (header.payer, "payer (loop 1000A, N1*PR)"),
            (header.payee, "payee (loop 1000B, N1*PE)"),
        ):
            if not party.name and not party.identifier:
                self.log.record(catalogue.PARTY, f"the {what} is missing", position, "SE")
        totals = self._totals(())
        difference = balance.transaction_difference(header, totals)
        if difference is not None:
            self.log.record(
                catalogue.BALANCE_TRANSACTION,
                f"BPR02 payment {plain(header.payment_amount or ZERO, 2)} does not equal the "
                f"claims' payments {plain(totals.total_paid, 2)} less provider adjustments "
                f"{plain(totals.provider_adjustment_total, 2)} "
                f"(= {plain(totals.expected_payment, 2)}); {plain(difference, 2)} unaccounted for",
                self._header.bpr_position,
                "BPR" if self._header.bpr is not None else "ST",
            )
        return pending

    def totals(self) -> RemittanceTotals:
        """The trailer, with every issue logged (the reader adds the envelope's first)."""
        return self._totals(self.log.close())

    # -- inside ---------------------------------------------------------------------------------
    def _totals(self, issues: tuple[Issue, ...]) -> RemittanceTotals:
        return RemittanceTotals(
            control_number=self.control_number,
            claim_count=self.claim_count,
            line_count=self.line_count,
            total_charge=self.total_charge,
            total_paid=self.total_paid,
            provider_adjustments=tuple(self._header.provider_adjustments),
            issues=issues,
        )

    def _flush(self) -> RemitEvent | None:
        """Close what is open: the header if it was not sent yet, else the current claim."""
        if self.header is None:
            self.header = self._header.build(
                st_position=self._st_position,
                control_number=self.control_number,
                version=self._version,
                interchange_control_number=self._isa13,
                group_control_number=self._gs06,
            )
            return self.header
        open_claim = self._claim
        if open_claim is None:
            return None
        self._claim = None
        claim = self._claims.claim(
            open_claim.position,
            open_claim.clp,
            open_claim.segments,
            open_claim.lines,
            open_claim.header,
        )
        self.claim_count += 1
        self.line_count += len(claim.lines)
        if claim.charge is not None:
            self.total_charge += claim.charge
        if claim.paid is not None:
            self.total_paid += claim.paid
        return claim
