"""bench_reconcile measures what it says: its import records every claim the 835 answers, its
re-import records nothing, and each timed script runs (on a small ledger, so a typo in one does
not surface only after the 100,000-claim setup)."""

from __future__ import annotations

from pathlib import Path

from bench.bench_build import _child
from bench.bench_reconcile import HASH, IMPORT, READER, SPLIT, prepare, recorded


def test_the_bench_import_matches_every_answer_and_its_reimport_records_nothing(
    tmp_path: Path,
) -> None:
    ledger, remittance, answered = prepare(tmp_path, 600)
    assert 150 < answered < 350  # about 40%
    assert recorded(ledger)["claim_events"] == 0

    first = _child(IMPORT, str(ledger), str(remittance))
    after = recorded(ledger)
    assert after["remittance_files"] == after["remittances"] == 1
    assert after["claim_events"] == answered and after["claims_unmatched"] == 0
    assert after["line_events"] == 2 * answered  # two lines a claim, each matched by REF*6R

    again = _child(IMPORT, str(ledger), str(remittance))
    assert recorded(ledger) == after
    for figures in (first, again):
        assert figures["seconds"] > 0 and figures["peak_rss_mib"] > 0


def test_the_bench_baselines_run_on_the_bench_835(tmp_path: Path) -> None:
    _, remittance, _ = prepare(tmp_path, 200)
    for script in (SPLIT, HASH, READER):
        figures = _child(script, str(remittance))
        assert figures["seconds"] > 0 and figures["peak_rss_mib"] > 0
