"""The claim state machine: one state per claim, computed from its recorded events.

Nothing is stored or overwritten: the ledger hands over a claim's facts and its events in order
(:mod:`edi837.lifecycle.events`) and :func:`evaluate` folds them into a :class:`ClaimOutcome`.
Every command that shows or uses a state asks this module: the work queue, reconcile, the
report, void and replace (may this claim be corrected?), and the history rules (what counts as
billed, :attr:`ClaimOutcome.live` and :attr:`LineOutcome.denied`). docs/claim-states.md draws the
states and their transitions.

Money: every claim's figures satisfy

    billed = paid + contractual + patient + denied + cancelled + open - overpaid

where ``contractual`` includes the charges of lines the rules predicted unpaid (G9007 is
informational; U8 attempts past the rolling limit), ``cancelled`` is what a void, a replacement
or a resend took over, and ``open`` is what is still to be settled (the whole claim before it is
adjudicated; afterwards whatever the payer's adjustments leave unexplained).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from enum import StrEnum

import attrs

from edi837.lifecycle.actions import Kind, table
from edi837.lifecycle.events import (
    ZERO,
    Adjudication,
    ClaimFacts,
    Event,
    FrontDoor,
    LineFacts,
    LinePayment,
    Reason,
    Recoupment,
    Successor,
    Written,
)


class State(StrEnum):
    PENDING = "pending"
    ABANDONED = "abandoned"
    SENT = "sent"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    PAID = "paid"
    PAID_AS_EXPECTED = "paid_as_expected"
    PARTIALLY_PAID = "partially_paid"
    PATIENT_RESPONSIBILITY = "patient_responsibility"
    DENIED = "denied"
    SECONDARY = "secondary"
    REVERSED = "reversed"
    REPLACED = "replaced"
    VOIDED = "voided"

    @property
    def adjudicated(self) -> bool:
        return self in _ADJUDICATED


_ADJUDICATED = frozenset(
    {
        State.PAID,
        State.PAID_AS_EXPECTED,
        State.PARTIALLY_PAID,
        State.PATIENT_RESPONSIBILITY,
        State.DENIED,
        State.SECONDARY,
    }
)
# CLP02 codes: processed as secondary or tertiary (with or without forwarding)
_SECONDARY = frozenset({"2", "3", "20", "21"})
_PREDETERMINATION = "25"
_NOT_OURS = "23"
_DENIED = "4"


@attrs.frozen(slots=True)
class Figures:
    billed: Decimal = ZERO
    paid: Decimal = ZERO
    contractual: Decimal = ZERO
    patient: Decimal = ZERO
    denied: Decimal = ZERO
    cancelled: Decimal = ZERO
    open: Decimal = ZERO
    overpaid: Decimal = ZERO

    def __add__(self, other: Figures) -> Figures:
        # field by field: attrs.astuple walks the class's fields at every call, and the work
        # queue's totals add two Figures per claim
        return Figures(
            self.billed + other.billed,
            self.paid + other.paid,
            self.contractual + other.contractual,
            self.patient + other.patient,
            self.denied + other.denied,
            self.cancelled + other.cancelled,
            self.open + other.open,
            self.overpaid + other.overpaid,
        )

    @property
    def balanced(self) -> bool:
        """The identity in the module docstring (a test holds every fixture to it)."""
        return self.billed == (
            self.paid
            + self.contractual
            + self.patient
            + self.denied
            + self.cancelled
            + self.open
            - self.overpaid
        )


@attrs.frozen(slots=True)
class LineOutcome:
    line_id: str
    billed: Decimal
    paid: Decimal | None  # None: the payer answered the claim without line detail
    state: State
    reasons: tuple[Reason, ...] = ()  # net of reversals
    remarks: tuple[str, ...] = ()
    expected_unpaid: str | None = None
    denied: bool = False  # finally denied: it no longer counts as billed (unless the profile says)


@attrs.frozen(slots=True)
class ClaimOutcome:
    claim_id: str
    state: State
    figures: Figures
    lines: tuple[LineOutcome, ...]
    live: bool  # counts as billed in the history rules and the duplicate check
    payer_claim_number: str = ""
    reasons: tuple[Reason, ...] = ()  # claim-level, net of reversals
    remarks: tuple[str, ...] = ()
    front_door: FrontDoor | None = None  # the latest acknowledgment covering it
    successor: str | None = None  # the claim that voids or replaces it
    settled: bool = False  # a void: the payer's reversal arrived (or nothing was ever paid)
    flags: tuple[str, ...] = ()  # overpaid, paid_twice, unexplained
    adjudications: int = 0
    events: int = 0
    last_event: date | None = None

    @property
    def is_done(self) -> bool:
        return not self.figures.open and self.state not in _WAITING

    def reasons_everywhere(self) -> Iterable[Reason]:
        yield from self.reasons
        for line in self.lines:
            yield from line.reasons


_WAITING = frozenset({State.PENDING, State.SENT, State.ACCEPTED, State.REVERSED, State.REJECTED})


# -- the fold ---------------------------------------------------------------------------------------


def _net(reasons: Iterable[Reason]) -> tuple[Reason, ...]:
    """Adjustments summed per (group, code), zero sums dropped: a reversal cancels its original."""
    if not reasons:
        return ()  # most lines and claims have none
    totals: dict[tuple[str, str], Decimal] = {}
    for reason in reasons:
        key = (reason.group, reason.code)
        totals[key] = totals.get(key, ZERO) + reason.amount
    return tuple(Reason(g, c, amount) for (g, c), amount in totals.items() if amount)


class _LineRun:
    """One line's payments so far, during the fold (a plain class: one is made per line of
    every claim evaluated)."""

    __slots__ = (
        "facts",
        "paid",
        "payments_since_reversal",
        "reasons",
        "remarks",
        "reversed_last",
        "seen",
        "status",
    )

    def __init__(self, facts: LineFacts) -> None:
        self.facts = facts
        self.paid = ZERO
        self.seen = False
        self.reasons: list[Reason] = []
        self.remarks: tuple[str, ...] = ()
        self.payments_since_reversal = 0
        self.reversed_last = False
        self.status = "1"  # CLP02 of the adjudication that last touched the line

    def take(self, payment: LinePayment, reversal: bool, status: str) -> None:
        self.seen = True
        self.status = status
        self.paid += payment.paid or ZERO
        self.reasons.extend(payment.reasons)
        if payment.remarks or not reversal:
            self.remarks = payment.remarks
        if reversal:
            self.payments_since_reversal = 0
        elif payment.paid:
            self.payments_since_reversal += 1
        self.reversed_last = reversal


def _split(reasons: Iterable[Reason], *, expected: bool) -> tuple[Decimal, Decimal, Decimal]:
    """(contractual, patient, denied) of a set of adjustments; an expected-unpaid line's
    adjustments are contractual whatever their code."""
    contractual = patient = denied = ZERO
    if not reasons:
        return contractual, patient, denied
    rules = table()
    for reason in reasons:
        if expected:
            contractual += reason.amount
            continue
        kind = rules.kind(reason.group, reason.code)
        if kind is Kind.CONTRACTUAL:
            contractual += reason.amount
        elif kind is Kind.PATIENT:
            patient += reason.amount
        else:
            denied += reason.amount
    return contractual, patient, denied


def _classify(
    billed: Decimal,
    paid: Decimal,
    contractual: Decimal,
    patient: Decimal,
    denied: Decimal,
    status: str,
) -> tuple[State, Decimal]:
    """The adjudicated state, and what is left unexplained (negative: paid beyond the bill)."""
    unexplained = billed - paid - contractual - patient - denied
    if status in _SECONDARY:
        return State.SECONDARY, unexplained
    if paid >= billed and billed > 0 and not denied:
        return State.PAID, unexplained
    if status in (_DENIED, _NOT_OURS) and (denied or unexplained > 0 or not paid):
        return State.DENIED, unexplained
    if denied or unexplained > 0:
        return (State.PARTIALLY_PAID if paid > 0 else State.DENIED), unexplained
    if patient:
        return State.PATIENT_RESPONSIBILITY, unexplained
    if paid >= billed:
        return State.PAID, unexplained
    return State.PAID_AS_EXPECTED, unexplained


def front_door_state(facts: ClaimFacts, events: Sequence[Event]) -> State:
    """Where the claim stands before adjudication: the batch, then the latest acknowledgment."""
    if facts.written is Written.ABANDONED:
        return State.ABANDONED
    if facts.written is Written.PENDING:
        return State.PENDING
    state = State.SENT
    for event in events:
        if isinstance(event, FrontDoor):
            state = State.ACCEPTED if event.outcome.accepts else State.REJECTED
        elif isinstance(event, Adjudication):
            state = State.ACCEPTED  # the payer adjudicated it, so its front door took it
    return state


def evaluate(
    facts: ClaimFacts,
    events: Sequence[Event],
    successors: Sequence[Successor] = (),
    *,
    original: ClaimOutcome | None = None,
) -> ClaimOutcome:
    """Fold a claim's events, in order, into its state and figures.

    ``successors`` are the claims that void or replace it (their own front door decides whether
    they took effect); ``events`` already include reversals the payer sent under a successor's
    ID. For a void (frequency 8), ``original`` is the outcome of the claim it voids. A claim's
    line IDs are unique (REF*6R, the ledger's key).
    """
    # each line's payments, made at the first answer with line detail: most claims of a queue
    # have none yet, and their lines need no running tally
    lines: dict[str, _LineRun] = {}
    expected = ZERO
    for line in facts.lines:
        if line.expected_unpaid:
            expected += line.charge
    front: FrontDoor | None = None
    adjudications: list[Adjudication] = []
    recouped = ZERO
    claim_reasons: list[Reason] = []
    remarks: tuple[str, ...] = ()
    payer_number = ""
    claim_level: Adjudication | None = None  # latest adjudication without line detail
    claim_payments_since_reversal = 0
    last: date | None = None
    for event in events:
        last = event.on or last
        if isinstance(event, FrontDoor):
            front = event
            continue
        if isinstance(event, Recoupment):
            recouped += event.amount
            continue
        if event.status_code == _PREDETERMINATION:
            continue  # priced only: no payment, no denial
        adjudications.append(event)
        payer_number = event.payer_claim_number or payer_number
        claim_reasons.extend(event.reasons)
        reversal = event.is_reversal
        if event.remarks or not reversal:
            remarks = event.remarks
        if reversal:
            claim_payments_since_reversal = 0
        elif not event.itemised:
            claim_level = event
            if event.paid:
                claim_payments_since_reversal += 1
        if event.lines and not lines:
            lines = {line.line_id: _LineRun(line) for line in facts.lines}
        for payment in event.lines:
            run = lines.get(payment.line_id)
            if run is not None:  # a line matching none of ours is reported at import
                run.take(payment, reversal, event.status_code)
    base_state = front_door_state(facts, events)

    void = replacement = None
    if successors:
        void = next((s for s in successors if s.effective and s.frequency == "8"), None)
        replacement = next((s for s in successors if s.effective and s.frequency == "7"), None)
    net_paid = ZERO  # (added in the order sum() did, then less what was recouped)
    for adjudication in adjudications:
        net_paid += adjudication.paid or ZERO
    if recouped is not ZERO:
        # (less nothing, it stays what it is, to the digit: a sum that began at ZERO has no
        # positive exponent and is no negative zero; most claims keep the shared ZERO)
        net_paid -= recouped
    net_claim_reasons = _net(claim_reasons) if claim_reasons else ()
    flags: list[str] = ["paid_twice"] if claim_payments_since_reversal > 1 else []

    # -- the lines -----------------------------------------------------------------------------
    line_outcomes: list[LineOutcome] = []
    line_contractual = line_patient = line_denied = ZERO
    for line in facts.lines:
        run = lines.get(line.line_id) if lines else None
        if run is not None and run.seen:
            reasons = _net(run.reasons)
            is_expected = line.expected_unpaid is not None
            c, p, d = _split(reasons, expected=is_expected)
            line_contractual, line_patient, line_denied = (
                line_contractual + c,
                line_patient + p,
                line_denied + d,
            )
            if run.reversed_last:
                state = State.REVERSED
            else:
                state, _ = _classify(line.charge, run.paid, c, p, d, run.status)
            if run.payments_since_reversal > 1:
                flags.append("paid_twice")
            denied = (
                state is State.DENIED
                and not is_expected
                and run.paid <= 0
                and not run.reversed_last
            )
            line_outcomes.append(
                LineOutcome(
                    line.line_id,
                    line.charge,
                    run.paid,
                    state,
                    reasons,
                    run.remarks,
                    line.expected_unpaid,
                    denied,
                )
            )
        else:
            line_outcomes.append(
                LineOutcome(
                    line.line_id, line.charge, None, base_state, (), (), line.expected_unpaid
                )
            )

    # -- the claim -----------------------------------------------------------------------------
    billed = facts.billed
    c, p, d = _split(net_claim_reasons, expected=False) if net_claim_reasons else (ZERO,) * 3
    contractual, patient, denied_amount = c + line_contractual, p + line_patient, d + line_denied
    latest = adjudications[-1] if adjudications else None
    reversed_last = latest is not None and latest.is_reversal
    unexplained = ZERO
    successor: str | None = None
    settled = False
    if facts.written is not Written.WRITTEN:
        state = base_state
    elif facts.is_void:
        state, settled = _void_state(base_state, events, original)
    elif void is not None or replacement is not None:
        chosen = void or replacement
        assert chosen is not None
        successor = chosen.claim_id
        state = State.VOIDED if void is not None else State.REPLACED
        ever_paid = any((a.paid or ZERO) > 0 for a in adjudications)
        settled = net_paid <= 0 and (
            ever_paid is False or any(a.is_reversal for a in adjudications)
        )
    elif latest is None or reversed_last:
        state = State.REVERSED if reversed_last else base_state
    else:
        itemised = any(run.seen for run in lines.values())
        # lines an itemised answer has not covered yet (a split payment): still open, not denied
        pending = (
            sum((run.facts.charge for run in lines.values() if not run.seen), ZERO)
            if itemised
            else ZERO
        )
        state, unexplained = _classify(
            billed - pending, net_paid, contractual, patient, denied_amount, latest.status_code
        )
        if pending:
            flags.append("lines_pending")
            if state is State.PAID or state is State.PAID_AS_EXPECTED:
                state = State.PARTIALLY_PAID
            unexplained += pending
        if claim_level is not None and not itemised:
            # adjudicated without line detail: every line takes the claim's state. A claim denied
            # whole leaves none of its lines standing, not even those the rules predicted unpaid
            # (G9007's report): the corrected claim bills them all again, and none is a duplicate
            denied_claim = state is State.DENIED
            line_outcomes = [
                attrs.evolve(line, state=state, denied=denied_claim) for line in line_outcomes
            ]

    figures = _figures(
        facts, state, billed, expected, net_paid, contractual, patient, denied_amount, unexplained
    )
    if figures.overpaid:
        flags.append("overpaid")
    if state.adjudicated and figures.open and "lines_pending" not in flags:
        flags.append("unexplained")
    live = not facts.is_void and state not in (
        State.ABANDONED,
        State.REJECTED,
        State.VOIDED,
        State.REPLACED,
    )
    # positional, in the class's field order: one is made per claim of every queue
    return ClaimOutcome(
        facts.claim_id,
        state,
        figures,
        tuple(line_outcomes),
        live,
        payer_number,  # payer_claim_number
        net_claim_reasons,  # reasons
        remarks,
        front,  # front_door
        successor,
        settled,
        tuple(dict.fromkeys(flags)) if flags else (),
        len(adjudications),
        len(events),
        last,  # last_event
    )


def _void_state(
    base: State, events: Sequence[Event], original: ClaimOutcome | None
) -> tuple[State, bool]:
    """A void claim: rejected or not at the front door; voided once the payer reversed the
    original (or there was nothing to reverse)."""
    if base is State.REJECTED:
        return State.REJECTED, False
    own_denial = any(
        isinstance(e, Adjudication) and e.status_code == _DENIED and not e.is_reversal
        for e in events
    )
    if own_denial:
        return State.DENIED, False
    if original is not None and original.settled:
        return State.VOIDED, True
    return base, False


def void_took_effect(facts: ClaimFacts, events: Sequence[Event]) -> bool:
    """Does this void or replacement stand? Not when rejected at the front door, denied by the
    payer, or never written."""
    base = front_door_state(facts, events)
    if base in (State.REJECTED, State.ABANDONED, State.PENDING):
        return base is State.PENDING  # an unconfirmed void still holds the original back
    return not any(
        isinstance(e, Adjudication) and e.status_code == _DENIED and not e.is_reversal
        for e in events
    )


def _figures(
    facts: ClaimFacts,
    state: State,
    billed: Decimal,
    expected: Decimal,
    paid: Decimal,
    contractual: Decimal,
    patient: Decimal,
    denied: Decimal,
    unexplained: Decimal,
) -> Figures:
    # Figures positionally: billed, paid, contractual, patient, denied, cancelled, open, overpaid
    if facts.is_void or state is State.ABANDONED:
        return Figures()  # a void repeats its original's charge; it is not billed again
    if state in (State.VOIDED, State.REPLACED) or (
        state is State.REJECTED and facts.resent_as is not None
    ):
        rest = billed - paid
        return Figures(billed, paid, ZERO, ZERO, ZERO, max(rest, ZERO), ZERO, max(-rest, ZERO))
    if state not in _ADJUDICATED:
        # nothing settled yet: the whole claim is open, less what the rules predicted unpaid
        rest = billed - paid - expected
        return Figures(billed, paid, expected, ZERO, ZERO, ZERO, max(rest, ZERO), max(-rest, ZERO))
    return Figures(
        billed,
        paid,
        contractual,
        patient,
        denied,
        ZERO,  # cancelled
        max(unexplained, ZERO),  # open
        max(-unexplained, ZERO),  # overpaid
    )
