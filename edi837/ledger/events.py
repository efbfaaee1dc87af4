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
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Collection, Hashable, Iterable, Iterator, Sequence
from datetime import date
from decimal import Decimal
from itertools import islice
from typing import Any, NamedTuple

import attrs

from edi837.ledger.claim_set import ClaimSet
from edi837.ledger.event_rows import (
    ALL,
    BATCH_ACKS,
    CORRECTIONS,
    IDS,
    ONE,
    TABLE,
    Raw,
    amount,
    codes,
    day,
    decimal,
    front,
    modifiers,
    plain_rows,
    raw_claims,
    reasons,
    unpacked,
    unpacked_facts,
)
from edi837.ledger.row_shapes import row_key
from edi837.ledger.store import Ledger
from edi837.lifecycle.events import (
    Adjudication,
    ClaimFacts,
    Event,
    LineFacts,
    LinePayment,
    Recoupment,
    Successor,
    Written,
)
from edi837.lifecycle.machine import (
    ClaimOutcome,
    State,
    evaluate,
    front_door_state,
    void_took_effect,
)
from edi837.lifecycle.shapes import evaluate_shared, restamped, shape_of

ZERO = Decimal(0)
_REVERSAL = "22"
# on one day, the answers come in this order: the interchange, the group, then the claims
_SOURCE_ORDER = {"TA1": 0, "999": 1, "277CA": 2}
_WRITTEN = {"written": Written.WRITTEN, "adopted": Written.WRITTEN, "abandoned": Written.ABANDONED}

# claims evaluated together: the rows of the claims they depend on (voids, replacements, the
# originals of voids) and the look-ups of resent claims are fetched once per chunk
CHUNK = 2000
# line flags refresh writes to its staging table per executemany
REFRESH_BATCH = 2000

Keyed = list[tuple[tuple[Any, ...], Event]]


def _ack_order(
    answered: str | None, sent: str, source: str, file_id: int, seq: int
) -> tuple[object, ...]:
    """Where an acknowledgment falls among a claim's events (their sort key): on the day it was
    answered (the day sent when it names none), before that day's payments (0), TA1 before 999
    before 277CA, then by file and position. The batch's answers, the claim's own, and the key
    refresh's row shapes place them by, all come from here."""
    return (answered or sent, 0, _SOURCE_ORDER.get(source, 9), "", file_id, seq)


Flags = tuple[int, int, str]  # a line's (live, denied, line ID)


class _Prepared(NamedTuple):
    """A claim's facts and ordered events, with what the state machine needs besides."""

    facts: ClaimFacts
    events: tuple[Event, ...]
    successors: tuple[Successor, ...]
    original: ClaimOutcome | None
    rejected_original: bool  # a rejected original: is it resent as another claim?


class Alike(NamedTuple):
    """A claim whose rows are an earlier claim's of the same pass but for its identities
    (ledger/row_shapes.py's key): its facts and outcome are that claim's with its own claim,
    member and line IDs and payer's claim number, made only when asked (:meth:`evaluated`).
    ``raw`` is packed (``raw_claims(..., packed=True)``): its identities are read, never the
    rest."""

    raw: Raw
    like: ClaimFacts  # the earlier claim's facts
    shape: object  # their outcome's shape (lifecycle/shapes.py)

    def evaluated(self) -> tuple[ClaimFacts, ClaimOutcome]:
        """The claim's facts and outcome, as :meth:`EventReader.evaluated` gives them."""
        facts = _facts_like(self.raw, self.like)
        return facts, restamped(self.shape, facts, self.numbers)

    @property
    def numbers(self) -> Sequence[str]:
        """The payer's claim numbers of its adjudications (a key holds at most one)."""
        adjudications = self.raw.adjudications  # (packed: the number is the third column)
        return [adjudications[0][2]] if adjudications else ()


class EventReader:
    """Reads claims and their events. Batch-level and set-level acknowledgments are few (one per
    batch or transaction set) and are held in memory, as are the links of the voids and
    replacements (one row per correction); everything else streams.

    :meth:`outcomes` is the fast path: it evaluates claims a chunk at a time, with the rows of
    the claims they depend on fetched for the chunk in one round of queries and the look-ups of
    resent claims made in one query. :meth:`outcome_of` on its own is the plain path, one claim
    and its look-ups at a time; both give the same answers (tests/test_ledger_fast_path.py)."""

    def __init__(self, ledger: Ledger) -> None:
        self.db = ledger.db
        self._batch_acks: dict[int, list[Any]] = defaultdict(list)
        for row in plain_rows(self.db, BATCH_ACKS):
            self._batch_acks[row[0]].append(row)
        self._batch_events: dict[tuple[int, int, date], Keyed] = {}
        # the same answers' sort keys, sorted: where a claim's own answers fall among them
        self._batch_order: dict[tuple[int, int, date], list[tuple[object, ...]]] = {}
        self._successors: dict[str, list[tuple[str, str]]] = defaultdict(list)
        self._corrections: dict[str, tuple[str, str]] = {}  # claim -> (frequency, original)
        for claim_id, frequency, original in plain_rows(self.db, CORRECTIONS):
            self._successors[original].append((claim_id, frequency))
            self._corrections[claim_id] = (frequency, original)
        self._known: dict[str, Raw] = {}  # the rows of the chunk being evaluated, and theirs
        self._resent: dict[str, str | None] = {}  # rejected originals of the chunk: resent as

    # -- raw rows --------------------------------------------------------------------------------
    def _one(self, claim_id: str) -> Raw | None:
        known = self._known.get(claim_id)
        if known is not None:
            return known
        return next(raw_claims(self.db, ONE, (claim_id,)), None)

    # -- facts and events -------------------------------------------------------------------------
    def _facts(self, raw: Raw) -> ClaimFacts:
        row = raw.facts
        # positional, in the classes' field order: one of each is made per claim and line
        lines = tuple(
            [
                LineFacts(
                    line[1],  # line_id
                    amount(line[2]),  # charge
                    line[3],  # procedure
                    modifiers(line[4]),
                    day(line[5]),  # service_date
                    day(line[6]) if line[6] else None,  # end_date
                    amount(line[10]),  # units
                    line[7],  # expected_unpaid
                )
                for line in raw.lines
            ]
        )
        return ClaimFacts(
            row[0],  # claim_id
            row[1],  # member_id
            row[2],  # frequency
            row[10] == "T",  # test
            amount(row[4]),  # billed
            day(row[9][:10]),  # sent_on
            _WRITTEN.get(row[11] or "", Written.PENDING),
            lines,
            row[3],  # original_claim_id
            row[6],  # service_month
            row[5],  # category
            None,  # resent_as
            row[7],  # batch_id
        )

    def _batch_keyed(self, batch_id: int, st02: int, sent_on: date) -> Keyed:
        """The batch's and the transaction set's answers, the same for each of its claims.
        999s with transaction-set detail answer the set; a group-level answer (AK9) counts only
        where the same file said nothing of the claim's set."""
        key = (batch_id, st02, sent_on)
        found = self._batch_events.get(key)
        if found is None:
            sent = sent_on.isoformat()
            found = []
            batch_rows = self._batch_acks.get(batch_id, [])
            files_with_sets = {r[7] for r in batch_rows if r[2] == "transaction"}
            for row in batch_rows:
                _batch, set_number, scope, source, outcome, codes, answered, file_id, seq = row
                if scope == "transaction" and set_number != st02:
                    continue
                if scope == "group" and file_id in files_with_sets:
                    continue
                found.append(
                    (
                        _ack_order(answered, sent, source, file_id, seq),
                        front(source, outcome, codes, answered),
                    )
                )
            self._batch_events[key] = found
        return found

    def _events(self, raw: Raw, facts: ClaimFacts) -> Keyed:
        keyed = list(self._batch_keyed(facts.batch_id, raw.facts[8], facts.sent_on))
        if raw.eventless:
            return keyed  # (line payments belong to adjudications)
        sent = facts.sent_on.isoformat()
        for row in raw.acks:
            _claim, source, outcome, text, answered, file_id, seq, scope = row
            if scope == "line":
                continue  # a line-level 277CA answer: the claim-level one decides
            keyed.append(
                (
                    _ack_order(answered, sent, source, file_id, seq),
                    front(source, outcome, text, answered),
                )
            )
        payments: dict[int, list[LinePayment]] = defaultdict(list)
        for row in raw.line_payments:
            if row[2] is None:
                continue  # a line of the 835 that matched none of ours
            payments[row[1]].append(
                LinePayment(
                    row[2], decimal(row[3]), decimal(row[4]), reasons(row[5]), codes(row[6])
                )
            )
        for row in raw.adjudications:
            (_c, event_id, status, charge, paid, patient, number, has_lines, adjustments, remarks,
             on, issued, remittance_id, seq, trace) = row  # fmt: skip
            event = Adjudication(  # positional, in the class's field order
                day(on),  # on
                status,  # status_code
                decimal(charge),
                decimal(paid),
                number,  # payer_claim_number
                decimal(patient),  # patient_responsibility
                reasons(adjustments),
                codes(remarks),
                tuple(payments.get(event_id, ())),  # lines
                bool(has_lines),  # itemised
                trace,
                facts.claim_id,  # named
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

    def _ordered(self, keyed: Keyed) -> tuple[Event, ...]:
        if not keyed:
            return ()
        if len(keyed) > 1:
            keyed.sort(key=lambda pair: pair[0])
        return tuple(event for _, event in keyed)

    # -- outcomes -----------------------------------------------------------------------------------
    def _prepare(self, raw: Raw) -> _Prepared:
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
        # (no event, no rejection: the claim is pending, abandoned or sent)
        rejected = bool(events) and facts.frequency == "1" and _front_rejected(facts, events)
        return _Prepared(facts, events, tuple(successors), original, rejected)

    def _evaluate(
        self, prepared: _Prepared, *, shared: bool = False
    ) -> tuple[ClaimFacts, ClaimOutcome]:
        facts = prepared.facts
        if prepared.rejected_original:
            facts = attrs.evolve(facts, resent_as=self._resent_as(facts))
        # the fast path takes a shape's answer once made (lifecycle/shapes.py); the plain path
        # folds every claim, so that the fast-path test holds the one to the other
        fold = evaluate_shared if shared else evaluate
        return facts, fold(facts, prepared.events, prepared.successors, original=prepared.original)

    def outcome_of(self, raw: Raw) -> tuple[ClaimFacts, ClaimOutcome]:
        """One claim's facts and outcome (the plain path)."""
        return self._evaluate(self._prepare(raw))

    def outcomes(
        self, claim_ids: Collection[str] | None = None
    ) -> Iterator[tuple[ClaimFacts, ClaimOutcome]]:
        for _raw, facts, result in self.evaluated(claim_ids):
            yield facts, result

    def evaluated(
        self, claim_ids: Collection[str] | None = None, *, by_rows: bool = False
    ) -> Iterator[tuple[Raw, ClaimFacts, ClaimOutcome]]:
        """Every claim's rows, facts and outcome (or those of ``claim_ids``), in claim-ID order.
        ``by_rows``: a claim whose rows have the shape of one met before in this pass takes its
        answer (:meth:`_by_rows`)."""
        if by_rows:
            for found in self._by_rows(self._raws(claim_ids, packed=True), lazy=False):
                assert not isinstance(found, Alike)
                yield found
            return
        raws = self._raws(claim_ids)
        while chunk := list(islice(raws, CHUNK)):
            self._known = self._dependencies(chunk)
            prepared = [self._prepare(raw) for raw in chunk]
            self._resent = self._resends([p.facts for p in prepared if p.rejected_original])
            for raw, ready in zip(chunk, prepared, strict=True):
                yield (raw, *self._evaluate(ready, shared=True))
            self._known, self._resent = {}, {}

    def alike(
        self, claim_ids: Collection[str] | None = None
    ) -> Iterator[tuple[Raw, ClaimFacts, ClaimOutcome] | Alike]:
        """:meth:`evaluated` ``by_rows``, a claim that takes an earlier claim's answer handed
        out as an :class:`Alike`, its facts and outcome not made (for what needs only its
        identities and its shape's answer: the work queue's JSON)."""
        return self._by_rows(self._raws(claim_ids, packed=True), lazy=True)

    def _by_rows(
        self, raws: Iterator[Raw], *, lazy: bool
    ) -> Iterator[tuple[Raw, ClaimFacts, ClaimOutcome] | Alike]:
        """:meth:`evaluated`, with the claims keyed by their rows less their identities
        (ledger/row_shapes.py, refresh's key): the first claim of each key goes the whole way
        (its facts, its events, the state machine through lifecycle/shapes.py's memo); a later
        claim of the key takes the first one's facts with its own claim, member and line IDs,
        and the same shape's answer restamped with its identities (``restamped``), before any
        event is made of its rows. Claims of no key, and every claim of a key whose first was a
        rejected original (its answer reads other claims) or was evaluated on its own, go the
        whole way. ``raws`` are packed (``raw_claims(..., packed=True)``): a claim that goes the
        whole way is unpacked, and is handed out so; an :class:`Alike` keeps its packed rows."""
        # row key -> (the facts of its first claim, their shape); None: evaluate every claim
        memo: dict[Hashable, tuple[ClaimFacts, object] | None] = {}
        successors = self._successors
        while chunk := list(islice(raws, CHUNK)):
            self._known = self._dependencies(chunk, packed=True)
            if len(memo) >= CHUNK * 2:  # (flat memory: a pass may meet many shapes)
                memo.clear()
            # as flag_changes: the chunk's first claim of each key not yet met is prepared with
            # those of no key (their resends looked up together); a claim of a key met in an
            # earlier chunk takes its answer; the rest wait for their key's first claim (below)
            plan: list[tuple[Raw, Hashable, _Prepared | None, tuple[ClaimFacts, object] | None]]
            plan = []
            firsts: set[Hashable] = set()
            for packed in chunk:
                key = (
                    None
                    if packed.facts[0] in successors
                    else row_key(packed, self._acks_key(packed))
                )
                if key is not None:
                    known = memo.get(key)
                    if known is not None or key in firsts:
                        plan.append((packed, key, None, known))
                        continue
                    firsts.add(key)
                raw = unpacked(packed)
                plan.append((raw, key, self._prepare(raw), None))
            self._resent = self._resends(
                [p[2].facts for p in plan if p[2] is not None and p[2].rejected_original]
            )
            for rows, key, planned, met in plan:  # (rows: packed unless planned)
                raw, ready = rows, planned
                if ready is None:
                    known = memo[key] if met is None else met
                    if known is not None:
                        alike = Alike(rows, *known)
                        if lazy:
                            yield alike
                        else:
                            yield (unpacked(rows), *alike.evaluated())
                        continue
                    raw = unpacked(rows)
                    ready = self._prepare(raw)  # (its resend looked up on its own)
                facts, result = self._evaluate(ready, shared=True)
                if key is not None and key not in memo:
                    shape = shape_of(result)
                    memo[key] = None if ready.rejected_original or shape is None else (facts, shape)
                yield raw, facts, result
            self._known, self._resent = {}, {}

    def flag_changes(self, claim_ids: Collection[str] | None = None) -> Iterator[list[Flags]]:
        """For each claim (those of ``claim_ids``), in claim-ID order: its lines whose flags
        (``lines.live``, ``lines.denied``) differ from the state machine's answer, as ``(live,
        denied, line ID)``. Claims whose rows have the shape of one met before in this pass
        (ledger/row_shapes.py) take its changes, by line position, without being evaluated."""
        # row key -> (line position, live, denied) of the lines that change; None: evaluate
        # every claim of it (a rejected original, or an answer naming a line not its own)
        memo: dict[Hashable, tuple[tuple[int, int, int], ...] | None] = {}
        successors = self._successors
        raws = self._raws(claim_ids, packed=True)
        while chunk := list(islice(raws, CHUNK)):
            self._known = self._dependencies(chunk, packed=True)
            if len(memo) >= CHUNK * 2:  # (flat memory: a pass may meet many shapes)
                memo.clear()
            # claims of one shape hold one key between them (a chunk's keys, each its own
            # copy, would raise recording's peak memory)
            alike: dict[Hashable, Hashable] = {}
            keys = [
                None
                if raw.facts[0] in successors or (key := row_key(raw, self._acks_key(raw))) is None
                else alike.setdefault(key, key)
                for raw in chunk
            ]
            del alike
            # the chunk's first claim of each shape not yet met is evaluated (its rows unpacked),
            # and those of no shape; the rest wait for it (below, in order)
            prepared: dict[int, tuple[Raw, _Prepared]] = {}
            firsts: set[Hashable] = set()
            for index, (raw, key) in enumerate(zip(chunk, keys, strict=True)):
                if key is not None:
                    if memo.get(key) is not None or key in firsts:
                        continue
                    firsts.add(key)
                full = unpacked(raw)
                prepared[index] = (full, self._prepare(full))
            self._resent = self._resends(
                [p.facts for _full, p in prepared.values() if p.rejected_original]
            )
            for index, (packed, key) in enumerate(zip(chunk, keys, strict=True)):
                planned = prepared.get(index)
                if planned is None:
                    known = memo[key]
                    if known is not None:
                        lines = packed.lines
                        yield [(live, denied, lines[at][1]) for at, live, denied in known]
                        continue
                    raw = unpacked(packed)
                    ready = self._prepare(raw)  # (its resend looked up on its own)
                else:
                    raw, ready = planned
                _facts, result = self._evaluate(ready, shared=True)
                live = 1 if result.live else 0
                # the flags as they stand, read with the claim's lines (columns live, denied)
                current = {line[1]: (at, line[8], line[9]) for at, line in enumerate(raw.lines)}
                changes: list[Flags] = []
                moved: list[tuple[int, int, int]] | None = []
                for line in result.lines:
                    denied = 1 if line.denied else 0
                    now = current.get(line.line_id)
                    if now is None or now[1:] != (live, denied):
                        changes.append((live, denied, line.line_id))
                        if now is None or moved is None:
                            moved = None
                        else:
                            moved.append((now[0], live, denied))
                if key is not None and key not in memo:
                    memo[key] = None if ready.rejected_original or moved is None else tuple(moved)
                yield changes
            self._known, self._resent = {}, {}

    def _acks_key(self, raw: Raw) -> Hashable:
        """The claim's own acknowledgments as the state machine meets them, less the file and
        position they were read at: each as (its columns, how many of the batch's answers come
        before it), in the reader's order (by file and position). :meth:`_events` sorts them by
        date and source, then file and position, among the batch's answers: among themselves,
        ties keep the reader's order; against the batch's, the count places them. Line-level
        answers are left out, as :meth:`_events` leaves them. ``raw`` is packed."""
        if not raw.acks:
            return ()
        row = unpacked_facts(raw.facts)
        sent_on = day(row[9][:10])
        batch = self._batch_order.get((row[7], row[8], sent_on))
        if batch is None:
            keyed = self._batch_keyed(row[7], row[8], sent_on)
            batch = self._batch_order[row[7], row[8], sent_on] = sorted([k for k, _e in keyed])
        sent = sent_on.isoformat()
        found = []
        for _claim, source, outcome, text, answered, file_id, seq, scope in raw.acks:
            if scope == "line":
                continue
            key = _ack_order(answered, sent, source, file_id, seq)
            found.append((source, outcome, text, answered, bisect_right(batch, key)))
        return tuple(found)

    def _raws(self, claim_ids: Collection[str] | None, *, packed: bool = False) -> Iterator[Raw]:
        if claim_ids is None:
            return raw_claims(self.db, ALL, packed=packed)
        if isinstance(claim_ids, ClaimSet):  # (joined in SQL: never listed)
            return raw_claims(self.db, TABLE, within=claim_ids.select, packed=packed)
        if not claim_ids:
            return iter(())
        return raw_claims(self.db, IDS, (json.dumps(sorted(claim_ids)),), packed=packed)

    # -- the chunk's look-ups, in bulk ----------------------------------------------------------
    def _dependencies(self, chunk: Sequence[Raw], *, packed: bool = False) -> dict[str, Raw]:
        """The rows of the claims the chunk's claims' states depend on: their voids and
        replacements, the originals of the voids (and, in turn, theirs); ``packed``: the
        chunk's rows are (their first four claim columns are the plain ones), the answer's not."""
        needed: set[str] = set()
        if self._corrections:  # (a ledger without voids or replacements needs none)
            successors = self._successors
            for raw in chunk:
                claim_id, _member, frequency, original = raw.facts[:4]
                if claim_id in successors or frequency == "8":
                    self._needs(claim_id, frequency, original, needed)
        if not needed:
            return {}
        known = {
            raw.facts[0]: unpacked(raw) if packed else raw
            for raw in chunk
            if raw.facts[0] in needed
        }
        missing = needed - known.keys()
        if missing:
            for raw in raw_claims(self.db, IDS, (json.dumps(sorted(missing)),)):
                known[raw.claim_id] = raw
        return known

    def _needs(self, claim_id: str, frequency: str, original: str | None, out: set[str]) -> None:
        out.update(successor for successor, _ in self._successors.get(claim_id, ()))
        if frequency == "8" and original and original not in out:
            out.add(original)
            self._needs(original, *self._corrections.get(original, ("1", "")), out)

    def _resends(self, rejected: Iterable[ClaimFacts]) -> dict[str, str | None]:
        """:meth:`_resent_as` of these claims, in one query."""
        rejected = list(rejected)
        found: dict[str, str | None] = {facts.claim_id: None for facts in rejected}
        probes = [
            [
                facts.claim_id,
                number,
                facts.member_id,
                line.procedure,
                line.service_date.isoformat(),
                " ".join(line.modifiers),
            ]
            for facts in rejected
            for number, line in enumerate(facts.lines)
        ]
        if not probes:
            return found
        hits = plain_rows(
            self.db,
            "WITH probe(claim_id, n, member_id, procedure, service_date, modifiers) AS ("
            "SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), "
            "json_extract(value, '$[2]'), json_extract(value, '$[3]'), "
            "json_extract(value, '$[4]'), json_extract(value, '$[5]') FROM json_each(?)) "
            f"SELECT p.claim_id, p.n, ({_RESENT.format(p='p.')}) AS resent FROM probe p "
            "ORDER BY p.claim_id, p.n",
            (json.dumps(probes),),
        )
        for claim_id, _number, resent in hits:
            if resent is not None and found[claim_id] is None:
                found[claim_id] = str(resent)
        return found

    def _resent_as(self, facts: ClaimFacts) -> str | None:
        """A later original of ours that bills one of this rejected claim's services again."""
        if facts.claim_id in self._resent:
            return self._resent[facts.claim_id]
        for line in facts.lines:
            row = plain_rows(
                self.db,
                _RESENT.format(p=":"),
                {
                    "member_id": facts.member_id,
                    "procedure": line.procedure,
                    "service_date": line.service_date.isoformat(),
                    "modifiers": " ".join(line.modifiers),
                    "claim_id": facts.claim_id,
                },
            ).fetchone()
            if row is not None:
                return str(row[0])
        return None


# the first later original of ours, still live, that bills the same service (member, code,
# date, modifiers); ``{p}`` is the probe's columns (``p.``) or the parameters (``:``)
_RESENT = (
    "SELECT l.claim_id FROM lines l JOIN claims c ON c.claim_id = l.claim_id "
    "WHERE l.member_id = {p}member_id AND l.procedure = {p}procedure "
    "AND l.service_date = {p}service_date AND l.modifiers = {p}modifiers "
    "AND l.claim_id > {p}claim_id AND c.frequency = '1' AND l.live = 1 "
    "ORDER BY l.claim_id LIMIT 1"
)


def _facts_like(raw: Raw, like: ClaimFacts) -> ClaimFacts:
    """:meth:`EventReader._facts` of a claim whose rows equal ``like``'s claim's but for its
    identities (ledger/row_shapes.py's key): every field but the claim, member and line IDs is
    made of the columns the key holds, so it is ``like``'s (positional, as _facts makes them)."""
    row = raw.facts
    lines = tuple(
        [
            LineFacts(
                line[1],  # line_id
                same.charge,
                same.procedure,
                same.modifiers,
                same.service_date,
                same.end_date,
                same.units,
                same.expected_unpaid,
            )
            for line, same in zip(raw.lines, like.lines, strict=True)
        ]
    )
    return ClaimFacts(
        row[0],  # claim_id
        row[1],  # member_id
        like.frequency,
        like.test,
        like.billed,
        like.sent_on,
        like.written,
        lines,
        like.original_claim_id,
        like.service_month,
        like.category,
        like.resent_as,
        like.batch_id,
    )


def _front_rejected(facts: ClaimFacts, events: Sequence[Event]) -> bool:
    return front_door_state(facts, events) is State.REJECTED


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
    voids and replacements (and theirs, in turn)."""
    links: dict[str, set[str]] = defaultdict(set)  # both ways: original <-> correction
    for claim_id, _frequency, original in plain_rows(ledger.db, CORRECTIONS):
        links[claim_id].add(original)
        links[original].add(claim_id)
    out = set(claim_ids)
    frontier = [c for c in out if c in links]
    while frontier:
        found = {other for claim_id in frontier for other in links[claim_id]} - out
        out |= found
        frontier = list(found)
    return out


def _tied_to(ledger: Ledger, named: ClaimSet) -> set[str]:
    """The claims :func:`related` would add to a :class:`ClaimSet`: only the claims tied to a
    void or a replacement (few: one row per correction) are looked at in memory."""
    links: dict[str, set[str]] = defaultdict(set)  # both ways: original <-> correction
    for claim_id, _frequency, original in plain_rows(ledger.db, CORRECTIONS):
        links[claim_id].add(original)
        links[original].add(claim_id)
    if not links:
        return set()
    inside = (
        f"SELECT claim_id FROM ({named.select}) WHERE claim_id IN (SELECT value FROM json_each(?))"
    )
    out = {row[0] for row in plain_rows(ledger.db, inside, (json.dumps(sorted(links)),))}
    seeds = set(out)
    frontier = list(out)
    while frontier:
        found = {other for claim_id in frontier for other in links[claim_id]} - out
        out |= found
        frontier = list(found)
    return out - seeds


def refresh(ledger: Ledger, claim_ids: Collection[str] | None) -> int:
    """Rewrite ``lines.live`` and ``lines.denied`` from the state machine for these claims (and
    the claims tied to them), or for every claim. Inside ``ledger.write()``. Returns the number
    of lines whose flags changed: only those are written. No claims, no work.

    Flat in memory: the claims of a :class:`ClaimSet` (an import's) stay in SQL (copied to
    another when claims tied to them must be added), and the flags that changed are staged in a
    TEMP table, ``REFRESH_BATCH`` at a time, then written in one statement once every claim is
    evaluated, so that no claim is evaluated against flags this refresh already rewrote (the
    resend look-up reads ``lines.live``)."""
    if claim_ids is not None and not claim_ids:
        return 0
    db = ledger.db
    wanted: Collection[str] | None = None
    own: ClaimSet | None = None  # a set made here, dropped at the end
    if isinstance(claim_ids, ClaimSet):
        wanted = claim_ids
        tied = _tied_to(ledger, claim_ids)
        if tied:
            wanted = own = ClaimSet(db, sorted(tied))
            own.add_query(claim_ids.select)
    elif claim_ids is not None:
        wanted = related(ledger, claim_ids)
    db.execute("DROP TABLE IF EXISTS temp.refresh_flags")
    db.execute(
        "CREATE TABLE temp.refresh_flags (line_id TEXT PRIMARY KEY, live INTEGER NOT NULL, "
        "denied INTEGER NOT NULL) WITHOUT ROWID"
    )
    stage = "INSERT OR REPLACE INTO temp.refresh_flags (live, denied, line_id) VALUES (?, ?, ?)"
    changed = 0
    changes: list[Flags] = []
    for claim_changes in EventReader(ledger).flag_changes(wanted):
        changes.extend(claim_changes)
        if len(changes) >= REFRESH_BATCH:
            db.executemany(stage, changes)
            changed += len(changes)
            changes = []
    if changes:
        db.executemany(stage, changes)
        changed += len(changes)
    if changed:
        db.execute(
            "UPDATE lines SET live = f.live, denied = f.denied FROM temp.refresh_flags f "
            "WHERE lines.line_id = f.line_id"
        )
    db.execute("DROP TABLE temp.refresh_flags")
    if own is not None:
        own.drop()
    return changed
