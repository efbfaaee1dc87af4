"""The work queue's JSON encoder writes what ``json.dumps(claim_data(item))`` writes, byte for
byte: ``claim_data`` is the one mapping of a claim to plain data (the schema, the report and
the API use it) and ``render/queue_json.claim_json`` its faster spelling for ``claims --format
json``. A field added to one and not the other fails here."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from edi837 import phi
from edi837.ledger.store import Ledger
from edi837.render.queue_data import claim_data
from edi837.render.queue_json import claim_json
from edi837.services.queue import queue
from edi837.services.reconcile import import_remittances

from .conftest import FIXTURES
from .helpers import build_file
from .random_ledger import ledgers, written_ledger

AS_OF = st.sampled_from((date(2026, 1, 20), date(2026, 3, 5), date(2027, 2, 1)))


def _same_spelling(book: Ledger, as_of: date) -> int:
    count = 0
    for item in queue(book, as_of=as_of):
        assert claim_json(item) == json.dumps(claim_data(item)), item.facts.claim_id
        count += 1
    return count


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=ledgers(), as_of=AS_OF, show=st.booleans())
def test_claim_json_is_json_dumps_of_claim_data_on_random_ledgers(
    spec: dict[str, Any], as_of: date, show: bool
) -> None:
    with written_ledger(spec) as path:
        phi.set_show(show)
        try:
            with Ledger(path) as book:
                assert _same_spelling(book, as_of) == len(spec["claims"])
        finally:
            phi.set_show(False)


@pytest.mark.parametrize("show", [False, True])
def test_claim_json_is_json_dumps_of_claim_data_on_the_demo_month(
    tmp_path: Path, show: bool
) -> None:
    """The bundled month, built and answered by a real 835 (CAS with descriptions, REF*6R and
    fallback matching, a PLB that names a claim)."""
    path = tmp_path / "ledger.sqlite"
    build_file(FIXTURES / "records.csv", tmp_path / "demo.837", path, tars=FIXTURES / "tars.csv")
    reconcile = FIXTURES / "835" / "reconcile"
    with Ledger(path) as book:
        import_remittances(book, [reconcile / "reconcile-a.835"], imported_at=date(2026, 3, 5))
    phi.set_show(show)
    try:
        with Ledger(path) as book:
            assert _same_spelling(book, date(2026, 3, 5)) > 0
    finally:
        phi.set_show(False)
