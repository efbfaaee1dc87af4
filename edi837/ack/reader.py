"""Stream the payer's answers in a file, whatever their mix: TA1s, 999s (or 997s), 277CAs.

The pipeline is the generic one: :class:`SegmentReader` (delimiters from each ISA) ->
:class:`TransactionStream` (envelopes; each segment placed in its transaction's declaration,
``segments/999.toml``, ``997.toml``, ``277ca.toml``; a 999's set answers and a 277CA's claims
gathered whole) -> one decoder per transaction set, chosen by its kind from :data:`DECODERS`:
a handler table each (:mod:`.x999`, :mod:`.x277ca`). TA1s stand outside any transaction set and
are read where they stand (:mod:`.ta1`). A transaction set that is not an acknowledgment (an
837 or 835 in the same file) is skipped with a warning.

Answers come out in file order, a 277CA's claims one at a time, so memory stays flat however
large the file. Warnings (the syntax layer's and the decoders', each located) are in
:attr:`AckReader.issues` once the iteration is done. A file that cannot be read at all
(truncated, not X12) raises :class:`X12ParseError` before any answer is handed out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from edi837 import catalogue
from edi837.ack.fields import Decoder, Fields, is_test
from edi837.ack.ta1 import decode as decode_ta1
from edi837.ack.x277ca import ClaimAckDecoder
from edi837.ack.x999 import X997, X999, GroupDecoder
from edi837.issues import Capped, Issue, IssueList
from edi837.model.acks import AckEvent
from edi837.x12.envelope import ensure_complete
from edi837.x12.log import ISSUES_PER_RULE, IssueLog, not_listed, shown_set_id, shown_version
from edi837.x12.tokenizer import SegmentReader, Source
from edi837.x12.transactions import (
    ACK_277CA,
    ACK_997,
    ACK_999,
    Gathered,
    Kind,
    Placed,
    Transaction,
    TransactionStream,
)

KINDS = (ACK_999, ACK_277CA, ACK_997)
# the loops handed over whole: a 999's (997's) answer for one transaction set, a 277CA's claim
GATHER = ("2000", "AK2", "2200D")
# the loops whose openers the stream need not hand out after a gathered claim (see
# TransactionStream): a 277CA's patient HL (2000D) and name (2100D), which the decoder reads for
# nothing but to end the level (2200B, 2200C) being read, and a claim's item has ended it
QUIET = {ACK_277CA: ("2000D", "2100D")}
_ENDS = frozenset({"ST", "SE"})

DECODERS: dict[Kind, Callable[[Transaction, Fields], Decoder]] = {
    ACK_999: lambda transaction, fields: GroupDecoder(transaction, fields, X999),
    ACK_997: lambda transaction, fields: GroupDecoder(transaction, fields, X997),
    ACK_277CA: ClaimAckDecoder,
}


class AckReader:
    """Iterate over the :data:`AckEvent`\\ s of a file (see the module docstring)."""

    def __init__(self, source: Source, *, name: str | None = None) -> None:
        self._source = source
        self.name = name or (str(source) if isinstance(source, Path | str) else None)
        self.issues: list[Issue] = []
        self.transactions = 0  # acknowledgment transaction sets read
        self.interchanges = 0
        self.test = False  # some answer came in an ISA15=T interchange

    def __iter__(self) -> Iterator[AckEvent]:
        ensure_complete(self._source, self.name)
        return self._answers()

    def _answers(self) -> Iterator[AckEvent]:
        # the syntax layer's warnings capped per code as the decoders' are: a file of a million
        # junk lines would otherwise hold a million warnings until its end
        found_syntax = IssueList()
        syntax = Capped(found_syntax, ISSUES_PER_RULE)
        reader = SegmentReader(self._source, name=self.name, sink=syntax)
        stream = TransactionStream(reader, syntax, kinds=KINDS, gather=GATHER, quiet=QUIET)
        log = IssueLog(self.name, scope="in this file")
        fields = Fields(log)
        isa: list[str] = []
        decoder: Decoder | None = None
        for item in stream:
            if decoder is not None and (
                item.__class__ is Gathered
                or (item.loop is not None and item.elements[0] not in _ENDS)  # type: ignore[union-attr]
            ):
                yield from decoder.feed(item)
                continue
            assert isinstance(item, Placed)
            seg_id = item.seg_id
            if seg_id == "ST":
                if decoder is not None:  # the one before never reached its SE (warned)
                    yield from decoder.finish(item.position)
                decoder = self._start(stream, fields, item)
            elif seg_id == "SE" and decoder is not None:
                yield from decoder.finish(item.position)
                decoder = None
            elif seg_id == "ISA":
                isa = item.elements
                self.interchanges += 1
                self.test = self.test or is_test(isa)
            elif seg_id == "TA1":
                yield decode_ta1(item, isa, fields)
            # anything else is an envelope segment, or inside a skipped transaction set
        if decoder is not None:
            yield from decoder.finish(reader.count)
        dropped = not_listed(syntax.drain(), self.name, "in this file")
        found = [*found_syntax, *dropped, *log.close()]
        self.issues = sorted(found, key=_by_position)

    def _start(self, stream: TransactionStream, fields: Fields, st: Placed) -> Decoder | None:
        transaction = stream.transaction
        assert transaction is not None
        if transaction.kind is None:
            fields.log.record(
                catalogue.ACK_TRANSACTION,
                f"transaction set {shown_set_id(transaction.set_id)} "
                f"{shown_version(transaction.version)} is not an acknowledgment edi837 reads; it was "
                "skipped",
                st.position,
                "ST",
            )
            return None
        self.transactions += 1
        self.test = self.test or is_test(transaction.isa)
        return DECODERS[transaction.kind](transaction, fields)


def _by_position(issue: Issue) -> int:
    segment = issue.location.segment
    return segment if segment is not None else 1 << 62


def read_acks(source: Source, *, name: str | None = None) -> Iterator[AckEvent]:
    """The answers of a file, streamed. See :class:`AckReader`."""
    return iter(AckReader(source, name=name))
