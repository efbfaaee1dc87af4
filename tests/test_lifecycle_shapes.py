"""The state machine's answers remembered by shape (lifecycle/shapes.py) are its answers: every
claim of random ledgers, taken from the memo after a claim of the same shape but other
identities (claim, member and line IDs, the payer's claim numbers, traces, references) filled
it, equals :func:`evaluate` of the claim itself; so does the memo's first answer."""

from __future__ import annotations

from typing import Any

import attrs
from hypothesis import HealthCheck, given, settings

from edi837.ledger.events import EventReader
from edi837.ledger.store import Ledger
from edi837.lifecycle import shapes
from edi837.lifecycle.events import Adjudication, ClaimFacts, Event, Recoupment
from edi837.lifecycle.machine import evaluate

from .random_ledger import ledgers, written_ledger


def _renamed(facts: ClaimFacts, events: tuple[Event, ...]) -> tuple[ClaimFacts, list[Event]]:
    """The same claim under other identities (every line payment's line ID renamed alike)."""

    def line(line_id: str) -> str:
        return "Z" + line_id[::-1]

    other = attrs.evolve(
        facts,
        claim_id="Z" + facts.claim_id,
        member_id="Z" + facts.member_id,
        lines=tuple(attrs.evolve(x, line_id=line(x.line_id)) for x in facts.lines),
    )
    renamed: list[Event] = []
    for event in events:
        if isinstance(event, Adjudication):
            number = event.payer_claim_number
            renamed.append(
                attrs.evolve(
                    event,
                    payer_claim_number="Q" + number if number else "",
                    trace="T" + event.trace,
                    named="Z" + event.named,
                    lines=tuple(attrs.evolve(p, line_id=line(p.line_id)) for p in event.lines),
                )
            )
        elif isinstance(event, Recoupment):
            renamed.append(attrs.evolve(event, reference="R" + event.reference))
        else:
            renamed.append(event)
    return other, renamed


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=ledgers())
def test_a_shape_answers_every_claim_of_it_as_the_machine_does(spec: dict[str, Any]) -> None:
    with written_ledger(spec) as path, Ledger(path) as book:
        reader = EventReader(book)
        raws = [reader._one(c["claim_id"]) for c in spec["claims"]]
        for raw in raws:
            assert raw is not None
            ready = reader._prepare(raw)
            facts, expected = reader._evaluate(ready)  # the plain path: the machine
            shapes._memo.clear()
            shapes._by_figures.clear()
            first = shapes.evaluate_shared(
                facts, ready.events, ready.successors, original=ready.original
            )
            assert first == expected
            other, events = _renamed(facts, ready.events)
            again = shapes.evaluate_shared(other, events, ready.successors, original=ready.original)
            assert again == evaluate(other, events, ready.successors, original=ready.original)
            if not ready.successors and ready.original is None:
                assert shapes.shape_of(again) is shapes.shape_of(first) is not None
