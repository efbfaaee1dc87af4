"""What to do next about a claim, in words, and how old it is: from its state, its adjustment
reasons (``next_actions.toml``) and the filing limit."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache

import attrs

from edi837.lifecycle.actions import Kind, table
from edi837.lifecycle.events import ClaimFacts, Reason
from edi837.lifecycle.machine import ClaimOutcome, State

FILING_DAYS = 365  # seed 004: claims must be submitted within 365 days of the date of service
LATE_AFTER_DAYS = 45  # accepted and still no remittance: the payer adjudicates within 30 days
FILING_WARNING_DAYS = 60
BUCKETS = ((30, "0-30"), (60, "31-60"), (90, "61-90"), (180, "91-180"))
OVER = "over 180"


@attrs.frozen(slots=True)
class Advice:
    key: str  # the [state.*] row of next_actions.toml that was used
    text: str
    done: bool


@attrs.frozen(slots=True)
class Aging:
    days: int  # since the claim was sent
    bucket: str
    deadline: date  # the filing limit of its earliest service date
    days_left: int


def aging(facts: ClaimFacts, as_of: date) -> Aging:
    return _aging(facts.sent_on, facts.first_date, as_of)


@lru_cache(maxsize=4096)
def _aging(sent_on: date, first_date: date, as_of: date) -> Aging:
    # a batch's claims share their dates: the work queue asks the same question many times
    days = max((as_of - sent_on).days, 0)
    bucket = next((label for limit, label in BUCKETS if days <= limit), OVER)
    deadline = first_date + timedelta(days=FILING_DAYS)
    return Aging(days, bucket, deadline, (deadline - as_of).days)


def money(amount: Decimal) -> str:
    return f"${amount:,.2f}"


def _main_denial(outcome: ClaimOutcome) -> Reason | None:
    """The largest denial among the claim's adjustments and those of its lines that the rules
    did not already predict unpaid (those are no denial to act on)."""
    rules = table()
    candidates = [
        *outcome.reasons,
        *(r for line in outcome.lines if line.expected_unpaid is None for r in line.reasons),
    ]
    denials = [
        r
        for r in candidates
        if r.amount > 0 and rules.kind(r.group, r.code) in (Kind.DENIAL, Kind.OTHER)
    ]
    return max(denials, key=lambda r: r.amount, default=None)


def _reason_action(outcome: ClaimOutcome) -> str:
    reason = _main_denial(outcome)
    rules = table()
    if reason is None:
        return rules.reasons[-1].action + " (the payer gave no adjustment reason)"
    rule = rules.reason(reason.group, reason.code)
    return f"{reason.group}-{reason.code} ({rule.words}): {rule.action}"


# The values a state's action may name, each made only when the action names it (the work
# queue advises every claim; most actions name nothing, or one value).
_VALUES: dict[str, Callable[[ClaimFacts, ClaimOutcome, Aging], object]] = {
    "batch": lambda facts, outcome, age: facts.batch_id,
    "age": lambda facts, outcome, age: age.days,
    "successor": lambda facts, outcome, age: outcome.successor or "",
    "original": lambda facts, outcome, age: facts.original_claim_id or "",
    "resent_as": lambda facts, outcome, age: facts.resent_as or "",
    "deadline": lambda facts, outcome, age: age.deadline.isoformat(),
    "days_left": lambda facts, outcome, age: age.days_left,
    "overpaid": lambda facts, outcome, age: money(outcome.figures.overpaid),
    "patient": lambda facts, outcome, age: money(outcome.figures.patient),
    "detail": lambda facts, outcome, age: (
        (outcome.front_door.detail or ", ".join(outcome.front_door.codes))
        if outcome.front_door
        else "no detail"
    ),
}


def _values(
    key: str, facts: ClaimFacts, outcome: ClaimOutcome, age: Aging, given: dict[str, object]
) -> dict[str, object]:
    """What the action of ``key`` names: from ``given``, else made from the claim."""
    out: dict[str, object] = {}
    for name in table().names(key):
        if name in given:
            out[name] = given[name]
        elif name in _VALUES:
            out[name] = _VALUES[name](facts, outcome, age)
    return out


def next_action(
    facts: ClaimFacts, outcome: ClaimOutcome, as_of: date, *, age: Aging | None = None
) -> Advice:
    """What to do next about the claim. ``age``: its :func:`aging` on ``as_of``, when the caller
    has it already."""
    rules = table()
    state = outcome.state
    if age is None:
        age = aging(facts, as_of)
    given: dict[str, object] = {}
    if facts.is_void:
        key = {
            State.VOIDED: "void_settled",
            State.REJECTED: "rejected",
            State.PENDING: "pending",
            State.ABANDONED: "abandoned",
        }.get(state, "denied" if state is State.DENIED else "void_sent")
    elif state is State.VOIDED:
        key = "voided" if outcome.settled else "void_pending"
    elif state is State.REJECTED:
        key = "rejected_resent" if facts.resent_as else "rejected"
    elif state is State.ACCEPTED and age.days > LATE_AFTER_DAYS:
        key = "accepted_late"
    else:
        key = state.value
    if "overpaid" in outcome.flags:
        key = "overpaid"
    elif (
        key == "partially_paid"
        and "lines_pending" in outcome.flags
        and _main_denial(outcome) is None
    ):
        key = "lines_pending"
    if key in ("denied", "partially_paid"):
        given["reason_action"] = _reason_action(outcome)
    if key == "patient_responsibility":
        words = sorted(
            {
                rules.reason(r.group, r.code).words
                for r in outcome.reasons_everywhere()
                if r.group == "PR"
            }
        )
        given["reason_words"] = ", ".join(words) or "patient responsibility"
    action = rules.state(key)
    warn = not action.done and age.days_left <= FILING_WARNING_DAYS and not facts.is_void
    if not warn and not rules.names(key):
        return _fixed(key)
    text = rules.say(key, **_values(key, facts, outcome, age, given))
    if warn:
        warning = _values("filing_soon", facts, outcome, age, {**given, "base": text})
        text = rules.say("filing_soon", **warning)
    return _advice(key, text, action.done)


@lru_cache(maxsize=4096)
def _advice(key: str, text: str, done: bool) -> Advice:
    return Advice(key, text, done)  # the same few pieces of advice, shared (they are frozen)


@lru_cache(maxsize=64)
def _fixed(key: str) -> Advice:
    """The advice of a state whose action names no value: the same for every claim in it (most
    claims of a queue: sent, accepted, paid), so made once."""
    action = table().state(key)
    return _advice(key, table().say(key), action.done)
