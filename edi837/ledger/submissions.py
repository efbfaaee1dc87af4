"""Recording what was submitted: the batch, its transaction sets, claims and lines, and reading a
claim back as it was sent (for a void)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import attrs

from edi837.ledger.store import Ledger
from edi837.model.claims import Claim, ClaimBatch, Member, RenderingProvider, ServiceLine
from edi837.model.common import Address, Frequency, Sex


@attrs.frozen(slots=True)
class BatchRecord:
    records_file: str
    output_file: str
    file_sha256: str
    as_of: date
    overrides: dict[str, int] = attrs.field(factory=dict)  # rule ID -> how many findings allowed


def _rendering(provider: RenderingProvider | None) -> str | None:
    return (
        None if provider is None else f"{provider.npi}|{provider.last_name}|{provider.first_name}"
    )


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
    db.executemany(
        "INSERT INTO claims (claim_id, batch_id, st02, member_id, category, service_month, first_date, "
        "frequency, original_claim_id, payer_claim_number, total_charge, place_of_service, diagnoses, "
        "tar_number, rendering, member_last_name, member_first_name, member_birth_date, member_sex, "
        "member_address) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            _claim_row(claim, batch_id, st02)
            for st02, claims in batch.transactions()
            for claim in claims
        ),
    )
    # rows are generated as SQLite takes them: a large batch never holds them all at once
    db.executemany(
        "INSERT INTO lines (line_id, claim_id, line_number, member_id, procedure, modifiers, service_date, "
        "end_date, units, charge, tar_number, pointers, line_place, line_tar, rendering, source_rows, "
        "record_ids) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        _line_rows(batch),
    )
    return batch_id


def _line_rows(batch: ClaimBatch) -> Iterator[tuple[object, ...]]:
    iso: dict[date, str] = {}  # a month of lines has few distinct dates
    for claim in batch.claims:
        member_id = claim.member.member_id
        claim_id = claim.claim_id
        claim_tar = claim.tar_number
        for number, line in enumerate(claim.lines, 1):
            day = line.service_date
            yield (
                line.control_number,
                claim_id,
                number,
                member_id,
                line.procedure,
                " ".join(line.modifiers),
                iso.get(day) or iso.setdefault(day, day.isoformat()),
                line.end_date.isoformat() if line.end_date else None,
                str(line.units),
                str(line.charge),
                line.tar_number or claim_tar,
                " ".join(map(str, line.diagnosis_pointers)),
                line.place_of_service,
                1 if line.tar_number else 0,
                _rendering(line.rendering),
                " ".join(map(str, line.source_rows)),
                " ".join(line.record_ids),
            )


def _claim_row(claim: Claim, batch_id: int, st02: int) -> tuple[object, ...]:
    first = claim.first_date
    m = claim.member
    a = m.address
    return (
        claim.claim_id,
        batch_id,
        st02,
        m.member_id,
        claim.category,
        f"{first.year:04d}-{first.month:02d}",
        first.isoformat(),
        claim.frequency.value,
        None,  # original_claim_id: set by record_void for a void or replacement
        claim.payer_claim_number,
        str(claim.total_charge),
        claim.place_of_service,
        " ".join(claim.diagnoses),
        claim.tar_number,
        _rendering(claim.rendering),
        m.last_name,
        m.first_name,
        m.birth_date.isoformat(),
        m.sex.value,
        f"{a.line1}|{a.line2}|{a.city}|{a.state}|{a.zip}",
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


def _provider(text: str | None) -> RenderingProvider | None:
    if not text:
        return None
    npi, last, first = text.split("|")
    return RenderingProvider(npi, last, first)


def load_claim(ledger: Ledger, claim_id: str) -> Claim | None:
    """The claim exactly as it was sent, from its ledger rows."""
    row = ledger.db.execute(
        "SELECT claim_id, category, place_of_service, diagnoses, tar_number, rendering, frequency, "
        "payer_claim_number, member_id, member_last_name, member_first_name, member_birth_date, "
        "member_sex, member_address FROM claims WHERE claim_id = ?",
        (claim_id,),
    ).fetchone()
    if row is None:
        return None
    line1, line2, city, state, zip_code = row["member_address"].split("|")
    lines = tuple(
        ServiceLine(
            procedure=line["procedure"],
            modifiers=tuple(line["modifiers"].split()),
            service_date=date.fromisoformat(line["service_date"]),
            end_date=date.fromisoformat(line["end_date"]) if line["end_date"] else None,
            units=Decimal(line["units"]),
            charge=Decimal(line["charge"]),
            diagnosis_pointers=tuple(int(p) for p in line["pointers"].split()),
            place_of_service=line["line_place"],
            tar_number=line["tar_number"] if line["line_tar"] else None,
            rendering=_provider(line["rendering"]),
            control_number=line["line_id"],
        )
        for line in ledger.db.execute(
            "SELECT * FROM lines WHERE claim_id = ? ORDER BY line_number", (claim_id,)
        )
    )
    return Claim(
        claim_id=row["claim_id"],
        member=Member(
            member_id=row["member_id"],
            last_name=row["member_last_name"],
            first_name=row["member_first_name"],
            birth_date=date.fromisoformat(row["member_birth_date"]),
            sex=Sex(row["member_sex"]),
            address=Address(line1=line1, line2=line2, city=city, state=state, zip=zip_code),
        ),
        category=row["category"],
        place_of_service=row["place_of_service"],
        diagnoses=tuple(row["diagnoses"].split()),
        lines=lines,
        tar_number=row["tar_number"],
        rendering=_provider(row["rendering"]),
        frequency=Frequency(row["frequency"]),
        payer_claim_number=row["payer_claim_number"],
    )
