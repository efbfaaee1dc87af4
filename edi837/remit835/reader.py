"""Stream the remittances of an 835 file: header, claims one at a time, totals; per ST.

The pipeline is the generic one: :class:`SegmentReader` (delimiters from each ISA) ->
:class:`TransactionStream` (envelopes, and each segment placed in the 835 loop declaration in
``segments/835.toml``; claims gathered whole) -> :class:`TransactionDecoder` (a handler table:
element values into the model). Nothing is held beyond the claim being read, so memory stays
flat however large the file.

Problems found by the syntax layer (counts, control numbers, junk between segments) are routed
to a transaction so each payment carries its own warnings: those raised inside ST..SE, and those
of the envelope segments after it (SE, GE, IEA counts), go to that transaction; those raised
before the first ST go to the first. That is why a transaction's totals are handed out when the
next transaction starts (or the file ends), not at its SE. A file whose interchanges hold no
835 at all keeps its warnings in :attr:`RemittanceReader.unattached`.

A file that cannot be read raises :class:`X12ParseError` (exit code 2 at the CLI), naming the
segment position. A truncated file is refused before anything is yielded: a cheap look at the
file's tail first, and when that does not show a final IEA, a pass over the envelopes that says
exactly where the file breaks off.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from edi837 import catalogue
from edi837.issues import Capped, Issue, IssueList, Location
from edi837.model.remittance import (
    ClaimPayment,
    RemitEvent,
    Remittance,
    RemittanceAdvice,
    RemittanceTotals,
)
from edi837.remit835.decoder import TransactionDecoder
from edi837.x12.envelope import ensure_complete
from edi837.x12.log import ISSUES_PER_RULE, not_listed, shown_set_id
from edi837.x12.tokenizer import SegmentReader, Source
from edi837.x12.transactions import REMITTANCE_835, Gathered, Placed, TransactionStream

CLAIM_LOOP = "2100"  # a claim with its service lines (2110), read whole
_ENDS = frozenset({"ST", "SE"})


class RemittanceReader:
    """Iterate over the :data:`RemitEvent` of a file: per transaction set, its
    :class:`Remittance` header, each :class:`ClaimPayment`, then its :class:`RemittanceTotals`.
    """

    def __init__(self, source: Source, *, name: str | None = None) -> None:
        self._source = source
        self.name = name or (str(source) if isinstance(source, Path | str) else None)
        self.unattached: list[Issue] = []
        self.transactions = 0

    def __iter__(self) -> Iterator[RemitEvent]:
        ensure_complete(self._source, self.name)
        return self._events()

    def _events(self) -> Iterator[RemitEvent]:
        # The syntax layer's warnings, capped per code between two collections as the
        # decoder's are per transaction: a file of a million junk lines holds a thousand.
        syntax_issues = IssueList()
        syntax = Capped(syntax_issues, ISSUES_PER_RULE)
        reader = SegmentReader(self._source, name=self.name, sink=syntax)
        # The claims (loop 2100 with its 2110 lines) come gathered whole: that is the hot path,
        # where the stream only appends segments to the open claim.
        stream = TransactionStream(reader, syntax, kinds=(REMITTANCE_835,), gather=(CLAIM_LOOP,))
        carry: list[Issue] = []  # issues met before the first 835 transaction
        decoder: TransactionDecoder | None = None  # the transaction being read
        closing: TransactionDecoder | None = None  # read to its SE, totals not handed out yet

        def collect() -> list[Issue]:
            """Issues the syntax layer raised since the last call, in file order."""
            found = list(syntax_issues)
            syntax_issues.clear()
            found.sort(key=_by_position)
            found.extend(not_listed(syntax.drain(), self.name))
            return found

        for item in stream:
            if item.__class__ is Gathered:  # a claim: the hot path
                if decoder is not None:
                    if decoder.header is None:
                        yield decoder.open_header()
                    claim = decoder.claim(item)
                    if claim is not None:
                        yield claim
                continue
            assert isinstance(item, Placed)
            if decoder is not None and item.loop is not None and item.elements[0] not in _ENDS:
                yield from decoder.feed(item)
                continue
            seg_id = item.seg_id
            if seg_id == "ST":
                if decoder is not None:  # the previous one never reached its SE (warned)
                    closing, decoder = decoder, None
                    event = closing.finish(item.position)
                    if event is not None:
                        yield event
                transaction = stream.transaction
                assert transaction is not None
                if transaction.kind is None:
                    (closing.log.issues if closing is not None else carry).append(
                        Issue.of(
                            catalogue.NOT_835,
                            f"transaction set {shown_set_id(transaction.set_id)} is not an 835; it was skipped",
                            Location(file=self.name, segment=item.position, segment_id="ST"),
                        )
                    )
                    continue
                issues = collect()
                if closing is not None:
                    closing.log.extend(issues)
                    yield closing.totals()
                    closing = None
                else:
                    carry.extend(issues)
                self.transactions += 1
                decoder = TransactionDecoder(transaction, file=self.name)
                decoder.log.extend(carry)
                carry = []
            elif seg_id == "SE" and decoder is not None:
                closing, decoder = decoder, None
                event = closing.finish(item.position)
                if event is not None:
                    yield event
            # anything else is an envelope segment, or inside a skipped transaction set

        issues = collect()
        if closing is not None:
            closing.log.extend(issues)
            yield closing.totals()
        else:
            self.unattached = carry + issues


def _by_position(issue: Issue) -> int:
    segment = issue.location.segment
    return segment if segment is not None else 1 << 62


def read_remittances(source: Source, *, name: str | None = None) -> Iterator[RemitEvent]:
    """The events of a file, streamed. See :class:`RemittanceReader`."""
    return iter(RemittanceReader(source, name=name))


def read_advice(source: Source, *, name: str | None = None) -> list[RemittanceAdvice]:
    """Every transaction of a (small) file, gathered whole: for tests and small tools."""
    out: list[RemittanceAdvice] = []
    header: Remittance | None = None
    claims: list[ClaimPayment] = []
    for event in read_remittances(source, name=name):
        if isinstance(event, Remittance):
            header, claims = event, []
        elif isinstance(event, ClaimPayment):
            claims.append(event)
        else:
            assert header is not None and isinstance(event, RemittanceTotals)
            out.append(RemittanceAdvice(header, tuple(claims), event))
    return out
