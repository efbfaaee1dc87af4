"""The queue's totals gathered by groups of alike claims (services/queue_totals.py) are the
totals added claim by claim (``Totals.add``), to the digit: every amount with its exponent and
sign, every dictionary in its order. Over random ledgers, their claims repeated so that groups
hold many; with the groups folded every few claims; and where the sums are not exact (a
context of few digits), where the gathering must fall back to the claims' order."""

from __future__ import annotations

import decimal
import random
from datetime import date
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from edi837.ledger.store import Ledger
from edi837.services import queue_totals
from edi837.services.queue import QueueItem, Totals, queue
from edi837.services.queue_totals import GatheredTotals

from .random_ledger import ledgers, written_ledger


def _dump(value: Any) -> Any:
    """Everything of the totals, amounts as their exact spelling, dictionaries in order."""
    if isinstance(value, Decimal):
        return ("D", str(value))
    if isinstance(value, (int, str)) or value is None:
        return value
    if isinstance(value, tuple):
        return tuple(_dump(v) for v in value)
    if isinstance(value, dict):
        return [(_dump(k), _dump(v)) for k, v in value.items()]
    cls = type(value)
    names = [f.name for f in attrs.fields(cls)] if attrs.has(cls) else list(cls.__slots__)
    return (cls.__name__, [(name, _dump(getattr(value, name))) for name in names])


def _items(spec: dict[str, Any], as_of: date, repeat: int, seed: int) -> list[QueueItem]:
    with written_ledger(spec) as path, Ledger(path) as book:
        items = list(queue(book, as_of=as_of))
    # the claims many times over, shuffled: groups of many, first met in any order
    many = items * repeat
    random.Random(seed).shuffle(many)
    return items + many


def _both(items: list[QueueItem]) -> tuple[Any, Any]:
    one_by_one = Totals()
    gathered = GatheredTotals()
    for item in items:
        one_by_one.add(item)
        gathered.add(item)
    return _dump(one_by_one), _dump(gathered.totals)


AS_OF = st.sampled_from((date(2026, 1, 20), date(2026, 3, 5), date(2027, 2, 1)))
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(spec=ledgers(), as_of=AS_OF, repeat=st.integers(0, 40), seed=st.integers(0, 99))
def test_gathered_totals_are_the_claim_by_claim_totals(
    spec: dict[str, Any], as_of: date, repeat: int, seed: int
) -> None:
    expected, got = _both(_items(spec, as_of, repeat, seed))
    assert got == expected


@SETTINGS
@given(
    spec=ledgers(),
    as_of=AS_OF,
    repeat=st.integers(1, 20),
    seed=st.integers(0, 99),
    groups=st.integers(1, 4),
    log=st.integers(1, 9),
)
def test_folding_every_few_claims_changes_nothing(
    spec: dict[str, Any], as_of: date, repeat: int, seed: int, groups: int, log: int
) -> None:
    items = _items(spec, as_of, repeat, seed)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(queue_totals, "GROUP_LIMIT", groups)
        patch.setattr(queue_totals, "LOG_LIMIT", log)
        expected, got = _both(items)
    assert got == expected


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=ledgers(), repeat=st.integers(5, 40), seed=st.integers(0, 99), digits=st.integers(3, 6))
def test_sums_that_are_not_exact_are_added_in_the_claims_order(
    spec: dict[str, Any], repeat: int, seed: int, digits: int
) -> None:
    """With a few digits of precision the claim-by-claim sums round: the gathering must see that
    its multiplied sums would not be theirs, and add the claims in order instead."""
    items = _items(spec, date(2026, 3, 5), repeat, seed)
    with decimal.localcontext() as context:
        context.prec = digits
        expected, got = _both(items)
    assert got == expected


def test_a_context_that_rounds_otherwise_adds_in_order() -> None:
    """Signed zeros add otherwise when rounding toward minus infinity: no gathering then."""
    with decimal.localcontext() as context:
        context.rounding = decimal.ROUND_FLOOR
        gathered = GatheredTotals()
    assert gathered._in_order
