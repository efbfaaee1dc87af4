"""Recording what was submitted: the batch, its transaction sets, claims and lines."""

from __future__ import annotations

import json
from datetime import date

import attrs

from edi837.ledger.store import Ledger
from edi837.model.claims import Claim, ClaimBatch
from edi837.model.common import Frequency
from edi837.model.serialize import claim_from_data, claim_to_data


@attrs.frozen(slots=True)
class BatchRecord:
    records_file: str
    output_file: str
    file_sha256: str
    as_of: date
    overrides: dict[str, int] = attrs.field(factory=dict)  # rule ID -> how many findings allowed


def record_batch(ledger: Ledger, batch: ClaimBatch, info: BatchRecord) -> int:
    """Insert the batch and everything in it; returns the batch ID. Inside ledger.write() only."""
    db = ledger.db
    ic = batch.interchange
    cursor = db.execute(
        "INSERT INTO batches (created_at, as_of, records_file, output_file, file_sha256, isa13, gs06, "
        "usage, sender_id, receiver_id, claim_count, line_count, total_charge, overrides) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            batch.created.isoformat(timespec="seconds"),
            info.as_of.isoformat(),
            info.records_file,
            info.output_file,
            info.file_sha256,
            ic.control_number,
            ic.group_number,
            ic.usage.value,
            ic.sender_id,
            ic.receiver_id,
            len(batch.claims),
            batch.line_count,
            str(batch.total_charge),
            json.dumps([{"rule_id": k, "count": v} for k, v in sorted(info.overrides.items())]),
        ),
    )
    batch_id = int(cursor.lastrowid or 0)
    db.executemany(
        "INSERT INTO transaction_sets (st02, batch_id) VALUES (?, ?)",
        [(st02, batch_id) for st02 in ic.transaction_numbers],
    )
    claim_rows: list[tuple[object, ...]] = []
    line_rows: list[tuple[object, ...]] = []
    for st02, claims in batch.transactions():
        for claim in claims:
            claim_rows.append(_claim_row(claim, batch_id, st02))
            member_id = claim.member.member_id
            line_rows.extend(
                (
                    line.control_number,
                    claim.claim_id,
                    number,
                    member_id,
                    line.procedure,
                    " ".join(line.modifiers),
                    line.service_date.isoformat(),
                    line.end_date.isoformat() if line.end_date else None,
                    str(line.units),
                    str(line.charge),
                    line.tar_number or claim.tar_number,
                    " ".join(map(str, line.source_rows)),
                    " ".join(line.record_ids),
                )
                for number, line in enumerate(claim.lines, 1)
            )
    db.executemany(
        "INSERT INTO claims (claim_id, batch_id, st02, member_id, category, service_month, first_date, "
        "frequency, original_claim_id, payer_claim_number, total_charge, payload) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        claim_rows,
    )
    db.executemany(
        "INSERT INTO lines (line_id, claim_id, line_number, member_id, procedure, modifiers, service_date, "
        "end_date, units, charge, tar_number, source_rows, record_ids) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        line_rows,
    )
    return batch_id


def _claim_row(claim: Claim, batch_id: int, st02: int) -> tuple[object, ...]:
    first = claim.first_date
    return (
        claim.claim_id,
        batch_id,
        st02,
        claim.member.member_id,
        claim.category,
        f"{first.year:04d}-{first.month:02d}",
        first.isoformat(),
        claim.frequency.value,
        None,  # original_claim_id: set by record_void for a void or replacement
        claim.payer_claim_number,
        str(claim.total_charge),
        json.dumps(claim_to_data(claim), separators=(",", ":")),
    )


def record_void(
    ledger: Ledger, original_claim_id: str, void_claim_id: str, frequency: Frequency
) -> None:
    """Mark the original claim voided (8) or replaced (7) and its lines inactive."""
    status = "voided" if frequency is Frequency.VOID else "replaced"
    ledger.db.execute(
        "UPDATE claims SET status = ? WHERE claim_id = ?", (status, original_claim_id)
    )
    ledger.db.execute(
        "UPDATE claims SET original_claim_id = ? WHERE claim_id = ?",
        (original_claim_id, void_claim_id),
    )
    ledger.db.execute("UPDATE lines SET active = 0 WHERE claim_id = ?", (original_claim_id,))
    if frequency is Frequency.VOID:
        ledger.db.execute("UPDATE lines SET active = 0 WHERE claim_id = ?", (void_claim_id,))


def load_claim(ledger: Ledger, claim_id: str) -> Claim | None:
    row = ledger.db.execute("SELECT payload FROM claims WHERE claim_id = ?", (claim_id,)).fetchone()
    return claim_from_data(json.loads(row[0])) if row else None
