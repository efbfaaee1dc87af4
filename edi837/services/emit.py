"""Write a batch of claims as an 837P and record it so that no control number is handed out
twice, whatever moment the process dies. Shared by build, void and replace.

The order, and what a kill at each point leaves (docs/ledger.md, "Guarantees"):

1. In one ledger transaction: settle any pending batch (below), allocate the control numbers
   and claim IDs, write the file under a temporary name (0600, fsynced), run the conformance
   engine on it (SNIP 1-5, ``edi837 validate``'s; any error refuses the file: the transaction
   rolls back and the temporary file is removed), record the batch as *pending*; COMMIT.
   Killed before the COMMIT: nothing is recorded and the temporary file is removed by the next
   write of that output; the numbers in it were never published.
2. Rename the file into place. Killed before: the batch is pending and its file absent.
3. Record the rename (a ``written`` batch event).

A pending batch is settled by the next build, void or replace: *adopted* when its output file
is in place with the recorded SHA-256, *abandoned* otherwise (nothing was sent; its lines stop
counting as billed). Either way its numbers stay used: the counters were committed in step 1.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path

import attrs

from edi837 import faults, progress
from edi837.claim837.encoder import Encoder
from edi837.errors import BlockedError
from edi837.issues import Location, Report
from edi837.ledger.events import refresh
from edi837.ledger.store import Ledger
from edi837.ledger.submissions import (
    BatchRecord,
    confirm,
    file_sha256,
    pending_batches,
    record_batch,
)
from edi837.model.claims import Claim, ClaimBatch, Interchange
from edi837.model.profile import Parties
from edi837.outputs import Staged


@attrs.frozen
class BuildResult:
    """A batch written and recorded: what it holds, where it went, and the findings let through
    (warnings, info, and the payer-rule errors ``--allow`` billed anyway)."""

    batch: ClaimBatch
    batch_id: int
    output: Path
    sha256: str
    report: Report
    allowed: dict[str, int]
    ledger: Path | None = None
    ledger_created: bool = False
    settled: tuple[str, ...] = ()  # what settling interrupted batches did
    originals: dict[str, str] = attrs.field(factory=dict)  # a void's claim ID -> the claim voided


@attrs.frozen(slots=True)
class Numbers:
    isa13: int
    gs06: int
    st02s: tuple[int, ...]
    claim_ids: tuple[str, ...]


def allocate_numbers(ledger: Ledger, *, claims: int, per_st: int, prefix: str) -> Numbers:
    """The batch's control numbers and claim IDs, inside the caller's write transaction."""
    isa13 = ledger.allocate("isa13")[0]
    gs06 = ledger.allocate("gs06")[0]
    st02s = tuple(ledger.allocate("st02", -(-claims // per_st)))
    ids = tuple(f"{prefix}{n:08d}" for n in ledger.allocate("claim", claims))
    return Numbers(isa13, gs06, st02s, ids)


def assemble(
    parties: Parties, numbers: Numbers, claims: tuple[Claim, ...], created: datetime
) -> ClaimBatch:
    ic = parties.interchange
    return ClaimBatch(
        interchange=Interchange(
            sender_qualifier=ic.sender_qualifier,
            sender_id=ic.sender_id,
            receiver_qualifier=ic.receiver_qualifier,
            receiver_id=ic.receiver_id,
            gs_sender=ic.gs_sender,
            gs_receiver=ic.gs_receiver,
            usage=ic.usage,
            control_number=numbers.isa13,
            group_number=numbers.gs06,
            transaction_numbers=numbers.st02s,
            ack_requested=ic.ack_requested,
        ),
        created=created,
        submitter=parties.submitter,
        receiver=parties.receiver,
        billing_provider=parties.billing_provider,
        payer=parties.payer,
        claims=claims,
        max_claims_per_transaction=parties.max_claims_per_transaction,
    )


def encode(batch: ClaimBatch, staged: Staged, report: Report, *, line_breaks: bool) -> None:
    """Write the 837P to the staged file; element problems block it (nothing is kept)."""
    encoder = Encoder(batch, line_breaks=line_breaks)
    with progress.task("writing the 837P", total=len(batch.claims), unit="claim") as step:
        done = 0
        for text in encoder.segments():
            staged.write(text.encode("ascii"))
            if encoder.claims_written != done:
                step.advance(encoder.claims_written - done)
                done = encoder.claims_written
    staged.close()
    faults.checkpoint(
        "emit:encoded"
    )  # the file complete under its temporary name, nothing committed
    if encoder.problems:
        for problem in encoder.problems:
            report.error(
                "IG-837P-ELEMENT",
                f"{problem.segment}: {problem.problem.message}",
                Location(claim_id=problem.claim_id, line=problem.line),
            )
        raise BlockedError(
            f"{len(encoder.problems)} element(s) do not fit the 837P; no file was written",
            issues=report.sorted(),
        )
    conform(staged, report)


def conform(staged: Staged, report: Report) -> None:
    """The conformance engine on the file as written, before anything is recorded or renamed:
    its findings join the report, and a file with an error is not kept."""
    from edi837.conformance.engine import validate

    result = validate(staged.temp, name=str(staged.out))
    report.extend(finding.issue(str(staged.out)) for finding in result.findings.sorted())
    if not result.ok:
        raise BlockedError(
            f"the 837P fails {result.findings.errors} conformance check(s) (SNIP 1-5, as "
            "`edi837 validate` runs them): no file was kept and nothing was recorded",
            hint="the findings say where; a finding on a value from the profile means the "
            "profile needs correcting, any other is a bug in edi837",
            issues=report.sorted(),
        )


def settle_pending(ledger: Ledger) -> tuple[str, ...]:
    """Adopt or abandon the batches an interrupted run left pending. Inside ledger.write().
    (The numbers stay used either way: see the module docstring.)"""
    notes = []
    for batch in pending_batches(ledger):
        path = Path(batch.output_file)
        if file_sha256(path) == batch.file_sha256:
            confirm(ledger, batch.batch_id, "adopted")
            notes.append(
                f"batch {batch.batch_id} (ISA13 {batch.isa13:09d}) was interrupted after its file "
                f"was complete: {path} is adopted as sent"
            )
        else:
            confirm(ledger, batch.batch_id, "abandoned")
            claims = [
                row[0]
                for row in ledger.db.execute(
                    "SELECT claim_id FROM claims WHERE batch_id = ?", (batch.batch_id,)
                )
            ]
            refresh(ledger, claims)
            notes.append(
                f"batch {batch.batch_id} (ISA13 {batch.isa13:09d}) was interrupted before its file "
                f"{path} was in place: it is abandoned (nothing was sent; its numbers are not reused)"
            )
    return tuple(notes)


def settle(ledger: Ledger, report: Report) -> tuple[str, ...]:
    """Settle interrupted batches in a transaction of their own (so that it stands even when the
    build that follows is refused), each reported as an info finding."""
    with ledger.write():
        notes = settle_pending(ledger)
    for note in notes:
        report.info("LEDGER-PENDING", note)
    return notes


def publish(ledger: Ledger, staged: Staged, batch_id: int) -> None:
    """Steps 2 and 3: rename the file into place, then record that it is there."""
    faults.checkpoint("emit:recorded")
    staged.publish()
    faults.checkpoint("emit:published")
    with ledger.write():
        confirm(ledger, batch_id)


def write_batch(
    ledger: Ledger,
    staged: Staged,
    parties: Parties,
    numbers: Numbers,
    claims: tuple[Claim, ...],
    report: Report,
    *,
    created: datetime,
    as_of: date,
    kind: str,
    records_file: str,
    records_sha256: str | None = None,
    overrides: Mapping[str, int] | None = None,
    originals: Mapping[str, str] | None = None,
) -> tuple[ClaimBatch, int]:
    """Step 1 once the claims are made, inside the caller's write transaction: assemble the
    batch, write it to the staged file, record it pending. Returns (batch, batch ID)."""
    batch = assemble(parties, numbers, claims, created)
    encode(batch, staged, report, line_breaks=parties.interchange.line_breaks)
    batch_id = record_batch(
        ledger,
        batch,
        BatchRecord(
            records_file=records_file,
            output_file=str(staged.out),
            file_sha256=staged.sha256,
            as_of=as_of,
            overrides=dict(overrides or {}),
            kind=kind,
            records_sha256=records_sha256,
            parties=parties,
            originals=dict(originals or {}),
        ),
    )
    return batch, batch_id


def finish(
    ledger: Ledger,
    staged: Staged,
    batch: ClaimBatch,
    batch_id: int,
    report: Report,
    *,
    allowed: dict[str, int] | None = None,
    settled: tuple[str, ...] = (),
    originals: Mapping[str, str] | None = None,
) -> BuildResult:
    """Steps 2 and 3 (after the COMMIT), and what the command shows."""
    publish(ledger, staged, batch_id)
    return BuildResult(
        batch,
        batch_id,
        staged.out,
        staged.sha256,
        report,
        dict(allowed or {}),
        ledger=ledger.path,
        ledger_created=ledger.created,
        settled=settled,
        originals=dict(originals or {}),
    )
