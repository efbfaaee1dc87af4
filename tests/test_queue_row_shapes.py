"""The work queue's claims by the shape of their rows (``EventReader.evaluated(by_rows=True)``)
are the state machine's: every claim's rows, facts and outcome equal those of the pass that takes
each claim the whole way (its facts and events made, then ``evaluate_shared``), whatever the chunk
size. On random ledgers (members, codes and dates from small sets, so claims are often alike),
and on the bench's ledger after its 835 with one to three columns of its rows redrawn, so that
claims differ in that column alone: a column the key dropped, or a field a later claim of a key
took from its first claim instead of its own rows, would hand one claim another's answer.

The same ledgers hold the queue's entries (``services.queue.entries``: a claim of a row shape met
before left an ``AlikeItem``, its facts and outcome not made) to :func:`queue`'s claims, and
``claims --format json`` written from the entries to the same document written from
:func:`queue`'s claims: every byte, the totals included."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from edi837.ledger import events
from edi837.ledger.events import EventReader
from edi837.ledger.store import Ledger
from edi837.render.queue import QueueView, write_json
from edi837.services import queue_totals
from edi837.services.queue import (
    AlikeItem,
    QueueItem,
    entries,
    payment_totals,
    provider_adjustments,
    queue,
    unmatched,
)

from .random_ledger import ledgers, redrawn_ledger, written_ledger
from .test_refresh_row_shapes import _KNOBS

# the claims' own columns besides the events' (the facts a later claim of a key takes)
_FACT_KNOBS = (
    ("claims", "claim_id", "total_charge", ("total_charge", "'1.00'", "'400'")),
    ("claims", "claim_id", "category", ("category", "'ECM'", "''")),
    ("claims", "claim_id", "service_month", ("service_month", "'2026-02'")),
    ("lines", "line_id", "charge", ("charge", "'15.00'", "'400'")),
    ("lines", "line_id", "units", ("units", "'2'", "'1.0'")),
    ("lines", "line_id", "modifiers", ("modifiers", "''", "'U1 U8'")),
    ("lines", "line_id", "service_date", ("service_date", "'2026-01-31'")),
    ("lines", "line_id", "end_date", ("end_date", "'2026-01-31'")),
    ("lines", "line_id", "expected_unpaid", ("expected_unpaid", "'ECM-OUTREACH-CAP'")),
    ("lines", "line_id", "procedure", ("procedure", "'G9012'")),
    ("lines", "line_id", "member_id", ("member_id", "'90000002B'")),
)


def _both(book: Ledger) -> tuple[list[Any], list[Any]]:
    return (
        list(EventReader(book).evaluated(None, by_rows=True)),
        list(EventReader(book).evaluated(None)),
    )


def _json(book: Ledger, claims: Any) -> str:
    out = io.StringIO()
    view = QueueView(
        claims,
        lambda: unmatched(book),
        lambda: provider_adjustments(book),
        lambda: payment_totals(book),
        as_of="2026-03-05",
    )
    write_json(out, view)
    return out.getvalue()


def _entries_are_the_queue(book: Ledger, as_of: date = date(2026, 3, 5)) -> int:
    """The entries, made items, are the queue's claims, and the JSON is the same from both;
    how many entries were left alike."""
    found = list(entries(book, as_of=as_of))
    items = [e.item() if isinstance(e, AlikeItem) else e for e in found]
    assert all(isinstance(item, QueueItem) for item in items)
    assert items == list(queue(book, as_of=as_of))
    assert _json(book, entries(book, as_of=as_of)) == _json(book, queue(book, as_of=as_of))
    return sum(isinstance(e, AlikeItem) for e in found)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=ledgers(), chunk=st.sampled_from([2, 5, 2000]))
def test_every_claim_by_its_rows_is_the_machines(spec: dict[str, Any], chunk: int) -> None:
    with written_ledger(spec) as path, Ledger(path) as book, pytest.MonkeyPatch.context() as patch:
        patch.setattr(events, "CHUNK", chunk)
        by_rows, whole = _both(book)
        assert by_rows == whole
        _entries_are_the_queue(book)
        _entries_are_the_queue(book, date(2027, 2, 1))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    knobs=st.sets(st.sampled_from(_KNOBS + _FACT_KNOBS), min_size=1, max_size=3),
    seed=st.integers(0, 2**32),
)
def test_claims_alike_but_for_one_column_are_told_apart(
    answered: Path, knobs: set[tuple[str, str, str, tuple[str, ...]]], seed: int
) -> None:
    with redrawn_ledger(answered, knobs, seed) as book:
        by_rows, whole = _both(book)
        assert by_rows == whole
        _entries_are_the_queue(book)


def test_claims_of_a_shape_met_before_are_not_prepared(answered: Path) -> None:
    """Most of the bench's claims take a shape's answer without their events being made, and
    they are still each claim's own (its IDs, the payer's claim number)."""
    prepared = 0
    plain = EventReader._prepare

    def counted(self: EventReader, *args: Any, **kwargs: Any) -> Any:
        nonlocal prepared
        prepared += 1
        return plain(self, *args, **kwargs)

    with Ledger(answered) as book, pytest.MonkeyPatch.context() as patch:
        whole = list(EventReader(book).evaluated(None))
        patch.setattr(EventReader, "_prepare", counted)
        by_rows = list(EventReader(book).evaluated(None, by_rows=True))
    assert by_rows == whole and len(whole) == 200
    assert 0 < prepared < len(whole) // 2
    numbers = {result.payer_claim_number for _raw, _facts, result in by_rows}
    assert len(numbers) > 50  # (a number taken from another claim would show here as equal)


@pytest.mark.parametrize(("groups", "log"), [(1, 3), (2, 1), (4096, 1 << 16)])
def test_the_queue_of_many_alike_is_written_from_their_rows(
    answered: Path, groups: int, log: int
) -> None:
    """Most of the bench's claims are written and counted from their rows (AlikeItem), and the
    document is the queue's, with the totals' groups folded every few claims too (a claim of a
    group folded away is counted as an item again)."""
    with Ledger(answered) as book, pytest.MonkeyPatch.context() as patch:
        patch.setattr(queue_totals, "GROUP_LIMIT", groups)
        patch.setattr(queue_totals, "LOG_LIMIT", log)
        assert _entries_are_the_queue(book) > 100
