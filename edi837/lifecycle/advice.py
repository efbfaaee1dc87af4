"""What to do next about a claim, in words, and how old it is: from its state, its adjustment
reasons (``next_actions.toml``) and the filing limit."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

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
    days = max((as_of - facts.sent_on).days, 0)
    bucket = next((label for limit, label in BUCKETS if days <= limit), OVER)
    deadline = facts.first_date + timedelta(days=FILING_DAYS)
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


def next_action(facts: ClaimFacts, outcome: ClaimOutcome, as_of: date) -> Advice:
    rules = table()
    state = outcome.state
    age = aging(facts, as_of)
    values: dict[str, object] = {
        "batch": facts.batch_id,
        "age": age.days,
        "successor": outcome.successor or "",
        "original": facts.original_claim_id or "",
        "resent_as": facts.resent_as or "",
        "deadline": age.deadline.isoformat(),
        "days_left": age.days_left,
        "overpaid": money(outcome.figures.overpaid),
        "patient": money(outcome.figures.patient),
        "detail": (outcome.front_door.detail or ", ".join(outcome.front_door.codes))
        if outcome.front_door
        else "no detail",
    }
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
        values["reason_action"] = _reason_action(outcome)
    if key == "patient_responsibility":
        words = sorted(
            {
                rules.reason(r.group, r.code).words
                for r in outcome.reasons_everywhere()
                if r.group == "PR"
            }
        )
        values["reason_words"] = ", ".join(words) or "patient responsibility"
    action = rules.state(key)
    text = rules.say(key, **values)
    if not action.done and age.days_left <= FILING_WARNING_DAYS and not facts.is_void:
        text = rules.say(
            "filing_soon", base=text, **{k: v for k, v in values.items() if k != "base"}
        )
    return Advice(key, text, action.done)
