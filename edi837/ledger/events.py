"""The ledger's events, handed to the claim state machine: the one way any command learns a
claim's state.

:func:`outcomes` streams ``(facts, outcome)`` for every claim (or for the claims asked for) in
claim-ID order: the claims, their lines, their 835 adjudications and line payments, the
acknowledgments that cover them (TA1 for the batch, 999 for its transaction set, 277CA for the
claim) and the provider-level adjustments that name them, each read by one sorted query and
merged, so memory stays flat however large the ledger. The events of one claim are put in one
total order: the date, then front-door answers before adjudications, a reversal before the new
adjudication of the same day, then the sender's own order (its interchange date and time, its
position in the file), then the order of import.

:func:`refresh` writes the state machine's answer to "what counts as billed" onto the lines
(``lines.live``, ``lines.denied``), the cache the history rules query; only it writes them, in
the transaction that records the event that changed them.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Collection, Iterator, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

import attrs

from edi837.ledger.store import Ledger
from edi837.lifecycle.events import (
    Adjudication,
    ClaimFacts,
    Event,
    FrontDoor,
    LineFacts,
    LinePayment,
    Outcome,
    Reason,
    Recoupment,
    Successor,
    Written,
)
from edi837.lifecycle.machine import ClaimOutcome, State, evaluate, void_took_effect

ZERO = Decimal(0)
_REVERSAL = "22"
# on one day, the answers come in this order: the interchange, the group, then the claims
_SOURCE_ORDER = {"TA1": 0, "999": 1, "277CA": 2}
_WRITTEN = {"written": Written.WRITTEN, "adopted": Written.WRITTEN, "abandoned": Written.ABANDONED}


def _decimal(text: str | None) -> Decimal | None:
    return Decimal(text) if text else None


def _reasons(text: str) -> tuple[Reason, ...]:
    return tuple(Reason(str(g), str(c), Decimal(a)) for g, c, a, *_ in json.loads(text))


# -- the queries ------------------------------------------------------------------------------------
# Each returns rows whose first column is the claim ID, in claim-ID order. ``{only}`` narrows it:
# to every claim, to the claims in the temporary table ``wanted``, or to one claim.

_FACTS = (
    "SELECT c.claim_id, c.member_id, c.frequency, c.original_claim_id, c.total_charge, c.category, "
    "c.service_month, c.batch_id, c.st02, b.created_at, b.usage, be.event "
    "FROM claims c JOIN batches b ON b.batch_id = c.batch_id "
    "LEFT JOIN batch_events be ON be.batch_id = c.batch_id {only} ORDER BY c.claim_id"
)
_LINES = (
    "SELECT l.claim_id, l.line_id, l.charge, l.procedure, l.modifiers, l.service_date, l.end_date, "
    "l.expected_unpaid, l.live, l.denied, l.units FROM lines l {only} "
    "ORDER BY l.claim_id, l.line_number"
)
_ADJUDICATIONS = (
    "SELECT e.claim_id, e.event_id, e.status_code, e.charge, e.paid, e.patient_responsibility, "
    "e.payer_claim_number, e.has_lines, e.adjustments, e.remarks, r.event_date, r.issued_at, "
    "r.remittance_id, e.seq, r.trace_number FROM claim_events e "
    "JOIN remittances r ON r.remittance_id = e.remittance_id {only} ORDER BY e.claim_id, e.event_id"
)
_LINE_PAYMENTS = (
    "SELECT e.claim_id, le.claim_event_id, le.line_id, le.charge, le.paid, le.adjustments, le.remarks "
    "FROM line_events le JOIN claim_events e ON e.event_id = le.claim_event_id {only} "
    "ORDER BY e.claim_id, le.claim_event_id, le.line_event_id"
)
_CLAIM_ACKS = (
    "SELECT a.claim_id, a.source, a.outcome, a.codes, COALESCE(a.answered_on, f.imported_at), "
    "a.file_id, a.seq, a.scope FROM ack_events a JOIN ack_files f ON f.file_id = a.file_id {only} "
    "ORDER BY a.claim_id, a.file_id, a.seq"
)
_RECOUPMENTS = (
    "SELECT p.claim_id, p.reason, p.reference, p.amount, r.event_date, p.adjustment_id "
    "FROM provider_adjustments p JOIN remittances r ON r.remittance_id = p.remittance_id {only} "
    "ORDER BY p.claim_id, p.adjustment_id"
)


def _narrow(sql: str, alias: str, mode: str) -> str:
    column = f"{alias}.claim_id"
    if mode == "all":
        only = f"WHERE {column} IS NOT NULL" if alias not in {"c", "l"} else ""
    elif mode == "wanted":
        only = f"WHERE {column} IN (SELECT claim_id FROM temp.wanted_claims)"
    else:
        only = f"WHERE {column} = ?"
    return sql.format(only=only)


class _Stream:
    """Rows of one sorted query, handed out claim by claim."""

    def __init__(self, rows: Iterator[Any]) -> None:
        self._rows = rows
        self._next = next(rows, None)

    def take(self, claim_id: str) -> list[Any]:
        out = []
        row = self._next
        while row is not None and row[0] < claim_id:
            row = next(self._rows, None)
        while row is not None and row[0] == claim_id:
            out.append(row)
            row = next(self._rows, None)
        self._next = row
        return out


@attrs.frozen(slots=True)
class _Raw:
    """Everything the ledger holds about one claim, before it becomes facts and events."""

    facts: Any
    lines: list[Any]
    adjudications: list[Any]
    line_payments: list[Any]
    acks: list[Any]
    recoupments: list[Any]


class EventReader:
    """Reads claims and their events. Batch-level and set-level acknowledgments are few (one per
    batch or transaction set) and are held in memory; everything else streams."""

    def __init__(self, ledger: Ledger) -> None:
        self.db = ledger.db
        self._batch_acks: dict[int, list[Any]] = defaultdict(list)
        for row in self.db.execute(
            "SELECT a.batch_id, a.st02, a.scope, a.source, a.outcome, a.codes, "
            "COALESCE(a.answered_on, f.imported_at), a.file_id, a.seq FROM ack_events a "
            "JOIN ack_files f ON f.file_id = a.file_id "
            "WHERE a.claim_id IS NULL AND a.batch_id IS NOT NULL ORDER BY a.file_id, a.seq"
        ):
            self._batch_acks[row[0]].append(row)
        self._successors: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for claim_id, frequency, original in self.db.execute(
            "SELECT claim_id, frequency, original_claim_id FROM claims "
            "WHERE original_claim_id IS NOT NULL ORDER BY claim_id"
        ):
            self._successors[original].append((claim_id, frequency))

    # -- raw rows --------------------------------------------------------------------------------
    def _raw(self, mode: str, params: Sequence[object] = ()) -> Iterator[_Raw]:
        db = self.db
        streams = [
            _Stream(iter(db.execute(_narrow(sql, alias, mode), params)))
            for sql, alias in (
                (_LINES, "l"),
                (_ADJUDICATIONS, "e"),
                (_LINE_PAYMENTS, "e"),
                (_CLAIM_ACKS, "a"),
                (_RECOUPMENTS, "p"),
            )
        ]
        for facts in db.execute(_narrow(_FACTS, "c", mode), params):
            claim_id = facts[0]
            lines, adjudications, payments, acks, recoupments = (s.take(claim_id) for s in streams)
            yield _Raw(facts, lines, adjudications, payments, acks, recoupments)

    def _one(self, claim_id: str) -> _Raw | None:
        return next(self._raw("one", (claim_id,)), None)

    # -- facts and events -------------------------------------------------------------------------
    def _facts(self, raw: _Raw, resent_as: str | None = None) -> ClaimFacts:
        row = raw.facts
        lines = tuple(
            LineFacts(
                line_id=line[1],
                charge=Decimal(line[2]),
                procedure=line[3],
                modifiers=tuple(line[4].split()),
                service_date=date.fromisoformat(line[5]),
                end_date=date.fromisoformat(line[6]) if line[6] else None,
                expected_unpaid=line[7],
                units=Decimal(line[10]),
            )
            for line in raw.lines
        )
        return ClaimFacts(
            claim_id=row[0],
            member_id=row[1],
            frequency=row[2],
            original_claim_id=row[3],
            test=row[10] == "T",
            billed=Decimal(row[4]),
            sent_on=date.fromisoformat(row[9][:10]),
            written=_WRITTEN.get(row[11] or "", Written.PENDING),
            lines=lines,
            category=row[5],
            service_month=row[6],
            batch_id=row[7],
            resent_as=resent_as,
        )

    def _events(self, raw: _Raw, facts: ClaimFacts) -> list[tuple[tuple[Any, ...], Event]]:
        keyed: list[tuple[tuple[Any, ...], Event]] = []
        sent = facts.sent_on.isoformat()
        st02 = raw.facts[8]
        # 999s with transaction-set detail answer the set; a group-level answer (AK9) counts
        # only where the same file said nothing of the claim's set
        batch_rows = self._batch_acks.get(facts.batch_id, [])
        files_with_sets = {r[7] for r in batch_rows if r[2] == "transaction"}
        for row in batch_rows:
            _batch, set_number, scope, source, outcome, codes, answered, file_id, seq = row
            if scope == "transaction" and set_number != st02:
                continue
            if scope == "group" and file_id in files_with_sets:
                continue
            keyed.append(
                (
                    (answered or sent, 0, _SOURCE_ORDER.get(source, 9), "", file_id, seq),
                    _front(source, outcome, codes, answered),
                )
            )
        for row in raw.acks:
            _claim, source, outcome, codes, answered, file_id, seq, scope = row
            if scope == "line":
                continue  # a line-level 277CA answer: the claim-level one decides
            keyed.append(
                (
                    (answered or sent, 0, _SOURCE_ORDER.get(source, 9), "", file_id, seq),
                    _front(source, outcome, codes, answered),
                )
            )
        payments: dict[int, list[LinePayment]] = defaultdict(list)
        for row in raw.line_payments:
            if row[2] is None:
                continue  # a line of the 835 that matched none of ours
            payments[row[1]].append(
                LinePayment(
                    row[2],
                    _decimal(row[3]),
                    _decimal(row[4]),
                    _reasons(row[5]),
                    tuple(json.loads(row[6])),
                )
            )
        for row in raw.adjudications:
            (_c, event_id, status, charge, paid, patient, number, has_lines, adjustments, remarks,
             on, issued, remittance_id, seq, trace) = row  # fmt: skip
            event = Adjudication(
                on=date.fromisoformat(on),
                status_code=status,
                charge=_decimal(charge),
                paid=_decimal(paid),
                payer_claim_number=number,
                patient_responsibility=_decimal(patient),
                reasons=_reasons(adjustments),
                remarks=tuple(json.loads(remarks)),
                lines=tuple(payments.get(event_id, ())),
                itemised=bool(has_lines),
                trace=trace,
                named=facts.claim_id,
            )
            keyed.append(
                ((on, 1, 0 if status == _REVERSAL else 1, issued or "", remittance_id, seq), event)
            )
        for row in raw.recoupments:
            _c, reason, reference, amount, on, adjustment_id = row
            keyed.append(
                (
                    (on, 2, 0, "", adjustment_id, 0),
                    Recoupment(date.fromisoformat(on), reason, reference, Decimal(amount)),
                )
            )
        return keyed

    def _ordered(self, keyed: list[tuple[tuple[Any, ...], Event]]) -> tuple[Event, ...]:
        keyed.sort(key=lambda pair: pair[0])
        return tuple(event for _, event in keyed)

    # -- outcomes -----------------------------------------------------------------------------------
    def outcome_of(self, raw: _Raw) -> tuple[ClaimFacts, ClaimOutcome]:
        facts = self._facts(raw)
        keyed = self._events(raw, facts)
        if facts.original_claim_id and facts.frequency in ("7", "8"):
            keyed = _split_correction(keyed)[0]
        successors: list[Successor] = []
        for successor_id, frequency in self._successors.get(facts.claim_id, ()):
            other = self._one(successor_id)
            if other is None:
                continue
            other_facts = self._facts(other)
            own, reversals = _split_correction(self._events(other, other_facts))
            successors.append(
                Successor(
                    successor_id, frequency, void_took_effect(other_facts, self._ordered(own))
                )
            )
            keyed.extend(reversals)
        events = self._ordered(keyed)
        original: ClaimOutcome | None = None
        if facts.is_void and facts.original_claim_id:
            first = self._one(facts.original_claim_id)
            if first is not None:
                original = self.outcome_of(first)[1]
        if facts.frequency == "1" and _front_rejected(facts, events):
            facts = attrs.evolve(facts, resent_as=self._resent_as(facts))
        return facts, evaluate(facts, events, successors, original=original)

    def outcomes(
        self, claim_ids: Collection[str] | None = None
    ) -> Iterator[tuple[ClaimFacts, ClaimOutcome]]:
        if claim_ids is None:
            raws = self._raw("all")
        else:
            self.db.execute(
                "CREATE TEMP TABLE IF NOT EXISTS wanted_claims (claim_id TEXT PRIMARY KEY)"
            )
            self.db.execute("DELETE FROM temp.wanted_claims")
            self.db.executemany(
                "INSERT OR IGNORE INTO temp.wanted_claims VALUES (?)", [(c,) for c in claim_ids]
            )
            raws = self._raw("wanted")
        for raw in raws:
            yield self.outcome_of(raw)

    def _resent_as(self, facts: ClaimFacts) -> str | None:
        """A later original of ours that bills one of this rejected claim's services again."""
        for line in facts.lines:
            row = self.db.execute(
                "SELECT l.claim_id FROM lines l JOIN claims c ON c.claim_id = l.claim_id "
                "WHERE l.member_id = ? AND l.procedure = ? AND l.service_date = ? AND l.modifiers = ? "
                "AND l.claim_id > ? AND c.frequency = '1' AND l.live = 1 ORDER BY l.claim_id LIMIT 1",
                (
                    facts.member_id,
                    line.procedure,
                    line.service_date.isoformat(),
                    " ".join(line.modifiers),
                    facts.claim_id,
                ),
            ).fetchone()
            if row is not None:
                return str(row[0])
        return None


def _front(source: str, outcome: str, codes: str, answered: str | None) -> FrontDoor:
    pairs = json.loads(codes)
    return FrontDoor(
        source=source,
        outcome=Outcome(outcome),
        on=date.fromisoformat(answered) if answered else None,
        codes=tuple(str(code) for code, _words in pairs),
        detail="; ".join(f"{code} {words}".strip() for code, words in pairs),
    )


def _front_rejected(facts: ClaimFacts, events: Sequence[Event]) -> bool:
    from edi837.lifecycle.machine import front_door_state

    return front_door_state(facts, events) is State.REJECTED


Keyed = list[tuple[tuple[Any, ...], Event]]


def _split_correction(keyed: Keyed) -> tuple[Keyed, Keyed]:
    """A void's or replacement's events: (its own, the original's). A reversal the payer sent
    under the correction's ID before adjudicating the correction itself reverses the original."""
    own_first = min(
        (key for key, e in keyed if isinstance(e, Adjudication) and not e.is_reversal),
        default=None,
    )
    own: Keyed = []
    original: Keyed = []
    for key, event in keyed:
        reversal = isinstance(event, Adjudication) and event.is_reversal
        (original if reversal and (own_first is None or key < own_first) else own).append(
            (key, event)
        )
    return own, original


def outcomes(
    ledger: Ledger, claim_ids: Collection[str] | None = None
) -> Iterator[tuple[ClaimFacts, ClaimOutcome]]:
    """Every claim's facts and outcome (or those of ``claim_ids``), in claim-ID order."""
    return EventReader(ledger).outcomes(claim_ids)


def outcome(ledger: Ledger, claim_id: str) -> tuple[ClaimFacts, ClaimOutcome] | None:
    reader = EventReader(ledger)
    raw = reader._one(claim_id)
    return None if raw is None else reader.outcome_of(raw)


def related(ledger: Ledger, claim_ids: Collection[str]) -> set[str]:
    """The claims whose state may change with these: themselves, their originals, their
    voids and replacements."""
    out = set(claim_ids)
    frontier = set(claim_ids)
    while frontier:
        marks = ",".join("?" * len(frontier))
        rows = ledger.db.execute(
            f"SELECT claim_id, original_claim_id FROM claims WHERE claim_id IN ({marks}) "
            f"OR original_claim_id IN ({marks})",
            [*frontier, *frontier],
        ).fetchall()
        found = {r[0] for r in rows} | {r[1] for r in rows if r[1]}
        frontier = found - out
        out |= found
    return out


def refresh(ledger: Ledger, claim_ids: Collection[str] | None) -> int:
    """Rewrite ``lines.live`` and ``lines.denied`` from the state machine for these claims (and
    the claims tied to them), or for every claim. Inside ``ledger.write()``. Returns the number
    of lines whose flags changed."""
    wanted = None if claim_ids is None else related(ledger, claim_ids)
    reader = EventReader(ledger)
    current = {
        row[0]: (row[1], row[2])
        for row in ledger.db.execute(
            "SELECT line_id, live, denied FROM lines"
            + ("" if wanted is None else " WHERE claim_id IN (SELECT value FROM json_each(?))"),
            () if wanted is None else (json.dumps(sorted(wanted)),),
        )
    }
    changes: list[tuple[int, int, str]] = []
    for _facts, result in reader.outcomes(wanted):
        live = 1 if result.live else 0
        for line in result.lines:
            flags = (live, 1 if line.denied else 0)
            if current.get(line.line_id) != flags:
                changes.append((*flags, line.line_id))
    ledger.db.executemany("UPDATE lines SET live = ?, denied = ? WHERE line_id = ?", changes)
    return len(changes)
