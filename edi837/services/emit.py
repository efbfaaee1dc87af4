"""Write a batch of claims as an 837P and record it, atomically. Shared by build and void.

The caller holds the ledger's write transaction (``atomic``), so control numbers, the batch rows
and the file's rename commit together or not at all.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

import attrs

from edi837.claim837.encoder import Encoder
from edi837.errors import BlockedError, InputError
from edi837.issues import Location, Report
from edi837.ledger.store import Ledger
from edi837.ledger.submissions import BatchRecord, record_batch
from edi837.model.claims import Claim, ClaimBatch, Interchange
from edi837.model.profile import Profile


@attrs.frozen
class BuildResult:
    batch: ClaimBatch
    batch_id: int
    output: Path
    sha256: str
    report: Report
    allowed: dict[str, int]


@attrs.define
class _Renamed:
    done: bool = False


def check_output(out: Path) -> None:
    if out.exists() and out.is_dir():
        raise InputError(f"--out {out} is a directory")
    if not out.parent.exists():
        raise InputError(f"the folder of --out {out} does not exist")


@contextmanager
def atomic(ledger: Ledger, out: Path) -> Iterator[_Renamed]:
    """The ledger transaction around an emit: if it does not commit, the output goes too."""
    renamed = _Renamed()
    try:
        with ledger.write():
            yield renamed
    except BaseException:
        if renamed.done:
            out.unlink(missing_ok=True)
        raise


def _write_temp(out: Path, encoder: Encoder) -> tuple[Path, str]:
    tmp = out.with_name(f".{out.name}.{os.getpid()}.partial")
    digest = hashlib.sha256()
    try:
        with open(tmp, "w", encoding="ascii", newline="") as handle:
            for text in encoder.segments():
                handle.write(text)
                digest.update(text.encode("ascii"))
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp, digest.hexdigest()


def emit(
    ledger: Ledger,
    profile: Profile,
    out: Path,
    renamed: _Renamed,
    *,
    claim_count: int,
    make_claims: Callable[[list[str]], tuple[Claim, ...]],
    created: datetime,
    as_of: date,
    source: str,
    report: Report,
    allowed: dict[str, int] | None = None,
) -> BuildResult:
    """Allocate the numbers, write the file under a temporary name, record it, rename it."""
    per_st = profile.claims.max_claims_per_transaction
    isa13 = ledger.allocate("isa13")[0]
    gs06 = ledger.allocate("gs06")[0]
    st02s = ledger.allocate("st02", -(-claim_count // per_st))
    prefix = profile.claims.claim_id_prefix
    claims = make_claims([f"{prefix}{n:08d}" for n in ledger.allocate("claim", claim_count)])
    ic = profile.interchange
    batch = ClaimBatch(
        interchange=Interchange(
            sender_qualifier=ic.sender_qualifier,
            sender_id=ic.sender_id,
            receiver_qualifier=ic.receiver_qualifier,
            receiver_id=ic.receiver_id,
            gs_sender=ic.gs_sender,
            gs_receiver=ic.gs_receiver,
            usage=ic.usage,
            control_number=isa13,
            group_number=gs06,
            transaction_numbers=tuple(st02s),
            ack_requested=ic.ack_requested,
        ),
        created=created,
        reference=f"{isa13:09d}",
        submitter=profile.submitter,
        receiver=profile.receiver,
        billing_provider=profile.billing_provider,
        payer=profile.payer,
        claims=claims,
        max_claims_per_transaction=per_st,
    )
    encoder = Encoder(batch, line_breaks=ic.line_breaks)
    tmp, sha = _write_temp(out, encoder)
    try:
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
        batch_id = record_batch(
            ledger, batch, BatchRecord(source, str(out), sha, as_of, allowed or {})
        )
        os.replace(tmp, out)
        renamed.done = True
    finally:
        tmp.unlink(missing_ok=True)
    return BuildResult(batch, batch_id, out, sha, report, allowed or {})
