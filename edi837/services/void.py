"""``edi837 void``: a void (frequency 8) of claims already sent, rebuilt from the ledger.

The void repeats the original claim in full with CLM05-3 = 8 and the payer's claim number
(REF*F8, the CLP07 of the 835 that paid or denied it). Once written, the original's lines stop
counting in the history rules: a void releases what it voids.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import attrs

from edi837.errors import InputError
from edi837.issues import Report
from edi837.ledger.store import Ledger
from edi837.ledger.submissions import load_claim, record_void
from edi837.model.claims import Claim
from edi837.model.common import Frequency
from edi837.model.profile import Profile
from edi837.services.emit import BuildResult, atomic, check_output, emit


def recorded_claim_number(ledger: Ledger, claim_id: str) -> str | None:
    """The payer's claim number (CLP07) from the latest remittance that named the claim."""
    row = ledger.db.execute(
        "SELECT e.payer_claim_number FROM claim_events e JOIN remittances r ON r.remittance_id = e.remittance_id "
        "WHERE e.claim_id = ? AND e.payer_claim_number != '' "
        "ORDER BY r.event_date DESC, e.remittance_id DESC, e.seq DESC LIMIT 1",
        (claim_id,),
    ).fetchone()
    return str(row[0]) if row else None


def _status(ledger: Ledger, claim_id: str) -> tuple[str, str] | None:
    row = ledger.db.execute(
        "SELECT status, frequency FROM claims WHERE claim_id = ?", (claim_id,)
    ).fetchone()
    return (row[0], row[1]) if row else None


def void(
    claim_ids: list[str],
    payer_claim_numbers: dict[str, str],
    profile: Profile,
    out: Path,
    ledger: Ledger,
    *,
    as_of: date,
    created: datetime,
) -> BuildResult:
    check_output(out)
    report = Report()
    payer_claim_numbers = dict(payer_claim_numbers)
    with atomic(ledger, out) as renamed:
        for claim_id in claim_ids:
            if not payer_claim_numbers.get(claim_id):
                recorded = recorded_claim_number(ledger, claim_id)
                if recorded:
                    payer_claim_numbers[claim_id] = recorded
        originals: list[Claim] = []
        problems = []
        for claim_id in claim_ids:
            status = _status(ledger, claim_id)
            claim = load_claim(ledger, claim_id)
            if status is None or claim is None:
                problems.append(f"{claim_id} is not a claim in the ledger")
            elif status[1] == Frequency.VOID.value:
                problems.append(f"{claim_id} is itself a void")
            elif status[0] != "submitted":
                problems.append(f"{claim_id} is already {status[0]}")
            elif not payer_claim_numbers.get(claim_id):
                problems.append(
                    f"{claim_id}: the payer's claim number (CLP07 of its 835) is needed for REF*F8 and no "
                    f"recorded remittance names it; reconcile the 835 first, or pass "
                    f"--payer-claim-number {claim_id}=NUMBER"
                )
            else:
                originals.append(claim)
        if problems:
            raise InputError("cannot void: " + "; ".join(problems))

        def make(ids: list[str]) -> tuple[Claim, ...]:
            voids = []
            for original, new_id in zip(originals, ids, strict=True):
                lines = tuple(
                    attrs.evolve(line, control_number=f"{new_id}L{number:02d}")
                    for number, line in enumerate(original.lines, 1)
                )
                voids.append(
                    attrs.evolve(
                        original,
                        claim_id=new_id,
                        lines=lines,
                        frequency=Frequency.VOID,
                        payer_claim_number=payer_claim_numbers[original.claim_id],
                    )
                )
            return tuple(sorted(voids, key=lambda c: c.member.member_id))

        result = emit(
            ledger,
            profile,
            out,
            renamed,
            claim_count=len(originals),
            make_claims=make,
            created=created,
            as_of=as_of,
            source="void of " + ", ".join(claim_ids),
            report=report,
        )
        by_number = {c.payer_claim_number: c.claim_id for c in result.batch.claims}
        for original in originals:
            record_void(
                ledger,
                original.claim_id,
                by_number[payer_claim_numbers[original.claim_id]],
                Frequency.VOID,
            )
    return result


def parse_claim_numbers(values: tuple[str, ...], claim_ids: list[str]) -> dict[str, str]:
    """``CLAIM=NUMBER`` pairs, or a bare NUMBER when one claim is voided."""
    out: dict[str, str] = {}
    for value in values:
        if "=" in value:
            claim_id, number = value.split("=", 1)
            out[claim_id.strip()] = number.strip()
        elif len(claim_ids) == 1:
            out[claim_ids[0]] = value.strip()
        else:
            raise InputError(
                f"--payer-claim-number {value!r}: write CLAIM_ID=NUMBER when voiding several claims"
            )
    return out
