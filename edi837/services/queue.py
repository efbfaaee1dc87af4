"""The work queue: every claim with its state, its money, its age, its filing deadline and what
to do next, all from the one state machine (edi837/lifecycle), plus what the 835s held that
matches nothing of ours. ``edi837 claims`` and ``edi837 reconcile`` show it; the HTML report
draws on it. Streamed claim by claim; the totals are gathered as the claims go by."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from datetime import date
from decimal import Decimal
from typing import NamedTuple

import attrs

from edi837.ledger.event_rows import Raw
from edi837.ledger.events import Alike, EventReader
from edi837.ledger.store import Ledger
from edi837.lifecycle.actions import Kind, table
from edi837.lifecycle.advice import Advice, Aging, aging, next_action
from edi837.lifecycle.events import ClaimFacts
from edi837.lifecycle.machine import ClaimOutcome, Figures, State
from edi837.lifecycle.shapes import named_shape, remembered
from edi837.payer.fee_schedule import program_of

ZERO = Decimal(0)
_ADVICE_LIMIT = 4096


@attrs.frozen(slots=True)
class QueueItem:
    facts: ClaimFacts
    outcome: ClaimOutcome
    advice: Advice
    aging: Aging

    @property
    def needs_action(self) -> bool:
        return not self.advice.done


@attrs.frozen
class Filters:
    states: frozenset[str] = frozenset()  # State values
    member: str | None = None
    month: str | None = None  # YYYY-MM (the service month)
    # the claim's earliest date of service (a claim never spans months: services/grouping.py)
    service_from: date | None = None
    service_to: date | None = None
    test: bool | None = None  # True: test batches only; False: production only; None: both
    open_only: bool = False  # only claims that need an action

    @property
    def by_facts(self) -> bool:
        """Whether every filter reads only what claims alike share (ledger/row_shapes.py: every
        column but the identities): the service month and dates, and the batch's usage."""
        return not (self.states or self.member or self.open_only)

    def keep_facts(self, facts: ClaimFacts) -> bool:
        """:meth:`keep` of a claim with these facts, when :attr:`by_facts`."""
        if self.month and facts.service_month != self.month:
            return False
        if self.service_from and facts.first_date < self.service_from:
            return False
        if self.service_to and facts.first_date > self.service_to:
            return False
        return self.test is None or facts.test == self.test

    def keep(self, item: QueueItem) -> bool:
        facts = item.facts
        if self.states and item.outcome.state.value not in self.states:
            return False
        if self.member and facts.member_id != self.member:
            return False
        if not self.keep_facts(facts):  # the filters claims alike share, said once
            return False
        return not (self.open_only and not item.needs_action)


class AlikeItem(NamedTuple):
    """A claim of the work queue whose rows are an earlier claim's but for its identities
    (``EventReader.alike``): its age and advice are its shape's, its facts and outcome are made
    only when asked (:meth:`item`). :func:`entries` hands these out for what needs only a
    claim's identities and its shape's answer (the JSON, the totals of a group met before)."""

    alike: Alike
    aging: Aging
    advice: Advice

    def item(self) -> QueueItem:
        """The claim as :func:`queue` gives it."""
        facts, outcome = self.alike.evaluated()
        return QueueItem(facts, outcome, self.advice, self.aging)


def queue(
    ledger: Ledger,
    *,
    as_of: date,
    filters: Filters = Filters(),
    claim_ids: Collection[str] | None = None,
) -> Iterator[QueueItem]:
    """Every claim (or those asked for) that passes the filters, in claim-ID order."""
    every = filters == Filters()
    for item in _entries(EventReader(ledger).evaluated(claim_ids, by_rows=True), as_of):
        assert isinstance(item, QueueItem)
        if every or filters.keep(item):
            yield item


def entries(
    ledger: Ledger, *, as_of: date, filters: Filters = Filters()
) -> Iterator[QueueItem | AlikeItem]:
    """:func:`queue`'s claims; a claim whose rows are an earlier claim's but for its identities
    as an :class:`AlikeItem` (``item()`` is the claim :func:`queue` gives), when the filters read
    only what such claims share (:attr:`Filters.by_facts`; else this is :func:`queue`)."""
    if filters == Filters():
        return _entries(EventReader(ledger).alike(None), as_of)
    if not filters.by_facts:
        return queue(ledger, as_of=as_of, filters=filters)
    return _filtered(_entries(EventReader(ledger).alike(None), as_of), filters)


def _filtered(
    found: Iterable[QueueItem | AlikeItem], filters: Filters
) -> Iterator[QueueItem | AlikeItem]:
    # an alike claim's month, first date and usage are those of the facts it is like
    keep = filters.keep_facts
    for entry in found:
        if keep(entry.alike.like if isinstance(entry, AlikeItem) else entry.facts):
            yield entry


def _entries(
    found: Iterable[tuple[Raw, ClaimFacts, ClaimOutcome] | Alike], as_of: date
) -> Iterator[QueueItem | AlikeItem]:
    # the age and advice of a claim of a known shape (lifecycle/shapes.py) that names no other
    # claim, by its shape: what aging and next_action read of it but its identities (its shape
    # key holds the date it was sent and its lines' dates of service), on this as_of
    advised: dict[object, tuple[Aging, Advice]] = {}
    for claim in found:
        if isinstance(claim, Alike):
            # (a claim of a row key names no other claim: its shape is named_shape's)
            known = advised.get(claim.shape) if remembered(claim.shape) else None
            if known is not None:
                yield AlikeItem(claim, *known)
                continue
            facts, outcome = claim.evaluated()
        else:
            _raw, facts, outcome = claim
        shape = named_shape(facts, outcome)
        if shape is None:
            age = aging(facts, as_of)
            advice = next_action(facts, outcome, as_of, age=age)
        else:
            advice_of = advised.get(shape)
            if advice_of is None:
                if len(advised) >= _ADVICE_LIMIT:
                    advised.clear()
                age = aging(facts, as_of)
                advice_of = advised[shape] = (age, next_action(facts, outcome, as_of, age=age))
            age, advice = advice_of
        yield QueueItem(facts, outcome, advice, age)


# -- totals -------------------------------------------------------------------------------------


# what a line was paid without line detail: the claim's payment, when its lines span programs
SEVERAL_PROGRAMS = "several programs, paid without line detail"
_DENIALS = (Kind.DENIAL, Kind.OTHER)  # what the state machine counts as denied (machine._split)


@attrs.define
class ProgramTally:
    """One program's lines (ECM PMPM, ECM outreach, each Community Supports service...): what
    was billed on them, what the payer paid on them (its line detail, SVC03; a claim answered
    without line detail counts whole when all its lines are of one program) and the charges of
    the lines it finally denied. Recoupments and claim-level adjustments are in the book's
    figures, not here."""

    claims: int = 0
    lines: int = 0
    units: Decimal = ZERO
    billed: Decimal = ZERO
    paid: Decimal = ZERO
    denied_lines: int = 0
    denied: Decimal = ZERO


@attrs.define
class ReasonTally:
    """The denials of one adjustment reason (CAS group and CARC) over the adjudicated claims."""

    amount: Decimal = ZERO
    claims: int = 0


class _Running:
    """A sum of Figures kept in place: one Figures made per claim added costs more than the
    additions themselves. The additions are made in the same order, so the sums are the same."""

    __slots__ = (
        "billed",
        "cancelled",
        "contractual",
        "denied",
        "open",
        "overpaid",
        "paid",
        "patient",
    )

    def __init__(self) -> None:
        self.billed = self.paid = self.contractual = self.patient = ZERO
        self.denied = self.cancelled = self.open = self.overpaid = ZERO

    def add(self, figures: Figures) -> None:
        self.billed += figures.billed
        self.paid += figures.paid
        self.contractual += figures.contractual
        self.patient += figures.patient
        self.denied += figures.denied
        self.cancelled += figures.cancelled
        self.open += figures.open
        self.overpaid += figures.overpaid

    def figures(self) -> Figures:
        return Figures(
            self.billed,
            self.paid,
            self.contractual,
            self.patient,
            self.denied,
            self.cancelled,
            self.open,
            self.overpaid,
        )


@attrs.define
class Book:
    """One usage's figures: overall, by service month, open amounts (and claims) by aging
    bucket, by program, and the denied amounts by adjustment reason (they add up to the
    figures' ``denied``) with the remark codes (RARC) the denied claims carried."""

    claims: int = 0
    by_bucket: dict[str, Decimal] = attrs.field(factory=dict)
    bucket_claims: dict[str, int] = attrs.field(factory=dict)
    by_program: dict[str, ProgramTally] = attrs.field(factory=dict)
    by_reason: dict[tuple[str, str], ReasonTally] = attrs.field(factory=dict)
    remarks: dict[str, int] = attrs.field(factory=dict)  # RARC -> claims with a denial
    _sum: _Running = attrs.field(factory=_Running, repr=False)
    _months: dict[str, _Running] = attrs.field(factory=dict, repr=False)

    @property
    def figures(self) -> Figures:
        return self._sum.figures()

    @property
    def by_month(self) -> dict[str, Figures]:
        return {month: running.figures() for month, running in self._months.items()}

    def add(self, item: QueueItem) -> None:
        outcome = item.outcome
        figures = outcome.figures
        self.claims += 1
        self._sum.add(figures)
        month = item.facts.service_month
        running = self._months.get(month)
        if running is None:
            running = self._months[month] = _Running()
        running.add(figures)
        if figures.open:
            bucket = item.aging.bucket
            self.by_bucket[bucket] = self.by_bucket.get(bucket, ZERO) + figures.open
            self.bucket_claims[bucket] = self.bucket_claims.get(bucket, 0) + 1
        self._add_programs(item)
        if outcome.state.adjudicated:
            self._add_denials(outcome)

    def _program(self, name: str) -> ProgramTally:
        tally = self.by_program.get(name)
        if tally is None:
            tally = self.by_program[name] = ProgramTally()
        return tally

    def _add_programs(self, item: QueueItem) -> None:
        outcome = item.outcome
        programs = self.by_program
        seen: list[str] = []  # a claim's programs are one or two
        itemised = False
        for sent, line in zip(item.facts.lines, outcome.lines, strict=True):
            name = program_of(sent.procedure, sent.modifiers)
            tally = programs.get(name)
            if tally is None:
                tally = programs[name] = ProgramTally()
            if name not in seen:
                seen.append(name)
                tally.claims += 1
            tally.lines += 1
            tally.units += sent.units
            tally.billed += line.billed
            if line.paid is not None:
                itemised = True
                tally.paid += line.paid
            if line.denied:
                tally.denied_lines += 1
                tally.denied += line.billed
        if itemised or not outcome.adjudications or not outcome.figures.paid:
            return
        if len(seen) == 1:
            self._program(seen[0]).paid += outcome.figures.paid
        else:
            several = self._program(SEVERAL_PROGRAMS)
            several.claims += 1
            several.paid += outcome.figures.paid

    def _add_denials(self, outcome: ClaimOutcome) -> None:
        """The adjustments the state machine counted as denied, by reason: the claim's own and
        those of its lines that the rules did not predict unpaid (those count as contractual)."""
        rules = table()
        reasons = [
            *outcome.reasons,
            *(r for line in outcome.lines if line.expected_unpaid is None for r in line.reasons),
        ]
        keys: set[tuple[str, str]] = set()
        for reason in reasons:
            if not reason.amount or rules.kind(reason.group, reason.code) not in _DENIALS:
                continue
            key = (reason.group, reason.code)
            tally = self.by_reason.get(key)
            if tally is None:
                tally = self.by_reason[key] = ReasonTally()
            tally.amount += reason.amount
            if key not in keys:
                keys.add(key)
                tally.claims += 1
        if not keys:
            return
        codes = {*outcome.remarks, *(code for line in outcome.lines for code in line.remarks)}
        for code in codes:
            self.remarks[code] = self.remarks.get(code, 0) + 1


@attrs.define
class Totals:
    """What was billed, paid, adjusted, owed by members and still open: for production and for
    test batches apart (a test batch is not billing), each overall, by service month and by
    aging bucket (of the open amounts); and claims by state. Void claims and abandoned batches
    add no money (a void repeats its original's charge; an abandoned batch was never sent)."""

    production: Book = attrs.field(factory=Book)
    test: Book = attrs.field(factory=Book)
    claims: int = 0
    needing_action: int = 0
    by_state: dict[str, tuple[int, Decimal]] = attrs.field(factory=dict)

    def add(self, item: QueueItem) -> None:
        outcome, facts = item.outcome, item.facts
        self.claims += 1
        self.needing_action += 1 if item.needs_action else 0
        state = outcome.state.value
        count, billed = self.by_state.get(state, (0, ZERO))
        self.by_state[state] = (count + 1, billed + outcome.figures.billed)
        if facts.is_void or outcome.state is State.ABANDONED:
            return
        (self.test if facts.test else self.production).add(item)


# -- what matches nothing of ours ----------------------------------------------------------------


@attrs.frozen(slots=True)
class Unmatched:
    patient_control_number: str
    status_code: str
    charge: Decimal | None
    paid: Decimal | None
    payer_claim_number: str
    trace_number: str
    payer: str


def unmatched(ledger: Ledger) -> Iterator[Unmatched]:
    """835 claims that match no claim we sent (another system's, or a mangled CLP01)."""
    for row in ledger.db.execute(
        "SELECT e.patient_control_number, e.status_code, e.charge, e.paid, e.payer_claim_number, "
        "r.trace_number, r.payer_name FROM claim_events e JOIN remittances r ON r.remittance_id = e.remittance_id "
        "WHERE e.claim_id IS NULL ORDER BY r.event_date, e.remittance_id, e.seq"
    ):
        yield Unmatched(
            row[0],
            row[1],
            Decimal(row[2]) if row[2] else None,
            Decimal(row[3]) if row[3] else None,
            row[4],
            row[5],
            row[6],
        )


@attrs.frozen(slots=True)
class ProviderAdjustmentRow:
    reason: str
    reference: str
    amount: Decimal
    trace_number: str
    payer: str
    claim_id: str | None  # the claim its reference names (applied to that claim's balance)


def provider_adjustments(ledger: Ledger) -> list[ProviderAdjustmentRow]:
    return [
        ProviderAdjustmentRow(row[0], row[1], Decimal(row[2]), row[3], row[4], row[5])
        for row in ledger.db.execute(
            "SELECT p.reason, p.reference, p.amount, r.trace_number, r.payer_name, p.claim_id "
            "FROM provider_adjustments p JOIN remittances r ON r.remittance_id = p.remittance_id "
            "ORDER BY r.event_date, p.adjustment_id"
        )
    ]


@attrs.frozen(slots=True)
class PaymentTotals:
    payments: int
    received: Decimal  # sum of BPR02 (signed)
    claims_paid: Decimal  # sum of CLP04 over the payments
    provider_adjustments: Decimal  # sum of PLB amounts

    @property
    def balanced(self) -> bool:
        return self.received == self.claims_paid - self.provider_adjustments


def payment_totals(ledger: Ledger) -> PaymentTotals:
    db = ledger.db
    received = sum(
        (
            Decimal(r[0])
            for r in db.execute(
                "SELECT payment_amount FROM remittances WHERE payment_amount IS NOT NULL"
            )
        ),
        ZERO,
    )
    paid = sum(
        (Decimal(r[0]) for r in db.execute("SELECT paid FROM claim_events WHERE paid IS NOT NULL")),
        ZERO,
    )
    plb = sum((Decimal(r[0]) for r in db.execute("SELECT amount FROM provider_adjustments")), ZERO)
    count = db.execute("SELECT COUNT(*) FROM remittances").fetchone()[0]
    return PaymentTotals(int(count), received, paid, plb)
