"""``edi837 build``: records -> checked claims -> an 837P file, recorded in the ledger.

Atomic: the file is written under a temporary name and renamed only when it is complete, and the
ledger rows (control numbers, batch, claims, lines) are committed in the same transaction as that
rename. A failure at any point leaves no output file and no ledger change.
"""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from datetime import date, datetime
from pathlib import Path

import attrs

from edi837.claim837.encoder import Encoder
from edi837.errors import BlockedError, InputError
from edi837.issues import Issue, Location, Report, Severity
from edi837.ledger.history import LedgerHistory
from edi837.ledger.store import Ledger
from edi837.ledger.submissions import BatchRecord, record_batch
from edi837.model.claims import ClaimBatch, Interchange
from edi837.model.profile import Profile
from edi837.rules.registry import overridable
from edi837.rules.tars import TarList
from edi837.services.grouping import build_claim, group_claims
from edi837.services.prepare import prepare


@attrs.frozen
class BuildResult:
    batch: ClaimBatch
    batch_id: int
    output: Path
    sha256: str
    report: Report
    allowed: dict[str, int]


def _allowed(report: Report, allow: frozenset[str]) -> tuple[list[Issue], dict[str, int]]:
    """The errors that still block, and how many findings of each allowed rule were let through."""
    blocking = [i for i in report.errors if i.rule_id not in allow]
    allowed = Counter(i.rule_id for i in report.errors if i.rule_id in allow)
    return blocking, dict(allowed)


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


def build(
    records_path: Path,
    profile: Profile,
    out: Path,
    ledger: Ledger,
    *,
    as_of: date,
    created: datetime,
    allow: frozenset[str] = frozenset(),
    tars: TarList | None = None,
) -> BuildResult:
    refused = sorted(rule for rule in allow if not overridable(rule))
    if refused:
        raise InputError(
            f"--allow cannot override {', '.join(refused)}",
            hint="only payer rule findings can be allowed; input problems must be fixed in the records",
        )
    if out.exists() and out.is_dir():
        raise InputError(f"--out {out} is a directory")
    if not out.parent.exists():
        raise InputError(f"the folder of --out {out} does not exist")

    renamed = False
    try:
        with ledger.write():
            prepared = prepare(
                records_path, profile, as_of=as_of, history=LedgerHistory(ledger), tars=tars
            )
            report = prepared.report
            blocking, allowed = _allowed(report, allow)
            if blocking:
                raise BlockedError(
                    f"{len(blocking)} error(s) block the batch; no file was written",
                    hint="fix the records, or --allow RULE-ID to bill a payer-rule finding anyway",
                    issues=report.sorted(),
                )
            if not prepared.lines:
                raise BlockedError("no billable lines: no file was written", issues=report.sorted())
            drafts = group_claims(
                prepared.lines,
                profile.fallback_address,
                max_lines=profile.claims.max_lines_per_claim,
            )
            per_st = profile.claims.max_claims_per_transaction
            transactions = -(-len(drafts) // per_st)
            isa13 = ledger.allocate("isa13")[0]
            gs06 = ledger.allocate("gs06")[0]
            st02s = ledger.allocate("st02", transactions)
            claim_numbers = ledger.allocate("claim", len(drafts))
            prefix = profile.claims.claim_id_prefix
            claims = tuple(
                build_claim(draft, f"{prefix}{number:08d}", profile.claims.place_of_service, report)
                for draft, number in zip(drafts, claim_numbers, strict=True)
            )
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
            if encoder.problems:
                tmp.unlink(missing_ok=True)
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
            try:
                batch_id = record_batch(
                    ledger,
                    batch,
                    BatchRecord(str(records_path), str(out), sha, as_of, allowed),
                )
                os.replace(tmp, out)
                renamed = True
            finally:
                tmp.unlink(missing_ok=True)
    except BaseException:
        if renamed:
            out.unlink(missing_ok=True)  # the ledger did not commit: the file must not stand alone
        raise
    if allowed:
        report.add(
            "ALLOWED",
            Severity.INFO,
            "billed despite: "
            + ", ".join(f"{rule} ({count})" for rule, count in sorted(allowed.items())),
        )
    return BuildResult(batch, batch_id, out, sha, report, allowed)
