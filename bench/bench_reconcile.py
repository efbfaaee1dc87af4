"""Reconcile and the work queue (issue 12): bench_report's 100,000-claim ledger and its 835
answering 40% of the claims, each figure against a plain baseline measured in the same run.

- the import (``import_remittances``: read, match, record, refresh, one transaction) against a
  plain ``split('~')``/``split('*')`` of the same file: within 15x;
- importing the same file again (a known file: hashed, found, nothing done) against hashing it
  with ``hashlib.sha256``: within 2x;
- ``edi837 claims --format json`` over the whole ledger against the 835 reader
  (``read_remittances``, every event) on the same 835: within 5x.

Every figure is timed in a fresh interpreter (imports done before the clock starts) with its peak
memory (VmHWM). The import runs twice, on two copies of the ledger; the others three
times, alternating; the best time and the highest peak of each are kept.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import time
from pathlib import Path

from bench.bench_build import _child
from bench.bench_report import CLI, fill_ledger, write_835

CLAIMS = 100_000
AS_OF = "2026-03-05"
TARGETS = {"import_over_split": 15.0, "reimport_over_hash": 2.0, "queue_over_reader": 5.0}

IMPORT = """
from datetime import date
from pathlib import Path
from edi837.ingest.profile import load_profile
from edi837.ledger.store import Ledger
from edi837.services.reconcile import import_remittances
ledger, remittance = map(Path, sys.argv[1:3])
profile = load_profile(Path('fixtures/profile.toml'))
start = time.perf_counter()
with Ledger(ledger) as book:
    import_remittances(book, [remittance], imported_at=date(2026, 3, 5), profile=profile)
seconds = time.perf_counter() - start
"""

SPLIT = """
from pathlib import Path
start = time.perf_counter()
for segment in Path(sys.argv[1]).read_text(encoding='ascii').split('~'):
    segment.split('*')
seconds = time.perf_counter() - start
"""

HASH = """
import hashlib
from pathlib import Path
start = time.perf_counter()
digest = hashlib.sha256()
with open(sys.argv[1], 'rb') as handle:
    while chunk := handle.read(1 << 20):
        digest.update(chunk)
digest.hexdigest()
seconds = time.perf_counter() - start
"""

READER = """
from edi837.remit835 import read_remittances
start = time.perf_counter()
for _ in read_remittances(sys.argv[1]):
    pass
seconds = time.perf_counter() - start
"""


def prepare(work: Path, claims: int) -> tuple[Path, Path, int]:
    """The ledger of ``claims`` claims and the 835 answering some of them; how many it answers."""
    ledger, remittance = work / "ledger.sqlite", work / "bench.835"
    answers = fill_ledger(ledger, claims)
    write_835(remittance, answers)
    return ledger, remittance, len(answers)


def recorded(ledger: Path) -> dict[str, int]:
    """What the ledger holds of remittances: to tell an import that did its work from one that
    did none (the bench checks both, so a broken import cannot pass for a fast one)."""
    db = sqlite3.connect(f"file:{ledger}?mode=ro", uri=True)
    try:
        counts = {
            table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("remittance_files", "remittances", "claim_events", "line_events")
        }
        counts["claims_unmatched"] = db.execute(
            "SELECT count(*) FROM claim_events WHERE claim_id IS NULL"
        ).fetchone()[0]
    finally:
        db.close()
    return counts


def _best(runs: list[dict[str, float]]) -> tuple[float, float]:
    return min(r["seconds"] for r in runs), max(r["peak_rss_mib"] for r in runs)


def _target(name: str, ratio: float) -> str:
    return f"{'met' if ratio <= TARGETS[name] else 'NOT met'} (target <= {TARGETS[name]}x)"


def run(work: Path) -> dict[str, object]:
    started = time.perf_counter()
    ledger, remittance, answered = prepare(work, CLAIMS)
    copies = [ledger, work / "ledger-2.sqlite"]
    shutil.copyfile(ledger, copies[1])
    setup = time.perf_counter() - started
    load = os.getloadavg()

    runs: dict[str, list[dict[str, float]]] = {name: [] for name in ("split", "import")}
    for copy in copies:
        runs["split"].append(_child(SPLIT, str(remittance)))
        runs["import"].append(_child(IMPORT, str(copy), str(remittance)))
    after_import = recorded(ledger)
    if recorded(copies[1]) != after_import or after_import["claim_events"] != answered:
        raise AssertionError(f"the import did not record the 835's {answered} claims")
    runs.update(hash=[], reimport=[])
    for _ in range(3):
        runs["hash"].append(_child(HASH, str(remittance)))
        runs["reimport"].append(_child(IMPORT, str(ledger), str(remittance)))
    if recorded(ledger) != after_import:
        raise AssertionError("importing a known file again changed the ledger")
    claims_json = work / "claims.json"
    json_args = ["claims", "--ledger", str(ledger), "--as-of", AS_OF, "--format", "json"]
    runs.update(reader=[], queue=[])
    for _ in range(3):
        runs["reader"].append(_child(READER, str(remittance)))
        runs["queue"].append(_child(CLI, *json_args, "--out", str(claims_json)))
    best = {name: _best(results) for name, results in runs.items()}
    ratios = {
        "import_over_split": best["import"][0] / best["split"][0],
        "reimport_over_hash": best["reimport"][0] / best["hash"][0],
        "queue_over_reader": best["queue"][0] / best["reader"][0],
    }
    figures: dict[str, object] = {
        "ledger_claims": CLAIMS,
        "claims_answered_by_the_835": answered,
        "claims_unmatched": after_import["claims_unmatched"],
        "file_mb": round(remittance.stat().st_size / 1e6, 1),
        "ledger_setup_seconds": round(setup, 1),
        "load_average_1_5_15_at_start": " / ".join(f"{x:.2f}" for x in load),
        "load_average_1_5_15_at_end": " / ".join(f"{x:.2f}" for x in os.getloadavg()),
    }
    for name in ("split", "import", "hash", "reimport", "reader", "queue"):
        figures[f"{name}_seconds"] = round(best[name][0], 3)
        figures[f"{name}_peak_rss_mib"] = best[name][1]
    figures["claims_json_mib"] = round(claims_json.stat().st_size / 2**20, 1)
    for name, ratio in ratios.items():
        figures[f"{name}_ratio"] = round(ratio, 2)
        figures[f"{name}_target"] = _target(name, ratio)
    return figures
