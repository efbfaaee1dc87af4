"""Recording the payer's front-door answers (TA1, 999, 277CA), tied to what was sent.

A TA1 is tied to its batch by ISA13, a 999 by GS06 (AK102) and each of its transaction sets by
ST02 (AK202), a 277CA claim by the CLM01 it echoes (TRN02) and its lines by REF*6R. An answer that
matches nothing is recorded with no key and reported as unmatched, never dropped. An answer to an
ISA15=T batch is a test answer (the claim state machine reads it like any other; test batches
never count as production billing). Reading the same file again changes nothing (its SHA-256).
The caller holds the write transaction; the claims an answer covers are refreshed in it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date

import attrs

from edi837.ledger.events import refresh
from edi837.ledger.store import Ledger
from edi837.model.acks import AckCode, AckEvent, ClaimAck, GroupAck, InterchangeAck


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


def ack_file_known(ledger: Ledger, sha256: str) -> bool:
    row = ledger.db.execute("SELECT 1 FROM ack_files WHERE sha256 = ?", (sha256,)).fetchone()
    return row is not None


def _codes(codes: Iterable[AckCode]) -> str:
    return json.dumps([[c.code, c.words] for c in codes], separators=(",", ":"))


def _number(text: str) -> int | None:
    text = text.strip()
    return int(text) if text.isdigit() else None


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
        tally.files += 1

    def feed(self, answers: Iterable[AckEvent]) -> None:
        for answer in answers:
            if isinstance(answer, InterchangeAck):
                self._interchange(answer)
            elif isinstance(answer, GroupAck):
                self._group(answer)
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
        row = self.db.execute(
            "SELECT usage FROM batches WHERE batch_id = ?", (batch_id,)
        ).fetchone()
        return row is not None and row[0] == "T"

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
