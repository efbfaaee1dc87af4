"""``edi837 build``: records -> checked claims -> an 837P file, recorded in the ledger.

Atomic: the file is written under a temporary name and renamed only when it is complete, and the
ledger rows (control numbers, batch, claims, lines) are committed in the same transaction as that
rename. A failure at any point leaves no output file and no ledger change.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from pathlib import Path

from edi837.errors import BlockedError, InputError
from edi837.issues import Issue, Report, Severity
from edi837.ledger.history import LedgerHistory
from edi837.ledger.store import Ledger
from edi837.model.profile import Profile
from edi837.perf import collector_paused
from edi837.rules.registry import overridable
from edi837.rules.tars import TarList
from edi837.services.emit import BuildResult, atomic, check_output, emit
from edi837.services.grouping import build_claim, group_claims
from edi837.services.prepare import prepare

__all__ = ["BuildResult", "build"]


def _allowed(report: Report, allow: frozenset[str]) -> tuple[list[Issue], dict[str, int]]:
    """The errors that still block, and how many findings of each allowed rule were let through."""
    blocking = [i for i in report.errors if i.rule_id not in allow]
    allowed = Counter(i.rule_id for i in report.errors if i.rule_id in allow)
    return blocking, dict(allowed)


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
    check_output(out)
    with collector_paused(), atomic(ledger, out) as renamed:
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
            prepared.lines, profile.fallback_address, max_lines=profile.claims.max_lines_per_claim
        )
        pos = profile.claims.place_of_service
        result = emit(
            ledger,
            profile,
            out,
            renamed,
            claim_count=len(drafts),
            make_claims=lambda ids: tuple(
                build_claim(draft, claim_id, pos, report)
                for draft, claim_id in zip(drafts, ids, strict=True)
            ),
            created=created,
            as_of=as_of,
            source=str(records_path),
            report=report,
            allowed=allowed,
        )
    if allowed:
        report.add(
            "ALLOWED",
            Severity.INFO,
            "billed despite: "
            + ", ".join(f"{rule} ({count})" for rule, count in sorted(allowed.items())),
        )
    return result
