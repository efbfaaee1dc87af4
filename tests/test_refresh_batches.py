"""The import's refresh in batches writes the state machine's flags, whatever the batch sizes.

``import_remittances`` keeps the claims it names in a TEMP table (``ClaimSet``) and ``refresh``
stages the flags that changed ``REFRESH_BATCH`` at a time, evaluating claims ``events.CHUNK`` at
a time, with the 835's claims matched ``remittances.CHUNK`` at a time. With every size small
(so the 835's claims cross many boundaries of each) the ledger after the import is the same as
with the sizes shipped, and every line's flags are the state machine's answer for its claim.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.bench_reconcile import prepare
from edi837.ledger import events, remittances
from edi837.ledger.claim_set import ClaimSet
from edi837.ledger.events import outcomes, refresh
from edi837.ledger.store import Ledger
from edi837.services.reconcile import import_remittances

from .random_ledger import ledgers, write_ledger


def _dump(path: Path) -> list[str]:
    db = sqlite3.connect(path)
    try:
        return sorted(db.iterdump())
    finally:
        db.close()


def _flags(path: Path) -> dict[str, tuple[int, int]]:
    db = sqlite3.connect(path)
    try:
        return {r[0]: (r[1], r[2]) for r in db.execute("SELECT line_id, live, denied FROM lines")}
    finally:
        db.close()


def _import(ledger: Path, remittance: Path) -> tuple[int, list[str]]:
    with Ledger(ledger) as book:
        tally = import_remittances(book, [remittance], imported_at=date(2026, 3, 5))
        return tally.claims, list(tally.claim_ids)


def test_small_batches_write_what_the_shipped_sizes_do(tmp_path: Path) -> None:
    ledger, remittance, answered = prepare(tmp_path, 300)
    small = tmp_path / "small.sqlite"
    shutil.copyfile(ledger, small)

    claims, named = _import(ledger, remittance)
    assert claims == answered == len(named) and named == sorted(named)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(remittances, "CHUNK", 7)
        patch.setattr(events, "CHUNK", 5)
        patch.setattr(events, "REFRESH_BATCH", 3)
        assert _import(small, remittance) == (claims, named)
    assert _dump(small) == _dump(ledger)

    # the flags are the machine's, on both sides of every boundary
    with Ledger(small) as book:
        expected = {
            line.line_id: (int(result.live), int(line.denied))
            for _facts, result in outcomes(book)
            for line in result.lines
        }
        denied = [
            r[0] for r in book.db.execute("SELECT DISTINCT claim_id FROM lines WHERE denied = 1")
        ]
    assert _flags(small) == expected
    # more lines changed than one staging batch, from claims of several chunks, beside claims
    # whose flags stand
    assert len(denied) > 3 and len(denied) < len(named)
    assert len({named.index(claim) // 5 for claim in denied}) > 1


def test_refresh_of_a_claim_set_equals_refresh_of_a_plain_set(tmp_path: Path) -> None:
    ledger, remittance, _answered = prepare(tmp_path, 60)
    _import(ledger, remittance)
    with Ledger(ledger) as book, book.write():
        # forget the flags, then write them again both ways, in batches of two lines
        book.db.execute("UPDATE lines SET live = 1, denied = 0")
        every = [r[0] for r in book.db.execute("SELECT claim_id FROM claims ORDER BY 1")]
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(events, "REFRESH_BATCH", 2)
            patch.setattr(events, "CHUNK", 3)
            changed = refresh(book, ClaimSet(book.db, every))
        assert changed > 0
        again = book.db.execute("SELECT line_id, live, denied FROM lines ORDER BY 1").fetchall()
        book.db.execute("UPDATE lines SET live = 1, denied = 0")
        assert refresh(book, set(every)) == changed
        assert book.db.execute("SELECT line_id, live, denied FROM lines ORDER BY 1").fetchall() == (
            again
        )
        assert refresh(book, ClaimSet(book.db)) == 0  # an empty set: no work


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=ledgers(), step=st.integers(1, 3))
def test_refresh_of_a_claim_set_adds_the_claims_tied_to_it(spec: dict[str, Any], step: int) -> None:
    """On random ledgers (voids, replacements, rejections: tests/random_ledger.py), a ClaimSet
    refreshes the claims a plain set does, with those tied to them, in batches of one line."""
    with tempfile.TemporaryDirectory() as folder:
        plain, kept = Path(folder) / "plain.sqlite", Path(folder) / "kept.sqlite"
        write_ledger(plain, spec)
        shutil.copyfile(plain, kept)
        found = []
        for path, make in ((plain, set), (kept, None)):
            with Ledger(path) as book, book.write(), pytest.MonkeyPatch.context() as patch:
                patch.setattr(events, "CHUNK", 2)
                patch.setattr(events, "REFRESH_BATCH", 1)
                every = [r[0] for r in book.db.execute("SELECT claim_id FROM claims ORDER BY 1")]
                some = every[::step]
                changed = refresh(book, set(some) if make else ClaimSet(book.db, some))
                flags = book.db.execute("SELECT line_id, live, denied FROM lines ORDER BY 1")
                found.append((changed, flags.fetchall()))
        assert found[0] == found[1]
