"""The conformance engine: one pass over a file, every SNIP level, flat memory.

:func:`validate` reads the raw segments (:mod:`.source`), and for each one: checks its syntax
and the envelopes (:mod:`.snip1`), places it in its transaction's tree with the loop walk
(:mod:`.walker`) and numbers it (:mod:`.snip2`), checks its elements where it was placed
(:mod:`.elements`), and hands it to the transaction's own checks (SNIP 3 to 5: :mod:`.claims`
for an 837P, :mod:`.remittance` for an 835), which report when a claim closes. Which tree
a transaction set is walked in comes from its ST01 and version, by the table in
:mod:`edi837.x12.transactions`; a set of a guide edi837 does not validate is reported and its
contents skipped.

Nothing is kept per segment: findings go to :class:`~.findings.Findings` (which keeps so many and
counts the rest), the rest of the state is one open claim and the walk's counts.
"""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO, Protocol

import attrs

from edi837.conformance import elements as element_pass
from edi837.conformance import snip1, snip2
from edi837.conformance.answers import Answers
from edi837.conformance.context import (
    Context,
    GroupSummary,
    InterchangeSummary,
    SetSummary,
)
from edi837.conformance.findings import KEEP, Findings
from edi837.conformance.rules import Rule
from edi837.conformance.source import Source
from edi837.conformance.tree import ISA, tree
from edi837.conformance.walker import Walker
from edi837.errors import X12ParseError
from edi837.perf import collector_paused
from edi837.x12.datatypes import N0
from edi837.x12.delimiters import read_isa
from edi837.x12.spec import picker
from edi837.x12.transactions import KINDS, Kind, kind_of

_SEGMENT_ID = re.compile(r"[A-Z][A-Z0-9]{1,2}", re.ASCII)
_ENVELOPE = frozenset({"ISA", "IEA", "GS", "GE", "ST", "SE"})
# segments that take the full path: the envelopes, and the TA1 (outside any set)
_SPECIAL = _ENVELOPE | {"TA1"}
# GS01, the functional identifier code, of each transaction set we validate
FUNCTIONAL_IDS = {"837": "HC", "835": "HP", "999": "FA", "277": "HN"}
# the exact editions our declarations come from (others are read as these, with a warning)
EDITIONS = {
    "837": "005010X222A1",
    "835": "005010X221A1",
    "999": "005010X231A1",
    "277": "005010X214",
}
_ISA = picker(
    "ISA", "ISA05", "ISA06", "ISA07", "ISA08", "ISA09", "ISA10", "ISA13", "ISA14", "ISA15"
)
_GS = picker("GS", "GS01", "GS02", "GS03", "GS06", "GS08")
_ST = picker("ST", "ST01", "ST02", "ST03")
_GE01 = picker("GE", "GE01")


class Hooks(Protocol):
    """A transaction's own checks (SNIP 3 to 5), fed the placed segments of its sets: the
    engine calls ``handlers[segment ID](elements, loop)`` for the IDs it has a handler for."""

    @property
    def handlers(self) -> dict[str, Callable[[list[str], str], None]]: ...

    def close(self, context: Context) -> None: ...


@attrs.define(slots=True, eq=False)
class Result:
    file: str
    findings: Findings
    interchanges: list[InterchangeSummary] = attrs.field(factory=list)
    groups: list[GroupSummary] = attrs.field(factory=list)
    sets: list[SetSummary] = attrs.field(factory=list)
    segments: int = 0
    encoding: str = "utf-8"
    seconds: float = 0.0
    answers: Answers = attrs.field(factory=Answers)  # what an acknowledgment file says

    @property
    def ok(self) -> bool:
        return self.findings.errors == 0


def validate(
    source: bytes | Path | str | BinaryIO,
    *,
    name: str | None = None,
    sent: Callable[[int], bool] | None = None,
    hooks: Callable[[Kind, Context], Hooks | None] | None = None,
    keep: int = KEEP,
    on_claim: Callable[[Any], None] | None = None,
) -> Result:
    """Validate one file. ``sent`` says whether an ISA13 was sent before (the ledger);
    ``hooks`` gives a transaction's SNIP 3-5 checks (default: :func:`default_hooks`); ``on_claim``
    receives each 837P claim as it closes (:class:`~edi837.conformance.claims.ClaimOutcome`).

    Raises :class:`~edi837.errors.X12ParseError` only for a file that is not X12 at all."""
    started = time.perf_counter()
    label = name or (str(source) if isinstance(source, Path | str) else "input")
    findings = Findings(keep)
    result = Result(label, findings)
    run = _Run(result, sent, hooks or default_hooks)
    run.context.on_claim = on_claim
    with collector_paused():  # nothing the pass builds forms a cycle: reference counts free it
        run.run(Source(source))
    result.seconds = time.perf_counter() - started
    return result


def default_hooks(kind: Kind, context: Context) -> Hooks | None:
    from edi837.conformance.answers import AcknowledgmentHooks
    from edi837.conformance.claims import ClaimChecks
    from edi837.conformance.remittance import RemittanceChecks

    if kind.stem == "837p":
        return ClaimChecks(context)
    if kind.stem == "835":
        return RemittanceChecks(context)
    return AcknowledgmentHooks(context.answers, context.component)


class _Run:
    """The state of one validation (see the module docstring)."""

    def __init__(
        self,
        result: Result,
        sent: Callable[[int], bool] | None,
        hooks: Callable[[Kind, Context], Hooks | None],
    ) -> None:
        self.result = result
        self.context = Context(result.findings, result.file)
        self.context.answers = result.answers
        self.envelopes = snip1.Envelopes(self._report_envelope, sent)
        self.numbering = snip2.Numbering(self._report_numbering)
        self.walker = Walker(tree(""))
        self.hooks_for = hooks
        self.hooks: Hooks | None = None
        # the numbering checks of the set being read, by segment ID: HL, and in an 837 CLM, LX
        self.numbered: dict[str, Callable[[list[str]], None]] = {}
        self.handlers: dict[str, Callable[[list[str], str], None]] = {}
        self.kind: Kind | None = None  # of the set being read; None outside one or unvalidated
        self.validated = False  # is the current set walked (a guide we validate)?
        self.group_kind: Kind | None = None
        self.group_version = ""
        self.group_id = ""
        self.delimiters = ""  # of the current interchange: element and component separators
        self.triple = ("*", ":", "~")  # and with its terminator, as the element pass takes them

    # -- reporting ---------------------------------------------------------------------------
    def _report_envelope(
        self, rule: Rule, message: str, segment_id: str, position: int | None = None
    ) -> None:
        self.context.report(rule, message, segment_id=segment_id, position=position, loop="")

    def _report_numbering(self, rule: Rule, message: str, element: str) -> None:
        self.context.report(rule, message, element=element)

    def _walk_emit(self, rule: Rule, message: str, segment_id: str, loop: str) -> None:
        self.context.report(rule, message, segment_id=segment_id, loop=loop)

    def _element_emit(self, rule: Rule, message: str, ref: str, data_element: str) -> None:
        self.context.report(rule, message, element=ref, data_element=data_element)

    # -- the pass ------------------------------------------------------------------------------
    def run(self, source: Source) -> None:
        context = self.context
        result = self.result
        envelopes = self.envelopes
        position = 0
        element_sep = component = separators = ""
        known: set[str] = set()  # segment IDs seen valid (never ISA: it may change delimiters)
        walk_emit, element_emit = self._walk_emit, self._element_emit
        try:
            for batch in source.pieces():
                if source.isa is not None and not element_sep:
                    delimiters = source.isa.delimiters
                    element_sep, component = delimiters.element, delimiters.component
                    separators = element_sep + component
                    context.component = component
                    self.triple = (element_sep, component, delimiters.segment)
                    self._encoding(source)
                for raw in batch:
                    position += 1
                    context.position = position
                    piece = raw
                    if piece[0] in " \t\x0b\x0c":
                        piece = self._leading_space(piece, element_sep)
                        if not piece:
                            continue
                    elements = piece.split(element_sep)
                    seg_id = elements[0]
                    context.seg_id = seg_id
                    if seg_id not in known:
                        if seg_id == "ISA" or (
                            piece.startswith("ISA") and len(piece) > 3 and not piece[3].isalnum()
                        ):  # an interchange, perhaps with delimiters of its own
                            element_sep, component = self._isa(piece, elements, position, source)
                            separators = element_sep + component
                            elements = piece.split(element_sep)
                            seg_id = context.seg_id = elements[0]
                            context.component = component
                            self.delimiters = f"{element_sep}{component}"
                            self.triple = (element_sep, component, source.delimiters.segment)
                        elif _SEGMENT_ID.fullmatch(seg_id) is None:
                            self._unreadable(seg_id, piece, separators)
                            continue
                        else:
                            known.add(seg_id)
                    context.loop = ""
                    if piece[-1] in separators or len(elements) == 1:  # (no separator in it)
                        self._empty_or_trailing(piece, seg_id, separators)
                    if seg_id in _SPECIAL or not self.validated:
                        self._segment(seg_id, elements, piece, component)
                    else:  # the common case, kept lean: a segment inside a set we validate
                        context.set_position += 1
                        envelopes.segments += 1
                        numbered = self.numbered.get(seg_id)
                        if numbered is not None:
                            numbered(elements)
                        walker = self.walker
                        node = walker.place(walker.tree.signature(elements, component), walk_emit)
                        if node is not None:
                            context.loop = node.loop
                            checker: element_pass.SegmentChecker = (
                                node.checker or element_pass.checker(node)  # type: ignore[assignment]
                            )
                            triple = self.triple
                            # a text checked clean here before, in these delimiters: nothing to do
                            if checker.delimiters != triple or piece not in checker.clean:
                                checker.check(piece, elements, triple, element_emit)
                            handler = self.handlers.get(seg_id)
                            if handler is not None:
                                handler(elements, node.loop)
            if source.unterminated:
                context.report(
                    snip1.SEGMENT_TRAILING,
                    "the last segment has no segment terminator",
                    segment_id=context.seg_id,
                )
        finally:
            result.segments = position
        context.position = position
        self._close_claim_checks()
        if context.summary is not None:  # a set the file ends inside
            context.summary.segments = context.set_position
        envelopes.end()

    def _leading_space(self, piece: str, element_sep: str) -> str:
        context = self.context
        piece = piece.lstrip()
        context.seg_id = piece.split(element_sep, 1)[0] if piece else ""
        context.loop = ""
        context.report(snip1.SEGMENT_SPACE, "the segment starts with whitespace: remove it")
        return piece

    def _empty_or_trailing(self, piece: str, seg_id: str, separators: str) -> None:
        """A segment that ends with an element separator, or holds nothing but separators."""
        if piece[-1] == separators[:1]:
            self.context.report(
                snip1.SEGMENT_TRAILING,
                f"{seg_id} ends with an element separator: drop the trailing separators",
            )
        if piece.rstrip(separators) == seg_id:
            self.context.report(snip1.SEGMENT_EMPTY, f"{seg_id or 'the segment'} holds no data")

    def _unreadable(self, seg_id: str, piece: str, separators: str) -> None:
        context = self.context
        context.loop = ""
        context.report(
            snip1.SEGMENT_ID,
            f"{seg_id[:12]!r} is not a segment ID (2 or 3 capital letters or digits): the "
            "segment was not read",
        )
        self._empty_or_trailing(piece, seg_id, separators)  # pyx12 reports these too
        if context.summary is not None:
            context.set_position += 1
            self.envelopes.counted()

    def _encoding(self, source: Source) -> None:
        self.result.encoding = source.encoding
        if source.marked or source.replaced:
            what = (
                f"{source.encoding} with a byte-order mark"
                if source.marked
                else "bytes that are not valid text"
            )
            self.context.report(
                snip1.NOT_X12_WARN,
                f"the file is {what}; most payers' front ends take plain ASCII only",
                position=1,
                segment_id="ISA",
            )

    def _isa(
        self, piece: str, elements: list[str], position: int, source: Source
    ) -> tuple[str, str]:
        """A new interchange: its delimiters (each ISA declares its own), its width."""
        context = self.context
        try:
            isa = read_isa(piece + source.delimiters.segment, position=position)
        except X12ParseError as exc:
            context.report(snip1.ISA_WIDTH, f"the ISA cannot be read: {exc.message}")
            delimiters = source.delimiters
            return delimiters.element, delimiters.component
        if isa.delimiters.segment != source.delimiters.segment:
            raise X12ParseError(
                "this interchange uses a different segment terminator from the first one",
                position=position,
            )
        if not isa.fixed_width or len(piece) != 105:
            context.report(
                snip1.ISA_WIDTH,
                f"the ISA is {len(piece) + 1} characters, not the fixed 106 (its elements padded "
                "to their widths): pad ISA02, ISA04, ISA06 and ISA08 with spaces and give ISA13 "
                "nine digits",
            )
        return isa.delimiters.element, isa.delimiters.component

    def _segment(self, seg_id: str, elements: list[str], piece: str, component: str) -> None:
        context = self.context
        walker = self.walker
        if seg_id == "ISA":
            self._close_claim_checks()
            self._start_interchange(elements)
            walker.use(tree(""))
            walker.start_interchange()
            element_pass.checker(walker.tree.segment(ISA)).check(
                piece, elements, None, self._element_emit
            )
            return
        if seg_id == "GS":
            self._close_claim_checks()
            self._start_group(elements)
            walker.start_group()
            node = walker.node
            assert node is not None
            element_pass.checker(node).check(piece, elements, self.triple, self._element_emit)
            return
        if not self.envelopes.open:
            context.report(
                snip1.OUTSIDE,
                f"{seg_id} comes after the interchange's IEA: remove it, or begin an interchange",
            )
            return
        if seg_id == "ST":
            self._close_claim_checks()
            if not any(kind == "GS" for kind, _, _ in self.envelopes.open):
                self._no_group(elements)
            self._start_set(elements)
        elif seg_id == "SE":
            self._close_claim_checks()
        if context.summary is not None:
            context.set_position += 1
            if seg_id not in _ENVELOPE:
                self.envelopes.counted()
        if seg_id == "SE":
            self.envelopes.se(elements)
        elif seg_id == "GE":
            self.envelopes.ge(elements)
        elif seg_id == "IEA":
            self.envelopes.iea(elements)
        elif seg_id == "TA1":
            self.context.answers.ta1(elements)
        if self.validated or context.summary is None:
            signature = walker.tree.signature(elements, component)
            node = walker.place(signature, self._walk_emit)
            if node is not None:
                context.loop = node.loop
                element_pass.checker(node).check(piece, elements, self.triple, self._element_emit)
                handler = self.handlers.get(seg_id)
                if handler is not None and seg_id not in _ENVELOPE:
                    handler(elements, node.loop)
        if seg_id == "SE":
            self._end_set()
        elif seg_id == "GE":
            self._end_group(elements)

    # -- envelopes ---------------------------------------------------------------------------------
    def _start_interchange(self, elements: list[str]) -> None:
        context = self.context
        context.interchange += 1
        context.group = 0
        context.transaction = 0
        context.summary = None
        self.envelopes.isa(elements, context.position)
        sender_q, sender, receiver_q, receiver, day, time, control, ack, usage = _ISA(elements)
        self.result.interchanges.append(
            InterchangeSummary(
                context.interchange,
                control,
                context.position,
                delimiters=self.delimiters,
                sender_qualifier=sender_q,
                sender=sender.strip(),
                receiver_qualifier=receiver_q,
                receiver=receiver.strip(),
                date=day,
                time=time,
                ack_requested=ack,
                usage=usage,
            )
        )

    def _start_group(self, elements: list[str], *, virtual: bool = False) -> None:
        context = self.context
        context.group += 1
        context.transaction = 0
        context.summary = None
        if not virtual:
            self.envelopes.gs(elements, context.position)
        functional_id, sender, receiver, control, version = _GS(elements)
        self.group_id, self.group_version = functional_id, version
        self.group_kind = next((k for k in KINDS if k.reads(self.group_version)), None)
        self.walker.use(tree(self.group_kind.stem if self.group_kind is not None else ""))
        self.result.groups.append(
            GroupSummary(
                context.interchange,
                context.group,
                functional_id,
                control,
                version,
                context.position,
                sender=sender,
                receiver=receiver,
            )
        )

    def _no_group(self, elements: list[str]) -> None:
        """An ST with no functional group open: reported once, and read as if a group had
        begun (its GS values unknown), so that the set itself is still validated."""
        context = self.context
        context.report(
            snip1.GS_MISSING,
            "this transaction set is not inside a functional group (no GS before it): wrap it "
            "in GS ... GE",
            loop="",
        )
        self._start_group([], virtual=True)  # no GS01 or GS08 to hold the set to
        self.walker.start_group()

    def _start_set(self, elements: list[str]) -> None:
        context = self.context
        context.transaction += 1
        context.set_position = 0
        set_id, control, st03 = _ST(elements)
        version = st03 or self.group_version
        kind = kind_of(set_id, version)
        summary = SetSummary(
            context.interchange,
            context.group,
            context.transaction,
            set_id,
            control,
            version,
            context.position,
        )
        context.summary = summary
        self.result.sets.append(summary)
        if self.result.groups:
            self.result.groups[-1].sets += 1
        self.envelopes.st(elements, context.position)
        self.numbering.start()
        self.kind = kind if kind is not None and kind.reads(version) else None
        self.validated = self.kind is not None
        if self.kind is None:
            context.report(
                snip2.GUIDE,
                f"transaction set {set_id} {version or '(no version)'} is not a guide edi837 "
                "validates (it validates 837P X222, 835 X221, 999 X231 and 277CA X214): its "
                "contents were not checked",
                loop="",
            )
            self._use_hooks(None)
            self.walker.use(tree(""))
            self.walker.skip_set()
            return
        summary.kind = self.kind.stem
        self.walker.use(tree(self.kind.stem))
        numbering = self.numbering
        self.numbered = {"HL": numbering.hl}
        if self.kind.stem == "837p":
            self.numbered |= {"CLM": numbering.claim, "LX": numbering.lx}
        self._check_version(set_id, st03, version)
        self._use_hooks(self.hooks_for(self.kind, context))

    def _check_version(self, set_id: str, st03: str, version: str) -> None:
        context = self.context
        if st03 and self.group_version and st03 != self.group_version:
            context.report(
                snip2.VERSION,
                f"ST03 {st03} and GS08 {self.group_version} name different guides",
                element="ST03",
                loop="",
            )
        wanted = FUNCTIONAL_IDS.get(set_id)
        if wanted and self.group_id and self.group_id != wanted:
            context.report(
                snip2.VERSION,
                f"a {set_id} belongs in a functional group GS01 {wanted}, not {self.group_id or '(empty)'}",
                element="ST01",
                loop="",
            )
        edition = EDITIONS.get(set_id)
        if edition and version != edition:
            context.report(
                snip2.VERSION_OTHER,
                f"{version} is checked against {edition}, the edition edi837's declarations "
                "come from",
                element="ST03" if st03 else "GS08",
                loop="",
            )

    def _end_set(self) -> None:
        context = self.context
        if context.summary is not None:
            context.summary.segments = context.set_position
        context.summary = None
        self.kind = None
        self.validated = False
        self.numbered = {}
        self._use_hooks(None)

    def _use_hooks(self, hooks: Hooks | None) -> None:
        self.hooks = hooks
        self.handlers = hooks.handlers if hooks is not None else {}

    def _end_group(self, elements: list[str]) -> None:
        (declared,) = _GE01(elements)
        if self.result.groups:
            with contextlib.suppress(ValueError):  # not a count: a SNIP 1 finding already
                self.result.groups[-1].declared_sets = N0.count(declared)

    def _close_claim_checks(self) -> None:
        if self.hooks is not None:
            self.hooks.close(self.context)
