"""The claim reader's queries (ledger/event_rows.py) are ordered as their indexes read, so that
SQLite sorts nothing: a claim's lines by rowid, its events by (remittance, seq, event ID). Those
orders are the ones the state machine is fed in, a claim's lines by line number and its events
by event ID, on every ledger the writers make: here the rows the reader hands out, plain and
packed, in every mode, equal the rows of the queries with those orders spelled out, on random
ledgers (events of one claim in several payments, several lines a claim) and on the bench's
ledger written by the 837 writer and answered by the 835 importer."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings

from edi837.ledger import event_rows
from edi837.ledger.event_rows import ALL, IDS, ONE, narrow, plain_rows
from edi837.ledger.store import Ledger

from .random_ledger import ledgers, written_ledger

# the orders the state machine reads, spelled out (the queries before they were made sort-free)
_LINES = "ORDER BY l.claim_id, l.line_number"
_EVENTS = "ORDER BY e.claim_id, e.event_id"
_PAYMENTS = "ORDER BY e.claim_id, le.claim_event_id, le.line_event_id"
_QUERIES = (
    ("LINES", "l", "ORDER BY l.claim_id, l.rowid", _LINES),
    ("LINES_PACKED", "l", "ORDER BY l.claim_id, l.rowid", _LINES),
    ("ADJUDICATIONS", "e", "ORDER BY e.claim_id, e.remittance_id, e.seq, e.event_id", _EVENTS),
    (
        "ADJUDICATIONS_PACKED",
        "e",
        "ORDER BY e.claim_id, e.remittance_id, e.seq, e.event_id",
        _EVENTS,
    ),
    (
        "LINE_PAYMENTS",
        "e",
        "ORDER BY e.claim_id, e.remittance_id, e.seq, e.event_id, le.line_event_id",
        _PAYMENTS,
    ),
    (
        "LINE_PAYMENTS_PACKED",
        "e",
        "ORDER BY e.claim_id, e.remittance_id, e.seq, e.event_id, le.line_event_id",
        _PAYMENTS,
    ),
)


def _rows(db: sqlite3.Connection, sql: str, alias: str, mode: str, params: Any) -> list[Any]:
    return list(plain_rows(db, narrow(sql, alias, mode), params))


def _in_order(db: sqlite3.Connection) -> int:
    """Every query's rows equal those in the spelled-out order; how many rows were compared."""
    claims = [row[0] for row in db.execute("SELECT claim_id FROM claims ORDER BY claim_id")]
    some = (json.dumps(claims[::2]),)
    compared = 0
    for name, alias, order, spelled in _QUERIES:
        sql = getattr(event_rows, name)
        assert sql.endswith(order), name  # (the order this module holds is the reader's)
        reference = sql[: -len(order)] + spelled
        for mode, params in ((ALL, ()), (IDS, some)):
            found = _rows(db, sql, alias, mode, params)
            assert found == _rows(db, reference, alias, mode, params), (name, mode)
            compared += len(found)
        for claim_id in claims[:3]:
            assert _rows(db, sql, alias, ONE, (claim_id,)) == _rows(
                db, reference, alias, ONE, (claim_id,)
            )
    return compared


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=ledgers())
def test_the_reader_reads_in_line_and_event_order_on_random_ledgers(spec: dict[str, Any]) -> None:
    with written_ledger(spec) as path, Ledger(path) as book:
        _in_order(book.db)


def test_the_reader_reads_in_line_and_event_order_on_the_bench_ledger(answered: Path) -> None:
    with Ledger(answered) as book:
        db = book.db
        # (the writers' ledger has what the orders could differ on: claims of several lines, and
        # payments' events out of claim order)
        assert db.execute("SELECT MAX(line_number) FROM lines").fetchone()[0] > 1
        assert _in_order(db) > 0
