"""The rows the claim state machine is fed from: six sorted queries over the ledger, read claim
by claim, and the decoding of their columns into the lifecycle's events.

Each query returns rows whose first column is the claim ID, in claim-ID order, so that
:func:`raw_claims` merges them in one pass with flat memory. They are read as plain tuples (the
ledger's connection makes ``sqlite3.Row`` objects, which cost more to build and to index). The
passes that key claims by their rows read them packed (``*_PACKED``: the identities as columns,
the rest of a row as one text) and unpack only the claims they evaluate (:func:`unpacked`).

Decoding is cached where the ledger repeats itself: most adjustment and remark lists are empty
and the rest follow a few patterns (CO-45 with the same cut, CO-197 of the same rate), and an
acknowledgment answers every claim of its transaction set with the same words. The caches hold
frozen values only, are keyed by the exact text read, and are emptied when they grow past
``CACHE_LIMIT``.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any, NamedTuple

from edi837.lifecycle.events import FrontDoor, Outcome, Reason

CACHE_LIMIT = 4096
_EMPTY = "[]"

# -- the queries ------------------------------------------------------------------------------------
# ``{only}`` narrows each: to every claim, to the claims of a JSON array (``?``), or to one claim.
# They are ordered as their indexes read, so SQLite sorts nothing: a claim's lines by line
# number (the index lines_claim, schema 4); a claim's
# events by (remittance, seq, event ID), which is their event-ID order (the one writer,
# remittances.py, numbers a payment's events one past the largest in seq order, a payment is
# recorded whole before the next payment's row is made, and none is deleted). Held by
# tests/test_ledger_row_order.py against the orders spelled out (line number, event ID).

FACTS = (
    "SELECT c.claim_id, c.member_id, c.frequency, c.original_claim_id, c.total_charge, c.category, "
    "c.service_month, c.batch_id, c.st02, b.created_at, b.usage, be.event "
    "FROM claims c JOIN batches b ON b.batch_id = c.batch_id "
    "LEFT JOIN batch_events be ON be.batch_id = c.batch_id {only} ORDER BY c.claim_id"
)
LINES = (
    "SELECT l.claim_id, l.line_id, l.charge, l.procedure, l.modifiers, l.service_date, l.end_date, "
    "l.expected_unpaid, l.live, l.denied, l.units FROM lines l {only} "
    "ORDER BY l.claim_id, l.line_number"
)
ADJUDICATIONS = (
    "SELECT e.claim_id, e.event_id, e.status_code, e.charge, e.paid, e.patient_responsibility, "
    "e.payer_claim_number, e.has_lines, e.adjustments, e.remarks, r.event_date, r.issued_at, "
    "r.remittance_id, e.seq, r.trace_number FROM claim_events e "
    "JOIN remittances r ON r.remittance_id = e.remittance_id {only} "
    "ORDER BY e.claim_id, e.remittance_id, e.seq, e.event_id"
)
LINE_PAYMENTS = (
    "SELECT e.claim_id, le.claim_event_id, le.line_id, le.charge, le.paid, le.adjustments, le.remarks "
    "FROM claim_events e JOIN line_events le ON le.claim_event_id = e.event_id {only} "
    "ORDER BY e.claim_id, e.remittance_id, e.seq, e.event_id, le.line_event_id"
)
CLAIM_ACKS = (
    "SELECT a.claim_id, a.source, a.outcome, a.codes, COALESCE(a.answered_on, f.imported_at), "
    "a.file_id, a.seq, a.scope FROM ack_events a JOIN ack_files f ON f.file_id = a.file_id {only} "
    "ORDER BY a.claim_id, a.file_id, a.seq"
)
RECOUPMENTS = (
    "SELECT p.claim_id, p.reason, p.reference, p.amount, r.event_date, p.adjustment_id "
    "FROM provider_adjustments p JOIN remittances r ON r.remittance_id = p.remittance_id {only} "
    "ORDER BY p.claim_id, p.adjustment_id"
)
BATCH_ACKS = (
    "SELECT a.batch_id, a.st02, a.scope, a.source, a.outcome, a.codes, "
    "COALESCE(a.answered_on, f.imported_at), a.file_id, a.seq FROM ack_events a "
    "JOIN ack_files f ON f.file_id = a.file_id "
    "WHERE a.claim_id IS NULL AND a.batch_id IS NOT NULL ORDER BY a.file_id, a.seq"
)
CORRECTIONS = (
    "SELECT claim_id, frequency, original_claim_id FROM claims "
    "WHERE original_claim_id IS NOT NULL ORDER BY claim_id"
)

# The same rows packed, for the passes that key claims by their rows (ledger/row_shapes.py): the
# identities, and what is read of a claim before it is keyed, as columns; every other column as
# one ``json_array`` text, in the order above (Python's sqlite3 pays for each column it reads, and
# a text keys and compares as one string). :func:`unpacked` gives the rows as the queries above.
# Their columns are TEXT or INTEGER, which ``json_array`` spells one way each.
FACTS_PACKED = (
    "SELECT c.claim_id, c.member_id, c.frequency, c.original_claim_id, json_array(c.total_charge, "
    "c.category, c.service_month, c.batch_id, c.st02, b.created_at, b.usage, be.event) "
    "FROM claims c JOIN batches b ON b.batch_id = c.batch_id "
    "LEFT JOIN batch_events be ON be.batch_id = c.batch_id {only} ORDER BY c.claim_id"
)
LINES_PACKED = (
    "SELECT l.claim_id, l.line_id, json_array(l.charge, l.procedure, l.modifiers, l.service_date, "
    "l.end_date, l.expected_unpaid, l.live, l.denied, l.units) FROM lines l {only} "
    "ORDER BY l.claim_id, l.line_number"
)
# (claim, event ID, payer claim number, [seq, trace], [status, charge, paid, patient, has
# lines, adjustments, remarks, date, issued, remittance])
ADJUDICATIONS_PACKED = (
    "SELECT e.claim_id, e.event_id, e.payer_claim_number, json_array(e.seq, r.trace_number), "
    "json_array(e.status_code, e.charge, e.paid, e.patient_responsibility, e.has_lines, "
    "e.adjustments, e.remarks, r.event_date, r.issued_at, r.remittance_id) FROM claim_events e "
    "JOIN remittances r ON r.remittance_id = e.remittance_id {only} "
    "ORDER BY e.claim_id, e.remittance_id, e.seq, e.event_id"
)
LINE_PAYMENTS_PACKED = (
    "SELECT e.claim_id, le.claim_event_id, le.line_id, "
    "json_array(le.charge, le.paid, le.adjustments, le.remarks) "
    "FROM claim_events e JOIN line_events le ON le.claim_event_id = e.event_id {only} "
    "ORDER BY e.claim_id, e.remittance_id, e.seq, e.event_id, le.line_event_id"
)

# TABLE: the claims of a TEMP table (edi837.ledger.claim_set), its subquery passed as ``within``
ALL, IDS, ONE, TABLE = "all", "ids", "one", "table"


def narrow(sql: str, alias: str, mode: str, within: str = "") -> str:
    column = f"{alias}.claim_id"
    if mode == ALL:
        only = f"WHERE {column} IS NOT NULL" if alias not in {"c", "l"} else ""
    elif mode == IDS:
        only = f"WHERE {column} IN (SELECT value FROM json_each(?))"
    elif mode == TABLE:
        only = f"WHERE {column} IN ({within})"
    else:
        only = f"WHERE {column} = ?"
    return sql.format(only=only)


def plain_rows(
    db: sqlite3.Connection, sql: str, params: Sequence[object] | Mapping[str, object] = ()
) -> sqlite3.Cursor:
    """The rows of a query as tuples."""
    cursor = db.cursor()
    cursor.row_factory = None
    return cursor.execute(sql, params)


class _Stream:
    """Rows of one sorted query, handed out claim by claim. ``head`` is the claim of the next
    row (None at the end): a claim the stream has nothing for costs the caller one comparison."""

    __slots__ = ("_next", "_rows", "head")

    def __init__(self, rows: Iterator[Any]) -> None:
        self._rows = rows
        self._next = next(rows, None)
        self.head: str | None = None if self._next is None else self._next[0]

    def take(self, claim_id: str) -> list[Any]:
        out = []
        rows = self._rows
        row = self._next
        while row is not None and row[0] < claim_id:
            row = next(rows, None)
        while row is not None and row[0] == claim_id:
            out.append(row)
            row = next(rows, None)
        self._next = row
        self.head = None if row is None else row[0]
        return out


class Raw(NamedTuple):
    """Everything the ledger holds about one claim, before it becomes facts and events (a
    tuple: one is made per claim, and a tuple is the cheapest to make); its rows as the plain
    queries read them, or packed (``raw_claims(..., packed=True)``)."""

    facts: Any
    lines: list[Any]
    adjudications: Sequence[Any]
    line_payments: Sequence[Any]
    acks: Sequence[Any]
    recoupments: Sequence[Any]

    @property
    def claim_id(self) -> str:
        return str(self.facts[0])

    @property
    def eventless(self) -> bool:
        """No answer, payment or recoupment names the claim itself."""
        return not (self.adjudications or self.acks or self.recoupments)


_NONE: tuple[Any, ...] = ()


def raw_claims(
    db: sqlite3.Connection,
    mode: str,
    params: Sequence[object] = (),
    within: str = "",
    *,
    packed: bool = False,
) -> Iterator[Raw]:
    """Every claim's rows (those ``mode`` selects), in claim-ID order; ``packed``: the claim's,
    lines', adjudications' and line payments' rows packed (``*_PACKED``; :func:`unpacked`)."""
    streams = [
        _Stream(plain_rows(db, narrow(sql, alias, mode, within), params))
        for sql, alias in (
            (LINES_PACKED if packed else LINES, "l"),
            (ADJUDICATIONS_PACKED if packed else ADJUDICATIONS, "e"),
            (LINE_PAYMENTS_PACKED if packed else LINE_PAYMENTS, "e"),
            (CLAIM_ACKS, "a"),
            (RECOUPMENTS, "p"),
        )
    ]
    lines, adjudications, payments, acks, recoupments = streams
    for facts in plain_rows(
        db, narrow(FACTS_PACKED if packed else FACTS, "c", mode, within), params
    ):
        claim_id = facts[0]
        # most claims have no event of a kind: a comparison with the stream's head says so
        yield Raw(
            facts,
            lines.take(claim_id),
            _NONE
            if (h := adjudications.head) is None or h > claim_id
            else adjudications.take(claim_id),
            _NONE if (h := payments.head) is None or h > claim_id else payments.take(claim_id),
            _NONE if (h := acks.head) is None or h > claim_id else acks.take(claim_id),
            _NONE
            if (h := recoupments.head) is None or h > claim_id
            else recoupments.take(claim_id),
        )


def unpacked(raw: Raw) -> Raw:
    """A packed claim's rows (``raw_claims(..., packed=True)``) as the plain queries read them."""
    loads = json.loads
    adjudications = raw.adjudications
    payments = raw.line_payments
    return Raw(
        unpacked_facts(raw.facts),
        [(line[0], line[1], *loads(line[2])) for line in raw.lines],
        [_adjudication(row, loads(row[3]), loads(row[4])) for row in adjudications]
        if adjudications
        else _NONE,
        [(*row[:3], *loads(row[3])) for row in payments] if payments else _NONE,
        raw.acks,
        raw.recoupments,
    )


def unpacked_facts(row: Any) -> tuple[Any, ...]:
    """A packed claim row as FACTS reads it."""
    return (*row[:4], *json.loads(row[4]))


def _adjudication(row: Any, order: list[Any], rest: list[Any]) -> tuple[Any, ...]:
    # (claim, event ID, status, charge, paid, patient, payer claim number, has lines,
    # adjustments, remarks, date, issued, remittance, seq, trace), as ADJUDICATIONS reads them
    return (row[0], row[1], *rest[:4], row[2], *rest[4:], *order)


# -- decoding ---------------------------------------------------------------------------------------


def decimal(text: str | None) -> Decimal | None:
    return amount(text) if text else None


# a ledger's amounts, dates and modifiers are few and repeat on every claim (keyed by the text
# read, so an amount keeps its spelling)
@lru_cache(maxsize=CACHE_LIMIT)
def amount(text: str) -> Decimal:
    return Decimal(text)


@lru_cache(maxsize=CACHE_LIMIT)
def day(text: str) -> date:
    return date.fromisoformat(text)


@lru_cache(maxsize=CACHE_LIMIT)
def modifiers(text: str) -> tuple[str, ...]:
    return tuple(text.split())


_reasons_cache: dict[str, tuple[Reason, ...]] = {_EMPTY: ()}


def reasons(text: str) -> tuple[Reason, ...]:
    """A stored CAS list, ``[[group, reason, amount, quantity], ...]``."""
    found = _reasons_cache.get(text)
    if found is None:
        if len(_reasons_cache) >= CACHE_LIMIT:
            _reasons_cache.clear()
            _reasons_cache[_EMPTY] = ()
        found = _reasons_cache[text] = tuple(
            Reason(str(g), str(c), Decimal(a)) for g, c, a, *_ in json.loads(text)
        )
    return found


_codes_cache: dict[str, tuple[str, ...]] = {_EMPTY: ()}


def codes(text: str) -> tuple[str, ...]:
    """A stored remark list, ``[code, ...]``."""
    found = _codes_cache.get(text)
    if found is None:
        if len(_codes_cache) >= CACHE_LIMIT:
            _codes_cache.clear()
            _codes_cache[_EMPTY] = ()
        found = _codes_cache[text] = tuple(json.loads(text))
    return found


_front_cache: dict[tuple[str, str, str, str | None], FrontDoor] = {}


def front(source: str, outcome: str, codes: str, answered: str | None) -> FrontDoor:
    """A front-door answer (TA1, 999, 277CA) as an event."""
    key = (source, outcome, codes, answered)
    found = _front_cache.get(key)
    if found is None:
        if len(_front_cache) >= CACHE_LIMIT:
            _front_cache.clear()
        pairs = json.loads(codes)
        found = _front_cache[key] = FrontDoor(
            source=source,
            outcome=Outcome(outcome),
            on=date.fromisoformat(answered) if answered else None,
            codes=tuple(str(code) for code, _words in pairs),
            detail="; ".join(f"{code} {words}".strip() for code, words in pairs),
        )
    return found
