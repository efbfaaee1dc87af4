"""The packed rows the row-keyed passes read (``raw_claims(..., packed=True)``: a row's
identities as columns, the rest as one ``json_array`` text) are the plain rows: unpacked, every
claim's rows equal the plain queries', in every mode; and the row key made of the texts
(ledger/row_shapes.py) tells two claims apart exactly when the columns it stands for differ
(spelled below over the plain rows, as the key was before it read texts): a text that merged two
values would hand one claim another's answer, and one that split a value would only cost time,
so both directions are held. On random ledgers (every kind of event, voids and replacements,
acknowledgments, recoupments) and on the bench's ledger after its 835 with one to three columns
redrawn."""

from __future__ import annotations

import json
from collections.abc import Hashable
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from edi837.ledger.event_rows import ALL, IDS, Raw, raw_claims, unpacked
from edi837.ledger.row_shapes import row_key
from edi837.ledger.store import Ledger

from .random_ledger import ledgers, redrawn_ledger, written_ledger
from .test_queue_row_shapes import _FACT_KNOBS
from .test_refresh_row_shapes import _KNOBS


def _columns_key(raw: Raw) -> Hashable | None:
    """The row key over the plain rows, column by column: every column but the identities."""
    facts = raw.facts
    if facts[3] is not None or raw.recoupments or len(raw.adjudications) > 1:
        return None
    positions = {line[1]: index for index, line in enumerate(raw.lines)}
    if len(positions) != len(raw.lines):
        return None
    adjudication: Hashable = None
    payments = []
    if raw.adjudications:
        row = raw.adjudications[0]
        adjudication = (*row[2:6], row[6] == "", *row[7:13])  # (less IDs, seq and trace)
        for payment in raw.line_payments:
            at = None if payment[2] is None else positions.get(payment[2], -1)
            if at == -1:
                return None
            payments.append((at, *payment[3:]))
    elif raw.line_payments:
        return None
    lines = tuple(line[2:] for line in raw.lines)
    return facts[2:], lines, adjudication, tuple(payments)


def _packed_are_plain(book: Ledger) -> None:
    db = book.db
    packed = list(raw_claims(db, ALL, packed=True))
    plain = list(raw_claims(db, ALL))
    assert [unpacked(raw) for raw in packed] == plain
    some = sorted(raw.claim_id for raw in plain)[::2]
    params = (json.dumps(some),)
    assert [unpacked(r) for r in raw_claims(db, IDS, params, packed=True)] == list(
        raw_claims(db, IDS, params)
    )
    keys = [row_key(raw, ()) for raw in packed]
    columns = [_columns_key(raw) for raw in plain]
    assert [key is None for key in keys] == [key is None for key in columns]
    keyed = [(k, c) for k, c in zip(keys, columns, strict=True) if k is not None]
    for key, column in keyed:
        for other_key, other_column in keyed:
            assert (key == other_key) == (column == other_column)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=ledgers())
def test_packed_rows_are_the_plain_rows_on_random_ledgers(spec: dict[str, Any]) -> None:
    with written_ledger(spec) as path, Ledger(path) as book:
        _packed_are_plain(book)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    knobs=st.sets(st.sampled_from(_KNOBS + _FACT_KNOBS), min_size=1, max_size=3),
    seed=st.integers(0, 2**32),
)
def test_packed_rows_are_the_plain_rows_with_columns_redrawn(
    answered: Path, knobs: set[tuple[str, str, str, tuple[str, ...]]], seed: int
) -> None:
    with redrawn_ledger(answered, knobs, seed) as book:
        _packed_are_plain(book)
