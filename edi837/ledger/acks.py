"""Recording the payer's front-door answers (TA1, 999, 277CA), tied to what was sent.

A TA1 is tied to its batch by ISA13, a 999 by GS06 (AK102) and each of its transaction sets by
ST02 (AK202), a 277CA claim by the CLM01 it echoes (TRN02) and its lines by REF*6R, a 277CA
status for a whole transaction set (2200B, 2200C) by the BHT03 it echoes (ISA13 and ST02, see
:func:`edi837.model.claims.set_reference`). An answer that
matches nothing is recorded with no key and reported as unmatched, never dropped. An answer to an
ISA15=T batch is a test answer (the claim state machine reads it like any other; test batches
never count as production billing). Reading the same file again changes nothing (its SHA-256).
The caller holds the write transaction; the claims an answer covers are refreshed in it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import date

import attrs

from edi837.ledger.events import refresh
from edi837.ledger.store import Ledger
from edi837.ledger.submissions import batch_parties
from edi837.model.acks import AckCode, AckEvent, BatchAck, ClaimAck, GroupAck, InterchangeAck
from edi837.model.claims import parse_set_reference


@attrs.define
class AckTally:
    files: int = 0
    files_already: int = 0
    answers: int = 0
    accepted: int = 0
    rejected: int = 0
    unmatched: int = 0
    test: int = 0
    unmatched_references: list[str] = attrs.field(factory=list)
    claims: set[str] = attrs.field(factory=set)  # the claims the answers covered
    # every file of the run in order: (name, file ID, when it was recorded before; None: now)
    seen: list[tuple[str, int, str | None]] = attrs.field(factory=list)


def known_ack_file(ledger: Ledger, sha256: str) -> tuple[int, str] | None:
    """(file ID, when it was recorded) of a file read before, by its SHA-256."""
    row = ledger.db.execute(
        "SELECT file_id, imported_at FROM ack_files WHERE sha256 = ?", (sha256,)
    ).fetchone()
    return (int(row[0]), str(row[1])) if row else None


def _codes(codes: Iterable[AckCode]) -> str:
    return json.dumps([[c.code, _words(c)] for c in codes], separators=(",", ":"))


def _words(code: AckCode) -> str:
    """A code's words, with where a 999 error sits in what we sent: "segment has data element
    errors (CLM02 at segment 22, loop 2300, claim N00000002)"."""
    where = []
    if code.segment_position is not None or code.segment_id:
        at = f" at segment {code.segment_position}" if code.segment_position is not None else ""
        where.append(f"{code.reference or code.segment_id}{at}")
    if code.loop:
        where.append(f"loop {code.loop}")
    if code.context:
        where.append(f"claim {code.context}")
    if not where:
        return code.words
    return f"{code.words} ({', '.join(where)})".strip()


def _number(text: str) -> int | None:
    """A control number the answer echoes, as the ledger keeps ours; None when it cannot be one.
    Checked before int() (a Unicode digit raises there, as do 4,300 digits) and sized for
    SQLite's INTEGER: ours are at most 9 digits."""
    text = text.strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else None


class AckImport:
    """Record the answers of one file. Inside ``ledger.write()`` only."""

    def __init__(
        self, ledger: Ledger, name: str, sha256: str, imported_at: date, tally: AckTally
    ) -> None:
        self.ledger = ledger
        self.db = ledger.db
        self.tally = tally
        cursor = self.db.execute(
            "INSERT INTO ack_files (sha256, name, imported_at) VALUES (?, ?, ?)",
            (sha256, name, imported_at.isoformat()),
        )
        self.file_id = int(cursor.lastrowid or 0)
        self.seq = 0
        self._usage: dict[int, bool] = {}
        tally.files += 1
        tally.seen.append((name, self.file_id, None))

    def feed(self, answers: Iterable[AckEvent]) -> None:
        for answer in answers:
            if isinstance(answer, InterchangeAck):
                self._interchange(answer)
            elif isinstance(answer, GroupAck):
                self._group(answer)
            elif isinstance(answer, BatchAck):
                self._set_status(answer)
            else:
                self._claim(answer)

    @staticmethod
    def refresh_claims(ledger: Ledger, tally: AckTally) -> None:
        """Refresh what counts as billed for every claim the answers covered (once per run)."""
        if tally.claims:
            refresh(ledger, tally.claims)

    # -- one answer -----------------------------------------------------------------------------
    def _insert(
        self,
        *,
        source: str,
        scope: str,
        batch_id: int | None,
        verdict: str,
        reference: str,
        codes: Iterable[AckCode],
        on: date | None,
        test: bool,
        st02: int | None = None,
        claim_id: str | None = None,
        line_id: str | None = None,
        payer_claim_number: str = "",
    ) -> None:
        self.seq += 1
        test = test or self._test_batch(batch_id)
        self.db.execute(
            "INSERT INTO ack_events (file_id, seq, source, scope, batch_id, st02, claim_id, line_id, "
            "outcome, reference, payer_claim_number, codes, answered_on, test) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                self.file_id,
                self.seq,
                source,
                scope,
                batch_id,
                st02,
                claim_id,
                line_id,
                verdict,
                reference,
                payer_claim_number,
                _codes(codes),
                on.isoformat() if on else None,
                1 if test else 0,
            ),
        )
        if scope == "line":
            return
        tally = self.tally
        tally.answers += 1
        tally.test += 1 if test else 0
        if batch_id is None and claim_id is None:
            tally.unmatched += 1
            tally.unmatched_references.append(f"{source} {scope} {reference}")
        elif verdict == "rejected":
            tally.rejected += 1
        else:
            tally.accepted += 1
        if claim_id is not None:
            tally.claims.add(claim_id)
        elif batch_id is not None:
            where = "batch_id = ?" + (" AND st02 = ?" if st02 is not None else "")
            params = (batch_id,) if st02 is None else (batch_id, st02)
            tally.claims.update(
                row[0]
                for row in self.db.execute(f"SELECT claim_id FROM claims WHERE {where}", params)
            )

    def _test_batch(self, batch_id: int | None) -> bool:
        if batch_id is None:
            return False
        known = self._usage.get(batch_id)  # a 277CA names the same batch for every claim
        if known is None:
            row = self.db.execute(
                "SELECT usage FROM batches WHERE batch_id = ?", (batch_id,)
            ).fetchone()
            known = self._usage[batch_id] = row is not None and row[0] == "T"
        return known

    def _batch_by(self, column: str, value: str) -> int | None:
        number = _number(value)
        if number is None:
            return None
        row = self.db.execute(
            f"SELECT batch_id FROM batches WHERE {column} = ?", (number,)
        ).fetchone()
        return int(row[0]) if row else None

    def _interchange(self, ack: InterchangeAck) -> None:
        self._insert(
            source="TA1",
            scope="interchange",
            batch_id=self._batch_by("isa13", ack.control_number),
            verdict=ack.verdict.value,
            reference=ack.control_number,
            codes=ack.codes,
            on=ack.on,
            test=ack.test,
        )

    def _group(self, ack: GroupAck) -> None:
        batch_id = (
            self._batch_by("gs06", ack.control_number) if ack.functional_id in ("HC", "") else None
        )
        self._insert(
            source="999",
            scope="group",
            batch_id=batch_id,
            verdict=ack.verdict.value,
            reference=ack.control_number,
            codes=ack.codes,
            on=ack.on,
            test=ack.test,
        )
        for answer in ack.sets:
            st02 = _number(answer.control_number)
            known = (
                batch_id is not None
                and st02 is not None
                and self.db.execute(
                    "SELECT 1 FROM transaction_sets WHERE batch_id = ? AND st02 = ?",
                    (batch_id, st02),
                ).fetchone()
                is not None
            )
            self._insert(
                source="999",
                scope="transaction",
                batch_id=batch_id if known else None,
                st02=st02 if known else None,
                verdict=answer.verdict.value,
                reference=f"{ack.control_number}/{answer.control_number}",
                codes=answer.codes,
                on=ack.on,
                test=ack.test,
            )

    def _set_status(self, ack: BatchAck) -> None:
        """A 277CA status for a whole transaction set (2200B), or for its billing provider
        (2200C: ours only when the NPI is the one the batch was sent under)."""
        batch_id, st02 = self._set_by_reference(ack.batch_reference)
        if batch_id is not None and ack.provider and not self._billed_by(batch_id, ack.provider):
            batch_id = st02 = None
        reference = ack.batch_reference + (f" provider {ack.provider}" if ack.provider else "")
        self._insert(
            source="277CA",
            scope="transaction" if st02 is not None or batch_id is None else "group",
            batch_id=batch_id,
            st02=st02,
            verdict=ack.verdict.value,
            reference=reference,
            codes=ack.statuses,
            on=ack.on,
            test=ack.test,
        )

    def _set_by_reference(self, reference: str) -> tuple[int | None, int | None]:
        """(batch, ST02) a BHT03 of ours names; (batch, None) for one naming the batch only."""
        parsed = parse_set_reference(reference)
        if parsed is None:
            return None, None
        isa13, st02 = parsed
        batch_id = self._batch_by("isa13", str(isa13))
        if batch_id is None or st02 is None:
            return batch_id, None
        known = self.db.execute(
            "SELECT 1 FROM transaction_sets WHERE batch_id = ? AND st02 = ?", (batch_id, st02)
        ).fetchone()
        return (batch_id, st02) if known else (None, None)

    def _billed_by(self, batch_id: int, npi: str) -> bool:
        """Was the batch sent under this billing provider NPI? True when the ledger does not say."""
        parties = batch_parties(self.ledger, batch_id)
        return parties is None or parties.billing_provider.npi == npi.strip()

    def _claim(self, ack: ClaimAck) -> None:
        wanted = ack.claim_id.strip().upper()
        row = self.db.execute(
            "SELECT claim_id, batch_id FROM claims WHERE claim_id = ?", (wanted,)
        ).fetchone()
        claim_id, batch_id = (str(row[0]), int(row[1])) if row else (None, None)
        self._insert(
            source="277CA",
            scope="claim",
            batch_id=batch_id,
            claim_id=claim_id,
            verdict=ack.verdict.value,
            reference=ack.claim_id,
            codes=ack.statuses,
            on=ack.on,
            test=ack.test,
            payer_claim_number=ack.payer_claim_number,
        )
        for line in ack.lines:
            control = line.line_control_number.strip().upper()
            found = (
                self.db.execute(
                    "SELECT line_id FROM lines WHERE line_id = ? AND claim_id = ?",
                    (control, claim_id),
                ).fetchone()
                if claim_id is not None
                else None
            )
            self._insert(
                source="277CA",
                scope="line",
                batch_id=batch_id,
                claim_id=claim_id,
                line_id=str(found[0]) if found else None,
                verdict=line.verdict.value,
                reference=line.line_control_number,
                codes=line.statuses,
                on=ack.on,
                test=ack.test,
            )


@attrs.frozen(slots=True)
class RecordedAnswer:
    """One recorded answer as the ledger ties it: what it names, and what of ours that is."""

    file_id: int
    file: str  # the file's name when it was recorded
    seq: int
    source: str  # TA1, 999, 277CA
    scope: str  # interchange, group, transaction, claim, line
    reference: str  # what the answer names, as it names it
    outcome: str
    codes: tuple[tuple[str, str], ...]  # (code, words)
    answered_on: str | None
    test: bool
    batch_isa13: int | None  # the batch it was tied to (None: matches nothing of ours)
    batch_file: str | None  # that batch's 837 file, as the build wrote it
    st02: int | None
    claim_id: str | None
    line_id: str | None
    payer_claim_number: str

    @property
    def matched(self) -> bool:
        if self.scope == "line":
            return self.line_id is not None
        return self.batch_isa13 is not None or self.claim_id is not None


def recorded_answers(ledger: Ledger, file_ids: Iterable[int]) -> Iterator[RecordedAnswer]:
    """The answers of these files, in file order then the order in each file, streamed."""
    for file_id in file_ids:
        rows = ledger.db.execute(
            "SELECT a.file_id, f.name, a.seq, a.source, a.scope, a.reference, a.outcome, a.codes, "
            "a.answered_on, a.test, b.isa13, b.output_file, a.st02, a.claim_id, a.line_id, "
            "a.payer_claim_number FROM ack_events a JOIN ack_files f ON f.file_id = a.file_id "
            "LEFT JOIN batches b ON b.batch_id = a.batch_id WHERE a.file_id = ? ORDER BY a.seq",
            (file_id,),
        )
        for row in rows:
            yield RecordedAnswer(
                file_id=row[0],
                file=row[1],
                seq=row[2],
                source=row[3],
                scope=row[4],
                reference=row[5],
                outcome=row[6],
                codes=tuple((str(c), str(w)) for c, w in json.loads(row[7])),
                answered_on=row[8],
                test=bool(row[9]),
                batch_isa13=row[10],
                batch_file=row[11],
                st02=row[12],
                claim_id=row[13],
                line_id=row[14],
                payer_claim_number=row[15],
            )
