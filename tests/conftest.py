"""Shared test helpers. ``../shared`` (corpus, seeds) sits beside the repository; tests that need
it skip cleanly when it is absent."""

from __future__ import annotations

import os
import shutil
import tempfile
from datetime import date
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"


_CACHE = tempfile.mkdtemp(prefix="edi837-cache-")


def pytest_configure(config: pytest.Config) -> None:
    """The parsed declarations are cached in a folder of the run's own (edi837.x12.parsed),
    never the user's: every run starts cold and then reads its own cache, and leaves nothing."""
    os.environ["EDI837_CACHE_DIR"] = _CACHE


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(_CACHE, ignore_errors=True)


def corpus_files(kind: str) -> list[Path]:
    folder = CORPUS / kind
    return sorted(p for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []


@pytest.fixture
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not present")
    return CORPUS


@pytest.fixture(scope="module")
def answered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bench's ledger of 200 claims after its 835 (imported 2026-03-05): many claims alike
    but for their IDs, for the row-shape tests of refresh, the work queue and the report. One
    per test module, so a module's writes stay its own."""
    from bench.bench_reconcile import prepare
    from edi837.ledger.store import Ledger
    from edi837.services.reconcile import import_remittances

    ledger, remittance, _answered = prepare(tmp_path_factory.mktemp("answered"), 200)
    with Ledger(ledger) as book:
        import_remittances(book, [remittance], imported_at=date(2026, 3, 5))
    return ledger
