"""The 999 implementation acknowledgment (005010X231A1, and X231 which reads the same), and the
997 it replaced: one functional group's answer, set by set, as a handler table.

The stream hands over AK1 and AK9 one by one and each transaction set's answer (loop 2000: AK2,
its error notes IK3 in loop 2100 with their element notes IK4 in 2110, and IK5) gathered whole.
At SE the whole group's answer goes out as one :class:`GroupAck`:

- AK1: which of our groups it answers (AK102 = our GS06); AK9 the group's verdict (A, E, P, R...)
  and its counts; AK905..AK909 the group-level errors;
- each AK2 (AK202 = our ST02) a :class:`SetAck`: IK501 the set's verdict, IK502..IK506 its
  errors, then each IK3 (segment ID, its position in our transaction set, its loop, IK304) and
  each IK4 under it (the element as a reference designator, IK403). The CTX business unit
  under an IK3 (``CTX*CLM01:N00000002``) names the claim the error sits in.

The X231A1 errata changed no code list the reading depends on (pyx12's two maps list the same
codes), so a 999 of either version is read alike. A 997 (the 4010 functional acknowledgment) has
the same shape with AK3/AK4/AK5 in place of IK3/IK4/IK5 and loops named AK2 and AK3, and is read
by the same table. What the 997 lacks (CTX, IK4's repetition) is simply absent.
"""

from __future__ import annotations

from collections.abc import Callable

import attrs

from edi837 import catalogue
from edi837.ack.codes import group_verdict, set_verdict, words
from edi837.ack.fields import NONE, Answers, Fields, code, is_test
from edi837.codes import descriptions as codelists
from edi837.model.acks import AckCode, GroupAck, SetAck, Verdict
from edi837.x12 import spec
from edi837.x12.datatypes import N0
from edi837.x12.log import escaped, shown, shown_number, shown_version
from edi837.x12.loops import Placement
from edi837.x12.spec import Picker, picker
from edi837.x12.transactions import ACK_999, Gathered, Item, Placed, Segment, Transaction

AK1 = picker("AK1", "AK101", "AK102", "AK103")
AK2 = picker("AK2", "AK201", "AK202", "AK203")
AK9 = picker("AK9", *(f"AK9{n:02d}" for n in range(1, 10)))
CTX01 = picker("CTX", "CTX01")
CONTEXT = picker("CTX01", "CTX01-1", "CTX01-2")
_KEEP = frozenset({Verdict.ACCEPTED, Verdict.ACCEPTED_WITH_ERRORS, Verdict.REJECTED})


@attrs.frozen(slots=True)
class Dialect:
    """The segment names of one kind: the 999's IK3/IK4/IK5, or the 997's AK3/AK4/AK5."""

    name: str
    set_loop: str  # the loop AK2 opens
    segment_note: str
    element_note: str
    trailer: str

    def pickers(self) -> tuple[Picker, Picker, Picker, Picker]:
        s, e, t = self.segment_note, self.element_note, self.trailer
        position = f"{e}01"  # element, component (and, in a 999, repetition)
        components = spec.segment(e).element(position).components
        return (
            picker(s, f"{s}01", f"{s}02", f"{s}03", f"{s}04"),
            picker(e, position, f"{e}03"),
            picker(position, *(c.ref for c in components)),
            picker(t, *(f"{t}{n:02d}" for n in range(1, 7))),
        )


X999 = Dialect("999", "2000", "IK3", "IK4", "IK5")
X997 = Dialect("997", "AK2", "AK3", "AK4", "AK5")


class GroupDecoder:
    """One 999 (or 997) transaction set: see the module docstring."""

    def __init__(self, transaction: Transaction, fields: Fields, dialect: Dialect) -> None:
        self.transaction = transaction
        self.fields = fields
        self.dialect = dialect
        self.component = transaction.component
        self.note, self.element, self.position_in_segment, self.trailer = dialect.pickers()
        self.ak1: Segment | None = None
        self.ak9: Segment | None = None
        self.sets: list[SetAck] = []
        self.unknown: set[int] = set()  # indexes of sets whose own verdict could not be read
        self.table: dict[tuple[str, str], Callable[[Item], None]] = {
            ("ST", "AK1"): self._ak1,
            ("ST", "AK9"): self._ak9,
            (dialect.set_loop, "AK2"): self._set,
        }
        kind = transaction.kind
        if kind is ACK_999 and not ACK_999.reads(transaction.version):
            fields.log.record(
                catalogue.ACK_VERSION,
                f"a 999 of version {shown_version(transaction.version)}, not 005010X231A1; read as one",
                transaction.position,
                "ST",
            )

    # -- what the reader calls ------------------------------------------------------------------
    def feed(self, item: Item) -> Answers:
        handler = self.table.get(item.key)
        if handler is None or (isinstance(item, Placed) and item.how is Placement.UNKNOWN):
            assert isinstance(item, Placed)  # a gathered loop always has its handler
            self.fields.unexpected(item, self.dialect.name)
            return NONE
        handler(item)
        return NONE

    def finish(self, position: int) -> Answers:
        transaction, log = self.transaction, self.fields.log
        if self.ak1 is None:
            log.record(
                catalogue.ACK_MISSING,
                f"the {self.dialect.name} has no AK1: it names no group of ours",
                position,
                "SE",
            )
        functional_id, group, version = AK1(self.ak1[1]) if self.ak1 else ("", "", "")
        verdict, codes, counts = self._trailer(position)
        sets = self.sets
        if self.unknown:
            fallback = verdict if verdict in _KEEP else Verdict.REJECTED
            sets = [
                attrs.evolve(s, verdict=fallback) if i in self.unknown else s
                for i, s in enumerate(sets)
            ]
        return (
            GroupAck(
                position=self.ak1[0] if self.ak1 else transaction.position,
                functional_id=functional_id.strip(),
                control_number=group.strip(),
                verdict=verdict,
                sets=tuple(sets),
                codes=codes,
                included=counts[0],
                received=counts[1],
                accepted=counts[2],
                version=version.strip(),
                on=self.fields.answered_on(transaction),
                test=is_test(transaction.isa),
            ),
        )

    # -- the handlers ---------------------------------------------------------------------------
    def _ak1(self, item: Item) -> None:
        assert isinstance(item, Placed)
        if self.ak1 is not None:
            self.fields.log.record(
                catalogue.ACK_SEGMENT,
                "a second AK1 in one transaction set; the first is read",
                item.position,
                "AK1",
            )
            return
        self.ak1 = (item.position, item.elements)

    def _ak9(self, item: Item) -> None:
        assert isinstance(item, Placed)
        if self.ak9 is None:
            self.ak9 = (item.position, item.elements)

    def _set(self, item: Item) -> None:
        """Loop 2000 (AK2 in a 997) read whole: one transaction set's answer."""
        assert isinstance(item, Gathered)
        log, name = self.fields.log, self.dialect.trailer
        start = item.loop.start
        if item.opening is None:
            log.record(
                catalogue.ACK_MISSING,
                f"answers for a transaction set with no AK2 before them (at {name} or an error "
                "note); they name no set of ours",
                start,
                None,
                item.path,
            )
            set_id = control = version = ""
        else:
            set_id, control, version = (v.strip() for v in AK2(item.opening[1]))
        trailer = [(at, elements) for at, elements in item.segments if elements[0] == name]
        if not trailer:
            log.record(
                catalogue.ACK_MISSING,
                f"the answer for transaction set {_set(control)} has no {name}",
                start,
                "AK2",
                item.path,
            )
        elif len(trailer) > 1:
            log.record(
                catalogue.ACK_SEGMENT,
                f"{name} appears {len(trailer)} times for transaction set {_set(control)};"
                " the first is read",
                trailer[1][0],
                name,
                item.path,
            )
        answer, *errors = self.trailer(trailer[0][1]) if trailer else ("",)
        verdict = set_verdict(answer.strip())
        if verdict is None:
            if trailer:
                log.record(
                    catalogue.ACK_CODE,
                    f"{name}01 {shown(answer)} for transaction set {_set(control)} is "
                    "not an acknowledgment code; it is read as the group's answer (AK901) where "
                    "that is A, E or R, else as rejected",
                    trailer[0][0],
                    name,
                    item.path,
                )
            self.unknown.add(len(self.sets))
        codes = [code(f"{name}01", answer.strip(), codelists.IK5)]
        codes += [
            code(f"{name}{n:02d}", error.strip(), codelists.IK502)
            for n, error in enumerate(errors, 2)
            if error.strip()
        ]
        for note in item.children:
            codes += self._notes(note)
        self.sets.append(
            SetAck(
                position=start,
                set_id=set_id,
                control_number=control,
                verdict=verdict or Verdict.REJECTED,
                codes=tuple(codes),
                version=version,
            )
        )

    def _notes(self, note: Gathered) -> list[AckCode]:
        """An IK3 (AK3) and the IK4s (AK4s) under it: where in our file the errors are."""
        if note.opening is None:  # an IK4 with no IK3 before it: the stream implied 2100
            segment_id = loop = ""
            position_text = error = ""
        else:
            segment_id, position_text, loop, error = (v.strip() for v in self.note(note.opening[1]))
        position = _small(position_text)
        element_notes = [elements for _, elements in note.segments if elements[0] != "CTX"]
        element_notes += [c.opening[1] for c in note.children if c.opening is not None]
        contexts = [elements for _, elements in note.segments if elements[0] == "CTX"]
        contexts += [e for c in note.children for _, e in c.segments if e[0] == "CTX"]
        claim = self._claim(contexts)
        segment_code = self.dialect.segment_note + "04"
        out = [
            AckCode(
                segment_code,
                error,
                words(codelists.IK304, error),
                segment_position=position,
                segment_id=segment_id,
                loop=loop,
                context=claim,
            )
        ]
        element_code = self.dialect.element_note + "03"
        for elements in element_notes:
            if elements[0] != self.dialect.element_note:
                continue
            where, error_code = self.element(elements)
            out.append(
                AckCode(
                    element_code,
                    error_code.strip(),
                    words(codelists.IK403, error_code.strip()),
                    segment_position=position,
                    segment_id=segment_id,
                    loop=loop,
                    reference=self._reference(segment_id, where),
                    context=claim,
                )
            )
        return out

    def _reference(self, segment_id: str, where: str) -> str:
        """IK401 as a reference designator: ``CLM05-3``, with the repetition when given."""
        # element, component and (a 999's, not a 997's) repetition
        element, component, *more = (
            _small(p.strip()) for p in self.position_in_segment(where.split(self.component))
        )
        repetition = more[0] if more else None
        if element is None:
            return escaped(where)  # kept as sent, as a reference shows it
        text = f"{escaped(segment_id, 3)}{element:02d}"
        if component is not None:
            text += f"-{component}"
        if repetition is not None:
            text += f" repetition {repetition}"
        return text

    def _claim(self, contexts: list[list[str]]) -> str:
        """The claim (CLM01) a business-unit CTX names: ``CTX*CLM01:N00000002``."""
        for elements in contexts:
            (composite,) = CTX01(elements)
            name, value = CONTEXT(composite.split(self.component))
            if name.strip() == "CLM01" and value.strip():
                return value.strip()
        return ""

    def _trailer(self, position: int) -> tuple[Verdict, tuple[AckCode, ...], list[int | None]]:
        """AK9: the group's verdict, its codes and its three counts."""
        fields, log = self.fields, self.fields.log
        if self.ak9 is None:
            log.record(
                catalogue.ACK_MISSING,
                f"the {self.dialect.name} has no AK9; the group's answer is taken from its sets",
                position,
                "SE",
            )
            return self._from_sets(), (), [None, None, None]
        at, elements = self.ak9
        answer, *rest = (v.strip() for v in AK9(elements))
        counts = [fields.count(text, f"AK90{n}", at) for n, text in enumerate(rest[:3], 2)]
        codes = [code("AK901", answer, codelists.IK5)]
        codes += [
            code(f"AK9{n:02d}", error, codelists.AK905)
            for n, error in enumerate(rest[3:], 5)
            if error
        ]
        verdict = group_verdict(answer)
        if verdict is None:
            log.record(
                catalogue.ACK_CODE,
                f"AK901 {shown(answer)} is not an acknowledgment code; the group's answer is "
                "taken from its sets",
                at,
                "AK9",
            )
            verdict = self._from_sets()
        return verdict, tuple(codes), counts

    def _from_sets(self) -> Verdict:
        """With no readable AK9: accepted when every set is, partly when some are."""
        known = [s.verdict for i, s in enumerate(self.sets) if i not in self.unknown]
        if known and len(known) == len(self.sets) and all(v.accepts for v in known):
            return Verdict.ACCEPTED
        return Verdict.PARTIAL if any(v.accepts for v in known) else Verdict.REJECTED


def _set(control: str) -> str:
    """The transaction set an answer names (AK202): its control number, or ``?``."""
    return shown_number(control) if control else "?"


def _small(text: str) -> int | None:
    """A position, element or repetition number (N0 1/10 at most), or None when it is none."""
    return N0.small(text)
