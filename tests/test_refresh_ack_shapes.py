"""Claims with acknowledgments take a shape's flag changes (ledger/row_shapes.py) only where the
state machine would give them the same: ``EventReader.flag_changes`` against every claim
evaluated, on the bench's ledger after its 277CA (many claims alike but for their IDs), its
answers redrawn: their date, outcome, scope and source, the file and position they came in
(other files answering the batch too, on the same day, so that a claim's answer falls before or
after the batch's by file alone), some claims answered twice."""

from __future__ import annotations

import random
import shutil
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.bench_ack import write_277ca
from bench.bench_report import fill_ledger
from edi837.ledger.events import EventReader
from edi837.ledger.store import Ledger
from edi837.services.acks import record_acks

from .random_ledger import copied_ledger
from .test_refresh_row_shapes import _every_claim_evaluated, _scramble, forgotten_flags_refreshed

_DAYS = ("2026-02-04", "2026-02-04", "2026-02-05", None)
_OUTCOMES = ("accepted", "accepted", "rejected", "accepted_with_errors")


@pytest.fixture(scope="module")
def acknowledged(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bench's ledger of 120 claims after its 277CA."""
    folder = tmp_path_factory.mktemp("acknowledged")
    ledger, answer = folder / "ledger.sqlite", folder / "claims.277"
    fill_ledger(ledger, 120)
    write_277ca(answer, 120)
    with Ledger(ledger) as book:
        record_acks(book, [answer], imported_at=date(2026, 2, 5))
    return ledger


def _redraw(book: Ledger, rng: random.Random, knobs: set[str]) -> None:
    db = book.db
    for n in (2, 3):
        db.execute(
            "INSERT INTO ack_files (file_id, sha256, name, imported_at) VALUES (?, ?, ?, ?)",
            (n, f"{n:064d}", f"answer{n}", "2026-02-05"),
        )
    # the batch answered again in file 2: claims' answers in files 1 and 3 fall either side
    db.execute(
        "INSERT INTO ack_events (file_id, seq, source, scope, batch_id, st02, outcome, reference, "
        "codes, answered_on) SELECT 2, seq, source, scope, batch_id, st02, ?, reference, codes, "
        "answered_on FROM ack_events WHERE claim_id IS NULL",
        (rng.choice(_OUTCOMES),),
    )
    rows = db.execute("SELECT ack_event_id FROM ack_events WHERE claim_id IS NOT NULL").fetchall()
    ids = [row[0] for row in rows]
    if "twice" in knobs:  # some claims answered again the same day, before or after
        db.executemany(
            "INSERT INTO ack_events (file_id, seq, source, scope, batch_id, st02, claim_id, "
            "line_id, outcome, reference, codes, answered_on) SELECT ?, ?, source, scope, "
            "batch_id, st02, claim_id, line_id, ?, reference, codes, answered_on FROM ack_events "
            "WHERE ack_event_id = ?",
            [
                (rng.choice((1, 3)), rng.choice((0, 5000)), rng.choice(_OUTCOMES), i)
                for i in ids
                if rng.random() < 0.5
            ],
        )
    draws = {
        "file": ("file_id", (1, 3)),
        "seq": ("seq", (0, 1, 5000)),
        "day": ("answered_on", _DAYS),
        "outcome": ("outcome", _OUTCOMES),
        "scope": ("scope", ("claim", "claim", "line")),
        "source": ("source", ("277CA", "277CA", "999")),
    }
    for knob in sorted(knobs & draws.keys()):
        column, values = draws[knob]
        db.executemany(
            f"UPDATE ack_events SET {column} = ? WHERE ack_event_id = ?",
            [(rng.choice(values), i) for i in ids],
        )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    knobs=st.sets(
        st.sampled_from(("file", "seq", "day", "outcome", "scope", "source", "twice")),
        min_size=1,
        max_size=4,
    ),
    seed=st.integers(0, 2**32),
    scrambled=st.booleans(),
)
def test_claims_answered_alike_but_for_one_column_are_told_apart(
    acknowledged: Path, knobs: set[str], seed: int, scrambled: bool
) -> None:
    rng = random.Random(seed)
    with copied_ledger(acknowledged) as path, Ledger(path) as book, book.write():
        _redraw(book, rng, knobs)
        if scrambled:
            _scramble(book, seed)
        assert list(EventReader(book).flag_changes(None)) == _every_claim_evaluated(book)


def test_claims_answered_alike_are_not_each_evaluated(acknowledged: Path, tmp_path: Path) -> None:
    """After the bench's 277CA most claims take a shape's changes, still their own."""
    path = tmp_path / "ledger.sqlite"
    shutil.copyfile(acknowledged, path)
    expected, evaluated = forgotten_flags_refreshed(path)
    assert len(expected) == 120 and 0 < evaluated < 120 // 2
    assert sum(map(len, expected)) > 0
