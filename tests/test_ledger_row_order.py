"""The claim reader's queries (ledger/event_rows.py) are ordered as their indexes read, so that
SQLite sorts nothing: a claim's lines by line number (index lines_claim), its events by
(remittance, seq, event ID). Those
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
from edi837.ledger.event_rows import ALL, IDS, ONE, TABLE, narrow, plain_rows
from edi837.ledger.store import Ledger

from .random_ledger import ledgers, written_ledger

# the orders the state machine reads, spelled out (the queries before they were made sort-free)
_LINES = "ORDER BY l.claim_id, l.line_number"
_EVENTS = "ORDER BY e.claim_id, e.event_id"
_PAYMENTS = "ORDER BY e.claim_id, le.claim_event_id, le.line_event_id"
_QUERIES = (
    ("LINES", "l", _LINES, _LINES),
    ("LINES_PACKED", "l", _LINES, _LINES),
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


def test_no_query_of_the_claim_reader_sorts_in_sqlite(tmp_path: Path) -> None:
    # what the orders above are for: each query read in its index's order, in every mode, so
    # that SQLite builds no temporary B-tree to sort (on the schema-3 index lines(claim_id), the
    # lines queries sorted each time they ran)
    with Ledger(tmp_path / "ledger.sqlite") as book:
        db = book.db
        db.execute("CREATE TEMP TABLE chosen (claim_id TEXT PRIMARY KEY)")
        for name, alias, _order, _spelled in _QUERIES:
            sql = getattr(event_rows, name)
            for mode, params in ((ALL, ()), (IDS, ("[]",)), (ONE, ("C1",))):
                plan = db.execute("EXPLAIN QUERY PLAN " + narrow(sql, alias, mode), params)
                details = [row[-1] for row in plan]
                assert not [d for d in details if "TEMP B-TREE" in d], (name, mode, details)
            within = "SELECT claim_id FROM temp.chosen"
            plan = db.execute("EXPLAIN QUERY PLAN " + narrow(sql, alias, TABLE, within))
            details = [row[-1] for row in plan]
            assert not [d for d in details if "TEMP B-TREE" in d], (name, TABLE, details)


def test_a_schema_3_ledger_gets_the_lines_index_in_line_number_order(tmp_path: Path) -> None:
    from edi837.ledger.schema import MIGRATIONS
    from edi837.ledger.store import _statements

    path = tmp_path / "v3.sqlite"
    db = sqlite3.connect(path, isolation_level=None)
    for step in (1, 2, 3):
        for statement in _statements(MIGRATIONS[step]):
            db.execute(statement)
    db.execute("INSERT INTO meta VALUES ('application', 'edi837-ledger'), ('schema_version', '3')")
    db.close()
    with Ledger(path) as book:
        columns = [row[2] for row in book.db.execute("PRAGMA index_info('lines_claim')")]
        assert columns == ["claim_id", "line_number"]
        version = book.db.execute("SELECT value FROM meta WHERE key = 'schema_version'")
        assert version.fetchone()[0] == "4"
