"""Recording what was submitted: the batch, its transaction sets, claims and lines, and reading a
claim back as it was sent (for a void or a replacement).

A batch is recorded *pending*, in the transaction that allocates its control numbers, before its
file is renamed into place; :func:`confirm` records the rename. A pending batch left by a killed
process is settled by :func:`settle_pending` (see services/emit.py).
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import attrs

from edi837.ledger.history import COUNTS_AS_BILLED, billed_parameters
from edi837.ledger.store import Ledger
from edi837.model.claims import (
    Claim,
    ClaimBatch,
    Member,
    RenderingProvider,
    ServiceLine,
)
from edi837.model.common import Address, Frequency, Sex, Usage
from edi837.model.profile import Parties


@attrs.frozen(slots=True)
class BatchRecord:
    records_file: str
    output_file: str
    file_sha256: str
    as_of: date
    kind: str = "build"  # build, void or replace
    records_sha256: str | None = None
    parties: Parties | None = None
    originals: Mapping[str, str] = attrs.field(factory=dict)  # new claim -> the claim it corrects


def _rendering(provider: RenderingProvider | None) -> str | None:
    return (
        None if provider is None else f"{provider.npi}|{provider.last_name}|{provider.first_name}"
    )


def open_batch(ledger: Ledger, header: ClaimBatch, info: BatchRecord) -> int:
    """Insert the batch, pending, before its claims: its counts, total and file hash are
    :func:`close_batch`'s, once the last claim is written. Returns the batch ID. Inside
    ledger.write() only, like every step of recording a batch: a kill before the COMMIT leaves
    none of it."""
    ic = header.interchange
    cursor = ledger.db.execute(
        "INSERT INTO batches (created_at, as_of, records_file, output_file, file_sha256, isa13, gs06, "
        "usage, sender_id, receiver_id, claim_count, line_count, total_charge, overrides, kind, "
        "records_sha256, parties) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, '0', '[]', ?, ?, ?)",
        (
            header.created.isoformat(timespec="seconds"),
            info.as_of.isoformat(),
            info.records_file,
            info.output_file,
            info.file_sha256,
            ic.control_number,
            ic.group_number,
            ic.usage.value,
            ic.sender_id,
            ic.receiver_id,
            info.kind,
            info.records_sha256,
            info.parties.to_json() if info.parties is not None else None,
        ),
    )
    return int(cursor.lastrowid or 0)


def record_transaction(
    ledger: Ledger,
    batch_id: int,
    st02: int,
    claims: Sequence[Claim],
    usage: Usage,
    originals: Mapping[str, str],
) -> None:
    """One transaction set of the batch and its claims and lines, as it is written."""
    db = ledger.db
    db.execute("INSERT INTO transaction_sets (st02, batch_id) VALUES (?, ?)", (st02, batch_id))
    db.executemany(
        "INSERT INTO claims (claim_id, batch_id, st02, member_id, category, service_month, first_date, "
        "frequency, original_claim_id, payer_claim_number, total_charge, place_of_service, diagnoses, "
        "tar_number, rendering, member_last_name, member_first_name, member_birth_date, member_sex, "
        "member_address) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (_claim_row(claim, batch_id, st02, originals.get(claim.claim_id)) for claim in claims),
    )
    # rows are generated as SQLite takes them
    db.executemany(
        "INSERT INTO lines (line_id, claim_id, line_number, member_id, procedure, modifiers, service_date, "
        "end_date, units, charge, tar_number, pointers, line_place, line_tar, rendering, source_rows, "
        "record_ids, test, expected_unpaid, live) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        _line_rows(claims, usage),
    )


@attrs.frozen(slots=True)
class BatchTotals:
    """What :func:`close_batch` records once the last claim is written."""

    file_sha256: str
    claims: int
    lines: int
    total_charge: Decimal
    overrides: Mapping[str, int] = attrs.field(factory=dict)  # rule ID -> findings allowed


def close_batch(ledger: Ledger, batch_id: int, totals: BatchTotals) -> None:
    ledger.db.execute(
        "UPDATE batches SET file_sha256 = ?, claim_count = ?, line_count = ?, total_charge = ?, "
        "overrides = ? WHERE batch_id = ?",
        (
            totals.file_sha256,
            totals.claims,
            totals.lines,
            str(totals.total_charge),
            json.dumps([{"rule_id": k, "count": v} for k, v in sorted(totals.overrides.items())]),
            batch_id,
        ),
    )


def _line_rows(claims: Iterable[Claim], usage: Usage) -> Iterator[tuple[object, ...]]:
    iso: dict[date, str] = {}  # a month of lines has few distinct dates
    test = 1 if usage is Usage.TEST else 0
    for claim in claims:
        member_id = claim.member.member_id
        claim_id = claim.claim_id
        claim_tar = claim.tar_number
        live = 0 if claim.frequency is Frequency.VOID else 1  # a void never counts as billed
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
                test,
                line.expected_unpaid,
                live,
            )


def _claim_row(claim: Claim, batch_id: int, st02: int, original: str | None) -> tuple[object, ...]:
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
        original,  # the claim a void or replacement corrects
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


def confirm(ledger: Ledger, batch_id: int, event: str = "written") -> None:
    """Record that the batch's file is in place (written, or adopted after a crash), or that it
    never will be (abandoned). Inside ledger.write() only."""
    ledger.db.execute(
        "INSERT INTO batch_events (batch_id, event, at) VALUES (?, ?, ?)",
        (batch_id, event, datetime.now().isoformat(timespec="seconds")),
    )


@attrs.frozen(slots=True)
class PendingBatch:
    batch_id: int
    output_file: str
    file_sha256: str
    isa13: int


def pending_batches(ledger: Ledger) -> list[PendingBatch]:
    return [
        PendingBatch(int(r[0]), str(r[1]), str(r[2]), int(r[3]))
        for r in ledger.db.execute(
            "SELECT b.batch_id, b.output_file, b.file_sha256, b.isa13 FROM batches b "
            "LEFT JOIN batch_events e ON e.batch_id = b.batch_id WHERE e.batch_id IS NULL "
            "ORDER BY b.batch_id"
        )
    ]


def interchange_used(ledger: Ledger, isa13: int) -> bool:
    """Whether a batch the ledger holds used this interchange control number (sent, pending or
    abandoned: a number handed out is never reused), for ``validate --ledger``."""
    row = ledger.db.execute("SELECT 1 FROM batches WHERE isa13 = ?", (isa13,)).fetchone()
    return row is not None


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file, read a megabyte at a time; OSError when it cannot be read."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def file_sha256(path: Path) -> str | None:
    """The SHA-256 of a file, or None when it cannot be read."""
    try:
        return sha256_of(path)
    except OSError:
        return None


def sent_file(ledger: Ledger, path: Path) -> str | None:
    """Which batch wrote the file at ``path`` (by its content, else by its recorded path), for
    the output guard: a file recorded as sent is never overwritten."""
    if not path.is_file():
        return None
    sha = file_sha256(path)
    row = ledger.db.execute(
        "SELECT batch_id, created_at FROM batches WHERE file_sha256 = ? ORDER BY batch_id LIMIT 1",
        (sha,),
    ).fetchone()
    if row is None:
        real = os.path.realpath(path)
        for batch_id, created, output in ledger.db.execute(
            "SELECT batch_id, created_at, output_file FROM batches ORDER BY batch_id"
        ):
            if os.path.realpath(output) == real:
                row = (batch_id, created)
                break
    if row is None:
        return None
    confirmed = ledger.db.execute(
        "SELECT 1 FROM batch_events WHERE batch_id = ?", (row[0],)
    ).fetchone()
    interrupted = "" if confirmed else ", whose run was interrupted after the file was complete"
    return f"batch {row[0]} of {str(row[1])[:10]}{interrupted}"


@attrs.frozen(slots=True)
class BuiltBefore:
    """An earlier batch built from the same records file."""

    batch_id: int
    on: str  # its date, YYYY-MM-DD
    output_file: str
    lines: int
    billed: int  # of its lines, how many still count as billed


def records_built(
    ledger: Ledger, sha256: str, usage: Usage, *, denied_lines_count: bool = False
) -> BuiltBefore | None:
    """The first earlier batch of the same usage built from these records whose lines still
    count as billed; else the first one at all (all its claims rejected, voided, replaced or
    denied since); None when the records were never built (abandoned batches sent nothing)."""
    test = usage is Usage.TEST
    found: BuiltBefore | None = None
    for row in ledger.db.execute(
        "SELECT b.batch_id, b.created_at, b.output_file, COUNT(l.line_id), "
        f"COALESCE(SUM(CASE WHEN {COUNTS_AS_BILLED} THEN 1 ELSE 0 END), 0) "
        "FROM batches b LEFT JOIN batch_events e ON e.batch_id = b.batch_id "
        "JOIN claims c ON c.batch_id = b.batch_id JOIN lines l ON l.claim_id = c.claim_id "
        "WHERE b.records_sha256 = ? AND b.usage = ? AND b.kind = 'build' "
        "AND (e.event IS NULL OR e.event != 'abandoned') GROUP BY b.batch_id ORDER BY b.batch_id",
        (*billed_parameters(test=test, denied_lines_count=denied_lines_count), sha256, usage.value),
    ):
        earlier = BuiltBefore(int(row[0]), str(row[1])[:10], str(row[2]), int(row[3]), int(row[4]))
        if earlier.billed:
            return earlier
        found = found or earlier
    return found


def batch_parties(ledger: Ledger, batch_id: int) -> Parties | None:
    row = ledger.db.execute(
        "SELECT parties FROM batches WHERE batch_id = ?", (batch_id,)
    ).fetchone()
    return Parties.from_json(row[0]) if row is not None and row[0] else None


@attrs.frozen(slots=True)
class SentClaim:
    """Where a claim was sent: its batch, transaction set and usage."""

    batch_id: int
    st02: int
    usage: Usage
    output_file: str
    file_sha256: str
    frequency: Frequency


def sent_claim(ledger: Ledger, claim_id: str) -> SentClaim | None:
    row = ledger.db.execute(
        "SELECT c.batch_id, c.st02, b.usage, b.output_file, b.file_sha256, c.frequency "
        "FROM claims c JOIN batches b ON b.batch_id = c.batch_id WHERE c.claim_id = ?",
        (claim_id,),
    ).fetchone()
    if row is None:
        return None
    return SentClaim(
        int(row[0]), int(row[1]), Usage(row[2]), str(row[3]), str(row[4]), Frequency(row[5])
    )


def _provider(text: str | None) -> RenderingProvider | None:
    if not text:
        return None
    npi, last, first = text.split("|")
    return RenderingProvider(npi, last, first)


_CLAIM_COLUMNS = (
    "claim_id, st02, category, place_of_service, diagnoses, tar_number, rendering, frequency, "
    "payer_claim_number, member_id, member_last_name, member_first_name, member_birth_date, "
    "member_sex, member_address"
)


def load_claim(ledger: Ledger, claim_id: str) -> Claim | None:
    """The claim exactly as it was sent, from its ledger rows."""
    row = ledger.db.execute(
        f"SELECT {_CLAIM_COLUMNS} FROM claims WHERE claim_id = ?", (claim_id,)
    ).fetchone()
    return None if row is None else _claim(ledger, row)


def batch_claims(ledger: Ledger, batch_id: int) -> Iterator[tuple[int, Claim]]:
    """(ST02, claim) for every claim of the batch, in file order, one at a time."""
    rows = ledger.db.execute(
        f"SELECT {_CLAIM_COLUMNS} FROM claims WHERE batch_id = ? ORDER BY rowid", (batch_id,)
    )
    for row in rows.fetchall() if ledger.db.in_transaction else rows:
        yield int(row["st02"]), _claim(ledger, row)


def load_batch(ledger: Ledger, batch_id: int) -> ClaimBatch | None:
    """The batch as it was written, every claim held: for a void's or a test's few claims (a
    large build's are read with :func:`batch_claims`, one at a time)."""
    row = ledger.db.execute(
        "SELECT created_at, isa13, gs06 FROM batches WHERE batch_id = ?", (batch_id,)
    ).fetchone()
    parties = batch_parties(ledger, batch_id)
    if row is None or parties is None:
        return None
    st02s = tuple(
        int(r[0])
        for r in ledger.db.execute(
            "SELECT st02 FROM transaction_sets WHERE batch_id = ? ORDER BY st02", (batch_id,)
        )
    )
    return parties.batch(
        isa13=int(row["isa13"]),
        gs06=int(row["gs06"]),
        st02s=st02s,
        claims=tuple(claim for _, claim in batch_claims(ledger, batch_id)),
        created=datetime.fromisoformat(row["created_at"]),
    )


def _claim(ledger: Ledger, row: sqlite3.Row) -> Claim:
    claim_id = row["claim_id"]
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
            source_rows=tuple(int(r) for r in (line["source_rows"] or "").split()),
            record_ids=tuple((line["record_ids"] or "").split()),
            expected_unpaid=line["expected_unpaid"],
        )
        for line in ledger.db.execute(
            "SELECT * FROM lines WHERE claim_id = ? ORDER BY line_number", (claim_id,)
        )
    )
    return Claim(
        claim_id=claim_id,
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
