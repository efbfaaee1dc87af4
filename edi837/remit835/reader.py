"""Stream the remittances of an 835 file: header, claims one at a time, totals; per ST.

The pipeline is the generic one: :class:`SegmentReader` (delimiters from each ISA) ->
:func:`walk_envelopes` (ISA/GS/ST envelopes, counts) -> :class:`LoopWalker` (the 835 loop
declaration in ``segments/835.toml``) -> :class:`TransactionDecoder` (element values into the
model). Nothing is held beyond the claim being read, so memory stays flat however large the file.

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
from edi837.issues import Issue, IssueList, Location
from edi837.model.remittance import (
    ClaimPayment,
    RemitEvent,
    Remittance,
    RemittanceAdvice,
    RemittanceTotals,
)
from edi837.remit835.claim_payments import Segment
from edi837.remit835.decoder import TransactionDecoder
from edi837.remit835.log import shown
from edi837.x12 import spec
from edi837.x12.envelope import Envelope, ensure_complete, walk_envelopes
from edi837.x12.loops import LoopWalker, Placement
from edi837.x12.tokenizer import SegmentReader, Source

_NOTHING: frozenset[str] = frozenset()


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
        reader = SegmentReader(self._source, name=self.name)
        syntax_issues = IssueList()
        transaction = spec.transaction("835")
        carry: list[Issue] = []  # issues met before the first 835 transaction
        decoder: TransactionDecoder | None = None  # the transaction being read
        closing: TransactionDecoder | None = None  # read to its SE, totals not handed out yet
        walker: LoopWalker | None = None
        # The hot path: while a claim or a service line is open, a segment that the loop walker
        # says stays in the current loop (CAS, DTM, REF, AMT...) is only appended to that
        # claim's or line's list; the decoder reads them all when the claim is complete.
        stays: frozenset[str] = _NOTHING
        bucket: list[Segment] = []
        keep = bucket.append
        same, implied, unknown = Placement.SAME, Placement.IMPLIED, Placement.UNKNOWN

        def collect() -> list[Issue]:
            """Issues the syntax layer raised since the last call, in file order."""
            found = syntax_issues + reader.warnings
            syntax_issues.clear()
            reader.warnings.clear()
            found.sort(key=_by_position)
            return found

        for position, elements, env in walk_envelopes(reader, syntax_issues):
            if elements[0] in stays:
                keep((position, elements))
                continue
            seg_id = elements[0]
            event: RemitEvent | None = None
            if decoder is not None and seg_id != "SE" and seg_id != "ST":  # noqa: PLR1714
                assert walker is not None
                instance, how = walker.place(elements, position)
                loop_id = instance.spec.id
                if how is unknown:
                    decoder.unexpected(position, seg_id, loop_id)
                    continue
                if how is implied:
                    decoder.implied(position, seg_id, loop_id)
                if loop_id == "2110":
                    if how is same:  # pragma: no cover - staying segments skip place()
                        bucket.append((position, elements))
                    else:
                        event, bucket = decoder.open_line(position, elements)
                    keep, stays = bucket.append, walker.stays
                elif loop_id == "2100":
                    if how is same:  # a claim segment after the claim's lines
                        bucket = decoder.claim_segments()
                        bucket.append((position, elements))
                    else:
                        event, bucket = decoder.open_claim(position, elements)
                    keep, stays = bucket.append, walker.stays
                else:
                    event = decoder.header_segment(position, elements, loop_id)
                    stays = _NOTHING
            elif seg_id == "ST":
                stays = _NOTHING
                if decoder is not None:  # the previous one never reached its SE (warned)
                    closing, decoder = decoder, None
                    event = closing.finish(position)
                    if event is not None:
                        yield event
                    event = None
                st01 = elements[1].strip() if len(elements) > 1 else ""
                if st01 != "835":
                    (closing.log.issues if closing is not None else carry).append(
                        Issue.of(
                            catalogue.NOT_835,
                            f"transaction set {shown(st01) or '(no ST01)'} is not an 835; it was skipped",
                            Location(file=self.name, segment=position, segment_id="ST"),
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
                decoder = self._start(elements, position, env, reader)
                decoder.log.extend(carry)
                carry = []
                walker = LoopWalker(transaction, position)
            elif seg_id == "SE" and decoder is not None:
                stays = _NOTHING
                closing, decoder = decoder, None
                event = closing.finish(position)
            # anything else is an envelope segment, or inside a skipped transaction set
            if event is not None:
                yield event

        issues = collect()
        if closing is not None:
            closing.log.extend(issues)
            yield closing.totals()
        else:
            self.unattached = carry + issues

    def _start(
        self, st: list[str], position: int, env: Envelope, reader: SegmentReader
    ) -> TransactionDecoder:
        self.transactions += 1
        isa, gs = env.isa or [], env.gs or []
        return TransactionDecoder(
            file=self.name,
            st=st,
            position=position,
            version=env.version,
            component=reader.delimiters.component,
            interchange_control_number=isa[13].strip() if len(isa) > 13 else "",
            group_control_number=gs[6].strip() if len(gs) > 6 else "",
        )


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
