"""The state machine's answers, remembered by the shape of a claim: what :func:`evaluate` reads
of its facts and events, less the identities it only copies through.

A work queue is mostly a few shapes (the same services at the same rates, sent the same day,
paid, cut by CO-45 or denied alike), and :func:`evaluate` reads a claim's identities only to
copy them: its claim ID, its lines' IDs (to match line payments to lines, then into the line
outcomes) and the payer's claim number (the latest adjudication's that has one). So a claim
whose shape was met before takes that answer with its own identities put back, and the state
machine stays the only place a state comes from: each shape is evaluated by it once, on the
claim's inputs with every identity replaced by a token, and the tokens in its answer say where
each of the claim's own identities goes (no rule of the fold is repeated here).

Claims with voids or replacements (``successors``), voids (``original``) and claims whose line
IDs repeat are evaluated directly, every time. The memo holds frozen values only and is emptied
when it grows past ``CACHE_LIMIT``. ``tests/test_lifecycle_shapes.py`` holds its answers to
:func:`evaluate`'s over random ledgers.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import attrs

from edi837.lifecycle.events import (
    Adjudication,
    ClaimFacts,
    Event,
    FrontDoor,
    LinePayment,
    Recoupment,
    Successor,
)
from edi837.lifecycle.machine import ClaimOutcome, Figures, LineOutcome, evaluate

CACHE_LIMIT = 4096
_CLAIM = "\x00claim"  # the tokens: no ID the ledger holds starts with NUL
_UNMATCHED = "\x00unmatched"  # a line payment matching none of the claim's lines


def _line_token(index: int) -> str:
    return f"\x00line{index}"


def _number_token(index: int) -> str:
    return f"\x00number{index}"


class _Shape:
    """A shape's answer: the outcome of the tokenised claim, and where its identities go."""

    __slots__ = ("lines", "number", "outcome")

    def __init__(self, outcome: ClaimOutcome, lines: tuple[int, ...], number: int | None) -> None:
        self.outcome = outcome
        self.lines = lines  # for each line outcome, the index of the claim's line it is
        self.number = number  # the adjudication whose payer claim number it shows (None: "")


_memo: dict[Hashable, _Shape] = {}
# a shape by its figures: the outcomes it makes share its Figures, which nothing else holds
_by_figures: dict[int, _Shape] = {}


def shape_of(outcome: ClaimOutcome) -> object | None:
    """The shape whose answer this outcome is (claims of one shape differ in their identities
    alone: their claim, member and line IDs and the payer's claim number), or None for an
    outcome evaluated on its own. Hashed by identity: a cheap key for what renders it."""
    shape = _by_figures.get(id(outcome.figures))
    # (the shape holds its Figures: while it is here, no other object has that id)
    return shape if shape is not None and shape.outcome.figures is outcome.figures else None


def named_shape(facts: ClaimFacts, outcome: ClaimOutcome) -> object | None:
    """:func:`shape_of` for what is drawn from a claim's outcome and facts together (its advice,
    its text): None also when the claim names another claim (its original, the claim it was
    resent as), an identity of its facts that is no hole of the shape's answer."""
    if facts.original_claim_id is not None or facts.resent_as is not None:
        return None
    return shape_of(outcome)


def evaluate_shared(
    facts: ClaimFacts,
    events: Sequence[Event],
    successors: Sequence[Successor] = (),
    *,
    original: ClaimOutcome | None = None,
) -> ClaimOutcome:
    """:func:`evaluate`'s answer for a claim without voids or replacements, made once per shape."""
    if successors or original is not None:
        return evaluate(facts, events, successors, original=original)
    lines = facts.lines
    positions = {line.line_id: index for index, line in enumerate(lines)}
    if len(positions) != len(lines):
        return evaluate(facts, events)
    key = _key(facts, events, positions)
    shape = _memo.get(key)
    if shape is None:
        if len(_memo) >= CACHE_LIMIT:
            _memo.clear()
            _by_figures.clear()
        shape = _memo[key] = _learn(facts, events, positions)
        _by_figures[id(shape.outcome.figures)] = shape
    number = shape.number
    if number is None:
        return _restamp(shape, facts, "")
    # (counted as _learn counts them, which numbered their payer claim numbers)
    adjudications = [e for e in events if isinstance(e, Adjudication)]
    return _restamp(shape, facts, adjudications[number].payer_claim_number)


def restamped(shape: object, facts: ClaimFacts, numbers: Sequence[str]) -> ClaimOutcome:
    """The answer :func:`evaluate_shared` gives a claim of this shape (:func:`shape_of`'s), for a
    caller that knows the claim is of it: its identities put back, ``numbers`` being the payer's
    claim numbers of its adjudications in the order of its events."""
    assert isinstance(shape, _Shape)
    return _restamp(shape, facts, payer_number(shape, numbers))


def payer_number(shape: object, numbers: Sequence[str]) -> str:
    """The payer's claim number the outcome of a claim of this shape shows (its
    ``payer_claim_number``), of ``numbers`` as :func:`restamped` takes them."""
    assert isinstance(shape, _Shape)
    number = shape.number
    return "" if number is None else numbers[number]


def remembered(shape: object) -> bool:
    """Whether :func:`shape_of` still knows this shape (the memo forgets every shape when full):
    what a caller holding a shape reads of it is what it would read of an outcome of it."""
    assert isinstance(shape, _Shape)
    return _by_figures.get(id(shape.outcome.figures)) is shape


def _restamp(shape: _Shape, facts: ClaimFacts, number: str) -> ClaimOutcome:
    """The shape's outcome with the claim's identities: its claim ID, its lines' IDs and the
    payer's claim number it shows."""
    made = shape.outcome
    lines = facts.lines
    return ClaimOutcome(  # positional, in the class's field order (as evaluate makes it)
        facts.claim_id,
        made.state,
        made.figures,
        tuple(
            [
                LineOutcome(
                    lines[index].line_id,
                    line.billed,
                    line.paid,
                    line.state,
                    line.reasons,
                    line.remarks,
                    line.expected_unpaid,
                    line.denied,
                )
                for index, line in zip(shape.lines, made.lines, strict=True)
            ]
        ),
        made.live,
        number,
        made.reasons,
        made.remarks,
        made.front_door,
        made.successor,
        made.settled,
        made.flags,
        made.adjudications,
        made.events,
        made.last_event,
    )


def _key(facts: ClaimFacts, events: Sequence[Event], positions: dict[str, int]) -> Hashable:
    """Everything of the claim but its identities (claim, member, line IDs, the payer's claim
    numbers, traces, the references naming it): more than evaluate reads, so that what it may
    come to read is in the key already."""
    return (
        facts.frequency,
        facts.test,
        facts.billed,
        facts.sent_on,
        facts.written,
        facts.original_claim_id is None,
        facts.service_month,
        facts.category,
        facts.resent_as is None,
        facts.batch_id,
        # each line's facts but its ID (inline: a call per line costs more than the tuple)
        tuple(
            [
                (
                    line.charge,
                    line.procedure,
                    line.modifiers,
                    line.service_date,
                    line.end_date,
                    line.units,
                    line.expected_unpaid,
                )
                for line in facts.lines
            ]
        ),
        tuple([_event_key(event, positions) for event in events]) if events else (),
    )


def _event_key(event: Event, positions: dict[str, int]) -> Hashable:
    if event.__class__ is FrontDoor:
        return event  # (no identity: the same answer for every claim it covers)
    if event.__class__ is Recoupment:
        assert isinstance(event, Recoupment)
        return (Recoupment, event.on, event.reason, event.amount)
    assert isinstance(event, Adjudication)
    return (
        event.on,
        event.status_code,
        event.charge,
        event.paid,
        event.payer_claim_number == "",
        event.patient_responsibility,
        event.reasons,
        event.remarks,
        tuple(
            [
                (positions.get(p.line_id), p.charge, p.paid, p.reasons, p.remarks)
                for p in event.lines
            ]
        ),
        event.itemised,
    )


def _learn(facts: ClaimFacts, events: Sequence[Event], positions: dict[str, int]) -> _Shape:
    """Evaluate the claim with its identities replaced by tokens; read back where they went."""
    tokens = {line_id: _line_token(index) for line_id, index in positions.items()}
    plain_facts = attrs.evolve(
        facts,
        claim_id=_CLAIM,
        member_id="",
        lines=tuple(attrs.evolve(line, line_id=tokens[line.line_id]) for line in facts.lines),
    )
    plain_events: list[Event] = []
    adjudications = 0
    for event in events:
        if isinstance(event, Adjudication):
            number = _number_token(adjudications) if event.payer_claim_number else ""
            adjudications += 1
            plain_events.append(
                attrs.evolve(
                    event,
                    payer_claim_number=number,
                    trace="",
                    named="",
                    lines=tuple(_plain_payment(p, tokens) for p in event.lines),
                )
            )
        elif isinstance(event, Recoupment):
            plain_events.append(attrs.evolve(event, reference=""))
        else:
            plain_events.append(event)
    made = evaluate(plain_facts, plain_events)
    # its own Figures (equal to the machine's), so that its outcomes are known by them
    made = attrs.evolve(made, figures=Figures(*attrs.astuple(made.figures, recurse=False)))
    by_token = {token: index for index, token in enumerate(tokens.values())}
    lines = tuple(by_token[line.line_id] for line in made.lines)
    number = made.payer_claim_number
    if made.claim_id != _CLAIM or (number and not number.startswith("\x00number")):
        raise AssertionError("the state machine answered with an identity it was not given")
    return _Shape(made, lines, int(number[len("\x00number") :]) if number else None)


def _plain_payment(payment: LinePayment, tokens: dict[str, str]) -> LinePayment:
    return attrs.evolve(payment, line_id=tokens.get(payment.line_id, _UNMATCHED))
