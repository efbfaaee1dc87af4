"""The ledger's fast path to every claim's state gives the plain path's answers.

``EventReader.outcomes`` evaluates claims a chunk at a time, with the rows of the claims they
depend on (voids, replacements, the originals of voids) and the resend look-ups of rejected
originals fetched for the whole chunk; ``outcome()`` evaluates one claim with its own queries.
On random ledgers (tests/random_ledger.py) both give the same facts and outcomes, whatever the
chunk size, and refresh() writes the same flags whichever claims it is asked for.
"""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from edi837.ledger import events
from edi837.ledger.events import EventReader, outcome, outcomes, refresh
from edi837.ledger.store import Ledger

from .random_ledger import SERVICES, ledgers, write_ledger

SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _claim_ids(book: Ledger) -> list[str]:
    return [r[0] for r in book.db.execute("SELECT claim_id FROM claims ORDER BY claim_id")]


def _ledger(spec: dict[str, Any], folder: str) -> Path:
    path = Path(folder) / "ledger.sqlite"
    write_ledger(path, spec)
    return path


@SETTINGS
@given(spec=ledgers())
def test_every_claim_in_chunks_equals_each_claim_alone(spec: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as folder, Ledger(_ledger(spec, folder)) as book:
        plain = [outcome(book, claim_id) for claim_id in _claim_ids(book)]
        assert list(outcomes(book)) == plain
        # chunks of two: a claim's void, replacement or original is often in another chunk
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(events, "CHUNK", 2)
            assert list(outcomes(book)) == plain


@SETTINGS
@given(spec=ledgers())
def test_the_claims_asked_for_equal_those_of_every_claim(spec: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as folder, Ledger(_ledger(spec, folder)) as book:
        every = {facts.claim_id: (facts, result) for facts, result in outcomes(book)}
        wanted = set(_claim_ids(book)[::2]) | {"N99999999"}  # (one that does not exist)
        found = list(EventReader(book).outcomes(wanted))
        assert [f.claim_id for f, _ in found] == sorted(wanted & every.keys())
        assert all(every[f.claim_id] == (f, r) for f, r in found)


@SETTINGS
@given(spec=ledgers())
def test_refresh_of_some_claims_writes_what_refresh_of_all_does(spec: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = _ledger(spec, folder)
        with Ledger(path) as book, book.write():
            refresh(book, set(_claim_ids(book)))
        with sqlite3.connect(path) as db:
            some = db.execute("SELECT line_id, live, denied FROM lines ORDER BY 1").fetchall()
        with Ledger(path) as book, book.write():
            assert refresh(book, None) == 0  # nothing left to change
            assert refresh(book, ()) == 0
        with sqlite3.connect(path) as db:
            assert (
                db.execute("SELECT line_id, live, denied FROM lines ORDER BY 1").fetchall() == some
            )


def _line(code: str, day: str) -> dict[str, Any]:
    return {
        "service": next(s for s in SERVICES if s[0] == code),
        "date": day,
        "units": "1",
        "expected": None,
        "live": 1,
        "denied": 0,
    }


def test_rejected_claims_resent_in_a_later_batch_are_found_in_one_query(tmp_path: Path) -> None:
    """A TA1 rejects the first batch; the second sends some of its services again. The chunk's
    look-up (one query) names the same later claims as the look-up claim by claim: the first of
    the rejected claim's lines that was sent again decides."""
    sent = [
        [("G9008", "2026-01-05"), ("H0043", "2026-01-12")],  # N1: both lines sent again
        [("T2040", "2026-01-05")],  # N2: never sent again
        [("H0043", "2026-01-12")],  # N3, batch 2: N1's second line
        [("G9008", "2026-01-05")],  # N4, batch 2: N1's first line
    ]
    claims = [
        {
            "claim_id": f"N{n:08d}",
            "batch_id": 1 if n <= 2 else 2,
            "st02": 1,
            "member": "90000001A",
            "frequency": "1",
            "original": None,
            "lines": [
                {**_line(code, day), "line_id": f"N{n:08d}L{k:02d}"}
                for k, (code, day) in enumerate(lines, 1)
            ],
        }
        for n, lines in enumerate(sent, 1)
    ]
    batches = [
        {"batch_id": n, "usage": "P", "event": "written", "created_at": f"2026-02-0{n}T09:00:00"}
        for n in (1, 2)
    ]
    spec = {
        "batches": batches,
        "claims": claims,
        "acks": [(("TA1", "interchange", 1, None, None), "rejected", "2026-02-03", 1)],
        "remittances": [],
    }
    write_ledger(tmp_path / "ledger.sqlite", spec)
    with Ledger(tmp_path / "ledger.sqlite") as book:
        fast = {facts.claim_id: facts.resent_as for facts, _ in outcomes(book)}
        plain = {c: outcome(book, c)[0].resent_as for c in _claim_ids(book)}  # type: ignore[index]
    assert (
        fast
        == plain
        == {
            "N00000001": "N00000004",
            "N00000002": None,
            "N00000003": None,
            "N00000004": None,
        }
    )
