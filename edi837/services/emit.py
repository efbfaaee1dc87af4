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

from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime
from decimal import Decimal
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
    BatchTotals,
    batch_claims,
    close_batch,
    confirm,
    file_sha256,
    load_batch,
    open_batch,
    pending_batches,
    record_transaction,
)
from edi837.model.claims import Claim, ClaimBatch, Interchange
from edi837.model.common import Usage
from edi837.model.profile import Parties
from edi837.outputs import Staged


@attrs.frozen
class BatchSummary:
    """What a written batch holds, counted as it was written (its claims are in the ledger)."""

    interchange: Interchange  # with every ST02 it used
    members: int
    claims: int
    lines: int
    total_charge: Decimal
    by_category: dict[str, int]


@attrs.frozen
class BuildResult:
    """A batch written and recorded: what it holds, where it went, and the findings let through
    (warnings, info, and the payer-rule errors ``--allow`` billed anyway). A build never holds
    every claim at once: :attr:`summary` counts them, :meth:`claims` and :attr:`batch` read them
    back from the ledger."""

    summary: BatchSummary
    batch_id: int
    output: Path
    sha256: str
    report: Report
    allowed: dict[str, int]
    ledger: Path | None = None
    ledger_created: bool = False
    settled: tuple[str, ...] = ()  # what settling interrupted batches did
    originals: dict[str, str] = attrs.field(factory=dict)  # a void's claim ID -> the claim voided

    def claims(self) -> Iterator[tuple[int, Claim]]:
        """(ST02, claim) for each claim of the batch, in file order, read from the ledger."""
        with self._ledger() as ledger:
            yield from batch_claims(ledger, self.batch_id)

    @property
    def batch(self) -> ClaimBatch:
        """The whole batch, every claim held, read back from the ledger (for a large build,
        prefer :attr:`summary` and :meth:`claims`)."""
        with self._ledger() as ledger:
            batch = load_batch(ledger, self.batch_id)
        if batch is None:
            raise LookupError(f"batch {self.batch_id} is not in the ledger {self.ledger}")
        return batch

    def _ledger(self) -> Ledger:
        if self.ledger is None:
            raise LookupError("this result names no ledger to read the batch from")
        return Ledger(self.ledger, create=False)


@attrs.frozen(slots=True)
class Numbers:
    """The batch's interchange and group control numbers (each ST02 is allocated as its
    transaction set is written), and claim IDs when the caller allocated them at once."""

    isa13: int
    gs06: int
    claim_ids: tuple[str, ...] = ()


def allocate_numbers(ledger: Ledger, *, claims: int = 0, prefix: str = "") -> Numbers:
    """The batch's control numbers, and ``claims`` claim IDs, inside the caller's write
    transaction. Every number has its own counter, so allocating the ST02s and claim IDs later,
    as a build goes, hands out the same numbers as allocating them here."""
    isa13 = ledger.allocate("isa13")[0]
    gs06 = ledger.allocate("gs06")[0]
    return Numbers(isa13, gs06, claim_ids(ledger, claims, prefix))


def claim_ids(ledger: Ledger, count: int, prefix: str) -> tuple[str, ...]:
    """The next ``count`` claim IDs (``<prefix><8 digits>``)."""
    return tuple(f"{prefix}{n:08d}" for n in ledger.allocate("claim", count)) if count else ()


class BatchWriter:
    """Step 1 for claims that come in file order, a few at a time: the 837P written and the
    batch recorded (pending) as each transaction set fills, inside the caller's write
    transaction; :meth:`close` ends the file, runs the conformance engine on it and records
    the totals. No more than one transaction set's claims is ever held."""

    def __init__(
        self,
        ledger: Ledger,
        staged: Staged,
        parties: Parties,
        numbers: Numbers,
        info: BatchRecord,
        *,
        created: datetime,
        step: progress.Task | None = None,
    ) -> None:
        self.ledger = ledger
        self.staged = staged
        self.info = info
        # the envelope and the parties, no claims: they come per transaction set
        self.header = parties.batch(
            isa13=numbers.isa13, gs06=numbers.gs06, st02s=(), claims=(), created=created
        )
        self.usage: Usage = self.header.interchange.usage
        self.encoder = Encoder(self.header, line_breaks=parties.interchange.line_breaks)
        self.batch_id = open_batch(ledger, self.header, info)
        self.per_st = parties.max_claims_per_transaction
        self.pending: list[Claim] = []
        self.st02s: list[int] = []
        self.members = self.claims = self.lines = 0
        self.total = Decimal(0)
        self.by_category: dict[str, int] = {}
        self._last_member: str | None = None
        self._step = step  # what a progress display counts: claims written
        for text in self.encoder.header():
            staged.write(text.encode("ascii"))

    def add(self, claims: Iterable[Claim]) -> None:
        """Claims in file order (by member); a full transaction set is written at once."""
        for claim in claims:
            self.pending.append(claim)
            if len(self.pending) >= self.per_st:
                self._flush()

    def _flush(self) -> None:
        claims, self.pending = self.pending, []
        if not claims:
            return
        st02 = self.ledger.allocate("st02")[0]
        self.st02s.append(st02)
        write = self.staged.write
        for text in self.encoder.transaction(st02, claims):
            write(text.encode("ascii"))
        record_transaction(
            self.ledger, self.batch_id, st02, claims, self.usage, self.info.originals
        )
        for claim in claims:
            member = claim.member.member_id
            if member != self._last_member:  # claims come grouped by member, as 2000B loops
                self.members += 1
                self._last_member = member
            self.lines += len(claim.lines)
            self.total += claim.total_charge
            self.by_category[claim.category] = self.by_category.get(claim.category, 0) + 1
        self.claims += len(claims)
        if self._step is not None:
            self._step.advance(len(claims))

    def close(self, report: Report, overrides: Mapping[str, int] | None = None) -> BatchSummary:
        """The file ended and checked, the batch's totals recorded; element problems or a
        conformance error block it (BlockedError: nothing is kept)."""
        self._flush()
        for text in self.encoder.trailer(len(self.st02s)):
            self.staged.write(text.encode("ascii"))
        self.staged.close()
        faults.checkpoint(
            "emit:encoded"
        )  # the file complete under its temporary name, nothing committed
        problems = self.encoder.problems
        if problems:
            for problem in problems:
                report.error(
                    "IG-837P-ELEMENT",
                    f"{problem.segment}: {problem.problem.message}",
                    Location(claim_id=problem.claim_id, line=problem.line),
                )
            raise BlockedError(
                f"{len(problems)} element(s) do not fit the 837P; no file was written",
                issues=report.sorted(),
            )
        conform(self.staged, report)
        close_batch(
            self.ledger,
            self.batch_id,
            BatchTotals(
                file_sha256=self.staged.sha256,
                claims=self.claims,
                lines=self.lines,
                total_charge=self.total,
                overrides=dict(overrides or {}),
            ),
        )
        return BatchSummary(
            interchange=attrs.evolve(
                self.header.interchange, transaction_numbers=tuple(self.st02s)
            ),
            members=self.members,
            claims=self.claims,
            lines=self.lines,
            total_charge=self.total,
            by_category=dict(sorted(self.by_category.items())),
        )


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
) -> tuple[BatchSummary, int]:
    """Step 1 for a batch whose claims are all made (a void, a replacement), inside the
    caller's write transaction. Returns (summary, batch ID)."""
    info = batch_record(staged, as_of, kind, records_file, records_sha256, parties, originals)
    with progress.task("writing the 837P", total=len(claims), unit="claim") as step:
        writer = BatchWriter(ledger, staged, parties, numbers, info, created=created, step=step)
        writer.add(claims)
        return writer.close(report, overrides), writer.batch_id


def batch_record(
    staged: Staged,
    as_of: date,
    kind: str,
    records_file: str,
    records_sha256: str | None,
    parties: Parties,
    originals: Mapping[str, str] | None = None,
) -> BatchRecord:
    """What the ledger records about a batch before its claims (its file hash comes at the
    end, with the totals)."""
    return BatchRecord(
        records_file=records_file,
        output_file=str(staged.out),
        file_sha256="",
        as_of=as_of,
        kind=kind,
        records_sha256=records_sha256,
        parties=parties,
        originals=dict(originals or {}),
    )


def finish(
    ledger: Ledger,
    staged: Staged,
    summary: BatchSummary,
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
        summary,
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
