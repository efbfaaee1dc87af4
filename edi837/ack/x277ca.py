"""The 277CA claim acknowledgment (005010X214): claim by claim, did the payer take it in? A
handler table on the transaction stream.

The hierarchy (HL) has four levels: 20 the payer (2000A, its dates in 2200A), 21 us as the
information receiver (2000B; 2200B TRN02 echoes the BHT03 of the transaction set we sent), 19
the billing provider (2000C; 2200C) and PT the patient (2000D), whose claims come in loop 2200D
(TRN02 = our CLM01, REF*1K the payer's claim number) with their lines in 2220D (REF*FJ = our
REF*6R). The stream hands each 2200D over gathered whole with its lines, so one claim at a time
is held however large the file:

- a 2200D becomes a :class:`ClaimAck` with its :class:`LineAck`\\ s;
- a status at 2200B or 2200C (an STC there) becomes a :class:`BatchAck` for the whole set: a
  receiver-level rejection names no claim at all.

Every STC carries up to three statuses (STC01, STC10, STC11), each category:status:entity
(``A7:562:85``). The verdict of a claim (a line, a level) comes from all of its statuses: rejected
when any category keeps it out, accepted when one lets it in; when no category tells, STC03 does
(WQ accept, U reject); see :mod:`edi837.ack.codes`. The patient's name and ID (2100D) are not
read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal

import attrs

from edi837 import catalogue
from edi837.ack.codes import action_verdict, category_verdict, status_words
from edi837.ack.fields import NONE, Answers, Fields, is_test
from edi837.model.acks import AckCode, BatchAck, ClaimAck, LineAck, Verdict
from edi837.model.positional import positional
from edi837.x12.datatypes import DT, R
from edi837.x12.log import escaped, shown
from edi837.x12.loops import Placement
from edi837.x12.spec import picker
from edi837.x12.transactions import Gathered, Item, Placed, Transaction

BHT04 = picker("BHT", "BHT04")
HL03 = picker("HL", "HL03")
NM1 = picker("NM1", "NM101", "NM109")
TRN02 = picker("TRN", "TRN02")
DTP = picker("DTP", "DTP01", "DTP03")
STC = picker("STC", "STC01", "STC02", "STC03", "STC04")
STC_MORE = picker("STC", "STC10", "STC11")  # the second and third statuses, rarely sent
_MORE = STC_MORE.width - 2  # STC10's index: a segment of no more elements sends neither
STATUS = picker("STC01", "STC01-1", "STC01-2", "STC01-3")
REF = picker("REF", "REF01", "REF02")
QTY = picker("QTY", "QTY01", "QTY02")
AMT = picker("AMT", "AMT01", "AMT02")
SVC = picker("SVC", "SVC01", "SVC02")
PROCEDURE = picker("SVC01", "SVC01-1", "SVC01-2")
_PROCESS_DATE = "009"  # DTP*009 in 2200A: the date the payer processed the file
# a large 277CA repeats a few statuses: each is read once (the memo is cleared past this size)
_KNOWN_LIMIT = 4096
# a ClaimAck from its fields in order, at the cost of plain slot stores (edi837.model.positional)
_new_claim_ack = positional(ClaimAck)
# enum members as module names: on Python 3.11 a member looked up on its class costs a call
_ACCEPTED, _REJECTED = Verdict.ACCEPTED, Verdict.REJECTED
_UNKNOWN = Placement.UNKNOWN
_known_date, _known_amount = DT.known, R.known
# QTY and AMT qualifiers: (accepted count, rejected count) at 2200B and at 2200C
_COUNTS = {"2200B": ("90", "AA"), "2200C": ("QA", "QC")}


class _Status:
    """What the STCs of one claim, line or level said. A plain class: one is made per claim."""

    __slots__ = ("actions", "categories", "charge", "codes", "on", "seen")

    def __init__(self) -> None:
        self.codes: list[AckCode] = []
        self.categories: list[Verdict | None] = []
        self.actions: list[Verdict] = []
        self.on: date | None = None
        self.charge: Decimal | None = None
        self.seen = False


@attrs.define
class _Level:
    """A 2200B or 2200C being read, until the loop ends."""

    level: str
    position: int
    reference: str
    provider: str
    status: _Status = attrs.field(factory=_Status)
    counts: dict[str, int | None] = attrs.field(factory=dict)
    amounts: dict[str, Decimal | None] = attrs.field(factory=dict)


class ClaimAckDecoder:
    """One 277CA transaction set: see the module docstring."""

    def __init__(self, transaction: Transaction, fields: Fields) -> None:
        self.transaction = transaction
        self.fields = fields
        self.component = transaction.component
        self.test = is_test(transaction.isa)
        self.file_date = fields.answered_on(transaction)  # GS04, until BHT04 or DTP*009 says
        self.batch_reference = ""  # 2200B TRN02 of the receiver level being read
        self.provider = ""  # 2100C NM109 of the provider level being read
        self.level: _Level | None = None
        self._statuses: dict[tuple[str, str], tuple[AckCode, Verdict | None]] = {}
        skip: Callable[[Item], Answers] = _skip
        self.table: dict[tuple[str, str], Callable[[Item], Answers]] = {
            ("ST", "BHT"): self._bht,
            ("2000A", "HL"): self._hierarchy,
            ("2100A", "NM1"): skip,  # the payer's name
            ("2200A", "TRN"): skip,  # the payer's own trace number for the file
            ("2200A", "DTP"): self._process_date,
            ("2000B", "HL"): self._hierarchy,
            ("2100B", "NM1"): skip,  # ourselves, as the information receiver
            ("2200B", "TRN"): self._level_trace,
            ("2000C", "HL"): self._hierarchy,
            ("2100C", "NM1"): self._provider,
            ("2200C", "TRN"): self._level_trace,
            ("2000D", "HL"): self._hierarchy,
            ("2100D", "NM1"): skip,  # the patient: member data, never read
            ("2200D", "TRN"): self._claim,
        }
        for loop in ("2200B", "2200C"):
            self.table[(loop, "STC")] = self._level_status
            self.table[(loop, "QTY")] = self._level_quantity
            self.table[(loop, "AMT")] = self._level_amount
        self.table[("2200C", "REF")] = skip  # the provider's secondary IDs

    # -- what the reader calls ------------------------------------------------------------------
    def feed(self, item: Item) -> Answers:
        if item.__class__ is Gathered:  # always a claim (2200D): the only loop read gathered
            assert isinstance(item, Gathered)
            if self.level is not None:  # a 2200D is never the level being read
                return self._close_level() + self._claim(item)
            return self._claim(item)
        assert isinstance(item, Placed)
        loop_id = item.loop.spec.id if item.loop is not None else ""  # item.loop_id, inlined
        out = NONE
        if self.level is not None and loop_id != self.level.level:
            out = self._close_level()
        handler = self.table.get((loop_id, item.elements[0]))
        if handler is None or item.how is _UNKNOWN:
            self.fields.unexpected(item, "277CA")
            return out
        return out + handler(item)

    def finish(self, position: int) -> Answers:
        return self._close_level() if self.level is not None else NONE

    # -- the header and the hierarchy -------------------------------------------------------------
    def _bht(self, item: Item) -> Answers:
        assert isinstance(item, Placed)
        on = self.fields.date(BHT04(item.elements)[0], "BHT04", item.position)
        self.file_date = on or self.file_date
        return NONE

    def _process_date(self, item: Item) -> Answers:
        assert isinstance(item, Placed)
        qualifier, text = DTP(item.elements)
        if qualifier == _PROCESS_DATE:
            on = self.fields.date(text, "DTP03", item.position, item.path)
            self.file_date = on or self.file_date
        return NONE

    def _hierarchy(self, item: Item) -> Answers:
        """A new HL: what the levels below it inherit starts again."""
        assert isinstance(item, Placed)
        level = item.loop_id
        if level in ("2000A", "2000B"):
            self.batch_reference = ""
        if level != "2000D":
            self.provider = ""
        return NONE

    def _provider(self, item: Item) -> Answers:
        assert isinstance(item, Placed)
        self.provider = NM1(item.elements)[1].strip()
        return NONE

    # -- 2200B and 2200C: a status for the whole set ---------------------------------------------
    def _level_trace(self, item: Item) -> Answers:
        assert isinstance(item, Placed)
        (trace,) = TRN02(item.elements)
        if item.loop_id == "2200B":
            self.batch_reference = trace.strip()
        self.level = _Level(item.loop_id, item.position, self.batch_reference, self.provider)
        return NONE

    def _level_status(self, item: Item) -> Answers:
        assert isinstance(item, Placed)
        level = self._open_level(item)
        self._status(level.status, item.position, item.elements, item.path, "")
        return NONE

    def _level_quantity(self, item: Item) -> Answers:
        assert isinstance(item, Placed)
        level = self._open_level(item)
        qualifier, text = QTY(item.elements)
        level.counts[qualifier] = self.fields.count(text, "QTY02", item.position, item.path)
        return NONE

    def _level_amount(self, item: Item) -> Answers:
        assert isinstance(item, Placed)
        level = self._open_level(item)
        qualifier, text = AMT(item.elements)
        level.amounts[qualifier] = self.fields.amount(text, "AMT02", item.position, item.path)
        return NONE

    def _open_level(self, item: Placed) -> _Level:
        if self.level is None:  # its TRN is missing: the stream implied the loop
            reference = self.batch_reference if item.loop_id == "2200C" else ""
            self.level = _Level(item.loop_id, item.position, reference, self.provider)
        return self.level

    def _close_level(self) -> Answers:
        level, self.level = self.level, None
        assert level is not None
        if not level.status.seen:
            if level.level == "2200B":  # required there; a provider level may say nothing
                self.fields.log.record(
                    catalogue.ACK_STATUS,
                    "the information receiver level (2200B) has no STC; the set's answer is "
                    "taken from its claims",
                    level.position,
                    "TRN",
                    level.level,
                )
            return NONE
        accepted, rejected = _COUNTS[level.level]
        verdict = self._verdict(level.status, level.position, level.level, "")
        return (
            BatchAck(
                position=level.position,
                level=level.level,
                batch_reference=level.reference,
                verdict=verdict,
                statuses=tuple(level.status.codes),
                provider=level.provider if level.level == "2200C" else "",
                on=level.status.on or self.file_date,
                accepted=level.counts.get(accepted),
                rejected=level.counts.get(rejected),
                accepted_amount=level.amounts.get("YU"),
                rejected_amount=level.amounts.get("YY"),
                test=self.test,
            ),
        )

    # -- 2200D: one claim, with its lines ---------------------------------------------------------
    def _claim(self, item: Item) -> Answers:
        assert isinstance(item, Gathered)
        fields = self.fields
        start = item.loop.start
        claim_id = TRN02(item.opening[1])[0].strip() if item.opening is not None else ""
        if not claim_id:
            fields.log.record(
                catalogue.ACK_CLAIM_ID,
                "a claim answer (2200D) with no TRN02 naming our claim; kept as unmatched",
                start,
                "TRN",
                item.path,
            )
        status = _Status()
        payer_claim_number = ""
        for position, elements in item:  # its own segments
            seg_id = elements[0]
            if seg_id == "STC":
                self._status(status, position, elements, item.path, claim_id)
            elif seg_id == "REF":
                qualifier, value = REF(elements)
                if qualifier == "1K" and not payer_claim_number:
                    payer_claim_number = value.strip()
        lines = (
            tuple([self._line(line, claim_id) for line in item.children]) if item.children else ()
        )
        return (
            _new_claim_ack(
                start,  # position
                claim_id,
                self._verdict(status, start, item.path, claim_id),
                tuple(status.codes),  # statuses
                payer_claim_number,
                status.on or self.file_date,  # on
                status.charge,
                lines,
                self.batch_reference,
                self.test,
            ),
        )

    def _line(self, line: Gathered, claim_id: str) -> LineAck:
        fields = self.fields
        start = line.loop.start
        procedure, charge = "", None
        if line.opening is not None:
            composite, charge_text = SVC(line.opening[1])
            qualifier, code = PROCEDURE(composite.split(self.component))
            procedure = f"{qualifier}:{code}" if qualifier and code else code
            charge = fields.amount(charge_text, "SVC02", start, line.path, claim_id)
        status = _Status()
        control = ""
        for position, elements in line.segments:
            if elements[0] == "STC":
                self._status(status, position, elements, line.path, claim_id)
            elif elements[0] == "REF":
                qualifier, value = REF(elements)
                if qualifier == "FJ" and not control:
                    control = value.strip()
        return LineAck(
            position=start,
            line_control_number=control,
            verdict=self._verdict(status, start, line.path, claim_id),
            statuses=tuple(status.codes),
            procedure=procedure,
            charge=charge,
        )

    # -- statuses ---------------------------------------------------------------------------------
    def _status(
        self, status: _Status, position: int, elements: list[str], loop: str, claim: str
    ) -> None:
        """One STC: its statuses (STC01, STC10, STC11), date (STC02), action (STC03), charge."""
        first, on, action, charge = (
            STC.fetch(elements) if len(elements) >= STC.width else STC(elements)
        )
        tenth, eleventh = STC_MORE(elements) if len(elements) > _MORE else ("", "")
        fields = self.fields
        if not status.seen:  # text read before is its value (Fields tries the same first)
            status.on = _known_date(on) or fields.date(on, "STC02", position, loop, claim)
            known_charge = _known_amount(charge)
            status.charge = (
                known_charge
                if known_charge is not None
                else fields.amount(charge, "STC04", position, loop, claim)
            )
        status.seen = True
        known = self._statuses
        sent = (
            (("STC01", first),)
            if not (tenth or eleventh)
            else (("STC01", first), ("STC10", tenth), ("STC11", eleventh))
        )
        for key in sent:  # (element, composite)
            if not key[1]:
                continue
            read = known.get(key)
            if read is None:
                if len(known) >= _KNOWN_LIMIT:
                    known.clear()
                read = known[key] = self._read_status(*key)
            status.codes.append(read[0])
            status.categories.append(read[1])
        verdict = action_verdict(action.strip())
        if verdict is not None:
            status.actions.append(verdict)

    def _read_status(self, element: str, composite: str) -> tuple[AckCode, Verdict | None]:
        """One category:status:entity composite: its code, words and category's verdict."""
        category, code, entity = (p.strip() for p in STATUS(composite.split(self.component)))
        value = ":".join(part for part in (category, code, entity) if part)
        return AckCode(element, value, status_words(category, code, entity)), category_verdict(
            category
        )

    def _verdict(self, status: _Status, position: int, loop: str, claim: str) -> Verdict:
        """Rejected when any category keeps it out; else accepted when one lets it in; else
        STC03; else (nothing readable) rejected, with a warning."""
        log = self.fields.log
        categories, actions = status.categories, status.actions
        if categories.count(None) != len(categories):  # some category tells
            verdict = _REJECTED if _REJECTED in categories else _ACCEPTED
            if actions.count(verdict) != len(actions):  # an action says otherwise
                action = "U (reject)" if verdict.accepts else "WQ (accept)"
                log.record(
                    catalogue.ACK_ACTION,
                    f"STC03 says {action} but the status category says "
                    f"{verdict.value}{_for(claim)}; read as {verdict.value}",
                    position,
                    "STC",
                    loop,
                    claim,
                )
            return verdict
        if status.actions:
            return Verdict.REJECTED if Verdict.REJECTED in status.actions else Verdict.ACCEPTED
        what = "no STC" if not status.seen else "no status category or action code edi837 knows"
        log.record(
            catalogue.ACK_STATUS,
            f"{what}{_for(claim)}{_codes(status.codes)}; read as rejected: ask the payer",
            position,
            "STC",
            loop,
            claim,
        )
        return Verdict.REJECTED


def _skip(item: Item) -> Answers:
    return NONE


def _for(claim: str) -> str:
    return f" for claim {escaped(claim)}" if claim else ""  # as the location names it


def _codes(codes: Iterable[AckCode]) -> str:
    sent = ", ".join(shown(c.code) for c in codes)
    return f" ({sent})" if sent else ""
