"""Importing a known 835 again does no work beyond hashing it: it is not sniffed for its kind,
read, matched or refreshed. A file the ledger has not recorded is still sniffed and refused
when it is not an 835."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from edi837.errors import InputError
from edi837.ledger import events
from edi837.ledger.store import Ledger
from edi837.services import reconcile
from edi837.services.reconcile import import_remittances

from .conftest import FIXTURES
from .helpers import build_file

A = FIXTURES / "835" / "reconcile" / "reconcile-a.835"


def _ledger(tmp_path: Path) -> Path:
    path = tmp_path / "ledger.sqlite"
    build_file(FIXTURES / "records.csv", tmp_path / "demo.837", path, tars=FIXTURES / "tars.csv")
    with Ledger(path) as book:
        assert import_remittances(book, [A], imported_at=date(2026, 3, 5)).files == 1
    return path


def test_a_known_file_is_hashed_once_and_neither_sniffed_nor_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _ledger(tmp_path)
    hashed: list[Path] = []
    real_hash = reconcile.file_sha256

    def counted(file: Path) -> str:
        hashed.append(file)
        return real_hash(file)

    def refused(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("a known file was read again")

    monkeypatch.setattr(reconcile, "file_sha256", counted)
    monkeypatch.setattr(reconcile, "require", refused)
    monkeypatch.setattr(reconcile, "RemittanceReader", refused)
    evaluated: list[object] = []
    real_reader = events.EventReader.evaluated

    def watched(self: events.EventReader, claim_ids: Any = None) -> Any:
        evaluated.append(claim_ids)
        return real_reader(self, claim_ids)

    monkeypatch.setattr(events.EventReader, "evaluated", watched)
    with Ledger(path) as book:
        tally = import_remittances(book, [A], imported_at=date(2026, 3, 6))
        # (the claims named are kept in the ledger's connection: read them while it is open)
        assert (tally.files, tally.files_already, tally.claim_ids) == (0, 1, set())
    assert hashed == [A]
    assert evaluated == []  # no claim was named: nothing to refresh


def test_an_unknown_file_is_still_sniffed_and_an_ack_refused(tmp_path: Path) -> None:
    path = _ledger(tmp_path)
    with Ledger(path) as book, pytest.raises(InputError, match="999 acknowledgment"):
        import_remittances(
            book, [A, FIXTURES / "ack" / "accepted.999"], imported_at=date(2026, 3, 6)
        )
