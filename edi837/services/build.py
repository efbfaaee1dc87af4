"""``edi837 build``: records -> checked claims -> an 837P file, recorded in the ledger.

A straight line (services/emit.py gives the order and what a crash at each step leaves): check
the output path, read and check the records against the ledger's history, allocate the numbers,
build and write the claims under a temporary name, record the batch, commit, rename, confirm.
Any error before the commit leaves no file and no ledger change.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from pathlib import Path

from edi837.errors import BlockedError, InputError
from edi837.issues import Issue, Report, Severity
from edi837.ledger.history import LedgerHistory
from edi837.ledger.store import Ledger
from edi837.ledger.submissions import BatchRecord, file_sha256, record_batch, sent_file
from edi837.model.common import Usage
from edi837.model.profile import Parties, Profile
from edi837.outputs import guard, stage
from edi837.perf import collector_paused
from edi837.rules.registry import overridable
from edi837.rules.tars import TarList
from edi837.services.emit import (
    BuildResult,
    allocate_numbers,
    assemble,
    encode,
    publish,
    settle,
)
from edi837.services.grouping import build_claim, expected_unpaid, group_claims
from edi837.services.prepare import prepare

__all__ = ["BuildResult", "build"]


def _allowed(report: Report, allow: frozenset[str]) -> tuple[list[Issue], dict[str, int]]:
    """The errors that still block, and how many findings of each allowed rule were let through."""
    blocking = [i for i in report.errors if i.rule_id not in allow]
    allowed = Counter(i.rule_id for i in report.errors if i.rule_id in allow)
    return blocking, dict(allowed)


def guard_output(out: Path, ledger: Ledger, *inputs: Path | str | None) -> None:
    """The one output check every writing service makes (edi837.outputs.guard)."""
    guard(
        out,
        inputs=[Path(i) for i in inputs if i],
        ledger=ledger.path,
        sent=lambda path: sent_file(ledger, path),
    )


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
    guard_output(out, ledger, records_path, profile.source, tars.file if tars else None)
    parties = Parties.of(profile)
    test = parties.interchange.usage is Usage.TEST
    records_sha = file_sha256(records_path)
    report = Report()
    settled = settle(ledger, report)
    with collector_paused(), stage(out) as staged:
        with ledger.write():
            history = LedgerHistory(
                ledger, test=test, denied_lines_count=profile.policies.denied_lines_count
            )
            prepared = prepare(
                records_path, profile, as_of=as_of, history=history, tars=tars, report=report
            )
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
            numbers = allocate_numbers(
                ledger,
                claims=len(drafts),
                per_st=parties.max_claims_per_transaction,
                prefix=parties.claim_id_prefix,
            )
            pos = profile.claims.place_of_service
            unpaid = expected_unpaid(report)
            claims = tuple(
                build_claim(draft, claim_id, pos, report, unpaid)
                for draft, claim_id in zip(drafts, numbers.claim_ids, strict=True)
            )
            batch = assemble(parties, numbers, claims, created)
            encode(batch, staged, report, line_breaks=parties.interchange.line_breaks)
            batch_id = record_batch(
                ledger,
                batch,
                BatchRecord(
                    records_file=str(records_path),
                    output_file=str(out),
                    file_sha256=staged.sha256,
                    as_of=as_of,
                    overrides=allowed,
                    kind="build",
                    records_sha256=records_sha,
                    parties=parties,
                ),
            )
        publish(ledger, staged, batch_id)
    if allowed:
        report.add(
            "ALLOWED",
            Severity.INFO,
            "billed despite: "
            + ", ".join(f"{rule} ({count})" for rule, count in sorted(allowed.items())),
        )
    return BuildResult(
        batch,
        batch_id,
        out,
        staged.sha256,
        report,
        allowed,
        ledger=ledger.path,
        ledger_created=ledger.created,
        settled=settled,
    )
