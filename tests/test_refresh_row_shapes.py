"""Refresh's changes by the shape of a claim's rows (ledger/row_shapes.py) are the state
machine's: ``EventReader.flag_changes`` gives, for every claim, the lines whose flags differ
from the machine's answer for that claim itself, whatever the chunk size. On random ledgers
(their flags scrambled, so a shape is met with other flags standing), and on the bench's ledger
after its 835 with one or two columns of its rows redrawn (so that claims often differ in that
column alone, and a column the key dropped would hand one claim another's changes)."""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.bench_reconcile import prepare
from edi837.ledger import events
from edi837.ledger.events import EventReader, Flags
from edi837.ledger.store import Ledger
from edi837.services.reconcile import import_remittances

from .random_ledger import ledgers, redrawn_ledger, written_ledger


def _scramble(book: Ledger, seed: int) -> None:
    rng = random.Random(seed)
    rows = book.db.execute("SELECT line_id FROM lines ORDER BY line_id").fetchall()
    book.db.executemany(
        "UPDATE lines SET live = ?, denied = ? WHERE line_id = ?",
        [(rng.choice((0, 1, 1)), rng.choice((0, 0, 1)), row[0]) for row in rows],
    )


def _every_claim_evaluated(book: Ledger) -> list[list[Flags]]:
    """The changes as refresh made them before the shapes: each claim through the machine."""
    found = []
    for raw, _facts, result in EventReader(book).evaluated(None):
        current = {line[1]: (line[8], line[9]) for line in raw.lines}
        live = 1 if result.live else 0
        flags = [(live, 1 if line.denied else 0, line.line_id) for line in result.lines]
        found.append([f for f in flags if current.get(f[2]) != f[:2]])
    return found


def forgotten_flags_refreshed(ledger: Path) -> tuple[list[list[Flags]], int]:
    """The flags forgotten (every line live, none denied) and a few lines' flags wrong, then
    ``flag_changes`` held to every claim evaluated: the changes, and how many claims it
    evaluated to give them."""
    evaluated = 0
    plain = EventReader._evaluate

    def counted(self: EventReader, *args: Any, **kwargs: Any) -> Any:
        nonlocal evaluated
        evaluated += 1
        return plain(self, *args, **kwargs)

    with Ledger(ledger) as book, book.write(), pytest.MonkeyPatch.context() as patch:
        book.db.execute("UPDATE lines SET live = 1, denied = 0")
        book.db.execute("UPDATE lines SET live = 0 WHERE rowid % 97 = 0")
        expected = _every_claim_evaluated(book)
        patch.setattr(EventReader, "_evaluate", counted)
        assert list(EventReader(book).flag_changes(None)) == expected
    return expected, evaluated


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=ledgers(), seed=st.integers(0, 2**16), chunk=st.sampled_from([2, 5, 2000]))
def test_the_changes_of_each_claim_are_the_machines(
    spec: dict[str, Any], seed: int, chunk: int
) -> None:
    with (
        written_ledger(spec) as path,
        Ledger(path) as book,
        book.write(),
        pytest.MonkeyPatch.context() as patch,
    ):
        patch.setattr(events, "CHUNK", chunk)
        for _ in range(2):  # the flags as written, then scrambled
            assert list(EventReader(book).flag_changes(None)) == _every_claim_evaluated(book)
            _scramble(book, seed)


# the columns redrawn: (table, key column, column, SQL expressions of the row's columns to draw
# from, the first keeping what the import wrote)
_LAST_LINE = (
    "(SELECT l.line_id FROM lines l WHERE l.claim_id = (SELECT claim_id FROM lines "
    "WHERE line_id = line_events.line_id) ORDER BY l.line_number DESC LIMIT 1)"
)
_DENIED = "json_array(json_array('CO','{}',charge,NULL))"
_KNOBS = (
    ("claim_events", "event_id", "status_code", ("status_code", "'2'", "'4'", "'22'")),
    ("claim_events", "event_id", "charge", ("charge", "NULL", "'0'")),
    ("claim_events", "event_id", "paid", ("paid", "NULL", "'0'", "charge")),
    ("claim_events", "event_id", "patient_responsibility", ("patient_responsibility", "'15.00'")),
    ("claim_events", "event_id", "payer_claim_number", ("payer_claim_number", "''")),
    ("claim_events", "event_id", "has_lines", ("has_lines", "1 - has_lines")),
    ("claim_events", "event_id", "adjustments", ("adjustments", _DENIED.format("197"))),
    ("line_events", "line_event_id", "charge", ("charge", "NULL")),
    ("line_events", "line_event_id", "paid", ("paid", "NULL", "'0'", "charge")),
    ("line_events", "line_event_id", "adjustments", ("adjustments", "'[]'", _DENIED.format("27"))),
    ("line_events", "line_event_id", "line_id", ("line_id", "NULL", _LAST_LINE)),
    ("lines", "line_id", "live", ("live", "1 - live")),
    ("lines", "line_id", "denied", ("denied", "1 - denied")),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(knobs=st.sets(st.sampled_from(_KNOBS), min_size=1, max_size=3), seed=st.integers(0, 2**32))
def test_claims_alike_but_for_one_column_are_told_apart(
    answered: Path, knobs: set[tuple[str, str, str, tuple[str, ...]]], seed: int
) -> None:
    with redrawn_ledger(answered, knobs, seed) as book:
        assert list(EventReader(book).flag_changes(None)) == _every_claim_evaluated(book)


def test_claims_of_a_shape_met_before_are_not_evaluated(tmp_path: Path) -> None:
    """The bench's ledger and 835 (a few shapes): most claims take a shape's changes, and those
    changes are still each claim's own (denied lines to write, wrong flags put right)."""
    ledger, remittance, _answered = prepare(tmp_path, 400)
    with Ledger(ledger) as book:
        import_remittances(book, [remittance], imported_at=date(2026, 3, 5))
    expected, evaluated = forgotten_flags_refreshed(ledger)
    claims = len(expected)
    assert claims == 400 and 0 < evaluated < claims // 2
    assert sum(map(len, expected)) > 0
