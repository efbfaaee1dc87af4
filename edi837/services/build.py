"""``edi837 build``: records -> checked claims -> an 837P file, recorded in the ledger.

A straight line (services/emit.py gives the order and what a crash at each step leaves): check
the output path, then in one ledger transaction read and check the records against the ledger's
history a group of members at a time, allocating the numbers and writing and recording each
group's claims under a temporary name as it goes; check the file, commit, rename, confirm. Any
error before the commit leaves no file and no ledger change.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path

import attrs

from edi837 import progress
from edi837.errors import BlockedError, InputError
from edi837.issues import Issue, Location, Report, Severity
from edi837.ledger.history import LedgerHistory
from edi837.ledger.store import Ledger
from edi837.ledger.submissions import file_sha256, records_built, sent_file
from edi837.model.claims import Claim
from edi837.model.common import Usage
from edi837.model.profile import Parties, Policies, Profile
from edi837.outputs import guard, stage
from edi837.perf import collector_paused
from edi837.rules.registry import overridable
from edi837.rules.tars import TarList
from edi837.services.emit import (
    BatchWriter,
    BuildResult,
    allocate_numbers,
    batch_record,
    claim_ids,
    finish,
    settle,
)
from edi837.services.grouping import ClaimDraft, build_claim, expected_unpaid, group_claims
from edi837.services.prepare import Group, Prepared, prepare_groups

__all__ = ["BuildResult", "build"]


def check_allow(allow: frozenset[str]) -> None:
    """Refuse ``--allow`` of a rule that cannot be allowed (input and X12 problems)."""
    refused = sorted(rule for rule in allow if not overridable(rule))
    if refused:
        raise InputError(
            f"--allow cannot override {', '.join(refused)}",
            hint="only payer-rule and already-billed findings can be allowed; input problems "
            "must be fixed in the records",
        )


def records_already_built(
    ledger: Ledger, records_path: Path, sha256: str | None, usage: Usage, policies: Policies
) -> str | None:
    """RECORDS-ALREADY-BUILT's message when an earlier batch of this usage was built from the
    same records file and still counts as billed; None otherwise."""
    if sha256 is None:
        return None
    earlier = records_built(ledger, sha256, usage, denied_lines_count=policies.denied_lines_count)
    if earlier is None or not earlier.billed:
        return None
    return (
        f"{records_path.name} was built already, into batch {earlier.batch_id} of {earlier.on} "
        f"({earlier.output_file}); {earlier.billed} of its {earlier.lines} line(s) still count "
        "as billed"
    )


def refuse_rebuilt(
    ledger: Ledger,
    records_path: Path,
    sha256: str | None,
    usage: Usage,
    policies: Policies,
    report: Report,
    allow: frozenset[str],
) -> None:
    """The records-file check, before any rule runs: one clear refusal rather than a duplicate
    finding on every line. Allowed, it is recorded like any allowed finding."""
    message = records_already_built(ledger, records_path, sha256, usage, policies)
    if message is None:
        return
    report.error("RECORDS-ALREADY-BUILT", message, Location(file=str(records_path)))
    if "RECORDS-ALREADY-BUILT" not in allow:
        raise BlockedError(
            "these records were built already; no file was written",
            hint="bill new services from a new records file, correct a claim with `edi837 "
            "replace`, or --allow RECORDS-ALREADY-BUILT to build it again",
            issues=report.sorted(),
        )


def split_allowed(
    report: Report, allow: frozenset[str], *, what: str = "the batch"
) -> dict[str, int]:
    """How many findings of each allowed rule are let through; raises BlockedError (nothing is
    written) when any other error remains."""
    blocking = [i for i in report.errors if i.rule_id not in allow]
    if blocking:
        raise BlockedError(
            f"{len(blocking)} error(s) block {what}; no file was written",
            hint="fix the records, or --allow RULE-ID to bill a payer-rule finding anyway",
            issues=report.sorted(),
        )
    return dict(Counter(i.rule_id for i in report.errors if i.rule_id in allow))


def note_allowed(report: Report, allowed: dict[str, int]) -> None:
    """The ALLOWED finding: what was billed despite its errors (also recorded in the ledger)."""
    if allowed:
        report.add(
            "ALLOWED",
            Severity.INFO,
            "billed despite: "
            + ", ".join(f"{rule} ({count})" for rule, count in sorted(allowed.items())),
        )


def drafts_of(
    prepared: Prepared,
    profile: Profile,
    report: Report,
    allow: frozenset[str],
    *,
    what: str = "the batch",
    nothing: str = "no billable lines: no file was written",
) -> tuple[list[ClaimDraft], dict[str, int]]:
    """The checked lines grouped into claims, and the findings allowed; raises BlockedError when
    an error blocks or nothing is left to bill."""
    allowed = split_allowed(report, allow, what=what)
    if not prepared.lines:
        raise BlockedError(nothing, issues=report.sorted())
    drafts = group_claims(
        prepared.lines, profile.fallback_address, max_lines=profile.claims.max_lines_per_claim
    )
    return drafts, allowed


def claims_of(
    drafts: list[ClaimDraft],
    claim_ids: tuple[str, ...],
    profile: Profile,
    report: Report,
    findings: Iterable[Issue] | None = None,
) -> tuple[Claim, ...]:
    """Each draft with its claim ID, pointers and line numbers (services/grouping.py);
    ``findings`` are the ones that can predict its lines unpaid (default: the whole report)."""
    pos = profile.claims.place_of_service
    unpaid = expected_unpaid(report if findings is None else findings)
    return tuple(
        build_claim(draft, claim_id, pos, report, unpaid)
        for draft, claim_id in zip(drafts, claim_ids, strict=True)
    )


def guard_output(out: Path, ledger: Ledger, *inputs: Path | str | None) -> None:
    """The one output check every writing service makes (edi837.outputs.guard)."""
    guard(
        out,
        inputs=[Path(i) for i in inputs if i],
        ledger=ledger.path,
        sent=lambda path: sent_file(ledger, path),
    )


@attrs.frozen
class Start:
    """What a build from records knows before it opens its transaction."""

    report: Report
    records_sha256: str | None
    settled: tuple[str, ...]


def start(
    records_path: Path,
    profile: Profile,
    out: Path,
    ledger: Ledger,
    tars: TarList | None,
    allow: frozenset[str],
) -> Start:
    """The checks before anything is computed (--allow, the output path), the records' SHA-256,
    and interrupted batches settled (services/emit.py): shared by build and replace."""
    check_allow(allow)
    guard_output(out, ledger, records_path, profile.source, tars.file if tars else None)
    report = Report()
    sha = file_sha256(records_path)
    return Start(report, sha, settle(ledger, report))


def write_groups(
    groups: Iterable[Group],
    writer: BatchWriter,
    ledger: Ledger,
    parties: Parties,
    profile: Profile,
    report: Report,
    allow: frozenset[str],
) -> int:
    """Each checked group's claims, made and written as it comes, until an error that is not
    allowed is found: from then on the groups are only checked (so every finding is shown) and
    the batch will be refused. Returns how many billable lines were written."""
    blocked = False
    billable = 0
    seen = len(report.issues)  # the findings already judged
    for group in groups:
        found = report.issues[seen:]  # this group's findings (and the file's, before the first)
        seen = len(report.issues)
        blocked = blocked or any(
            i.severity is Severity.ERROR and i.rule_id not in allow for i in found
        )
        if blocked or not group.lines:
            continue
        billable += len(group.lines)
        drafts = group_claims(
            group.lines, profile.fallback_address, max_lines=profile.claims.max_lines_per_claim
        )
        numbers = claim_ids(ledger, len(drafts), parties.claim_id_prefix)
        writer.add(claims_of(drafts, numbers, profile, report, found))
    return billable


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
    name: str | None = None,
) -> BuildResult:
    """Build the records into ``out`` (``-``: standard output) and record the batch. ``name``
    is what findings and the ledger call the records file when it is not its path.

    The records are checked a group of members at a time (services/prepare.py) and each
    group's claims are written as soon as it is checked, so the batch is never held whole. An
    error anywhere still blocks all of it: once one is found the rest is only checked (every
    finding is shown), and the transaction and the temporary file are thrown away."""
    begun = start(records_path, profile, out, ledger, tars, allow)
    report, records_sha = begun.report, begun.records_sha256
    parties = Parties.of(profile)
    test = parties.interchange.usage is Usage.TEST
    shown = name if name is not None else str(records_path)
    with collector_paused(), stage(out) as staged:
        with ledger.write():
            refuse_rebuilt(
                ledger,
                Path(shown),  # as messages name it
                records_sha,
                parties.interchange.usage,
                profile.policies,
                report,
                allow,
            )
            history = LedgerHistory(
                ledger, test=test, denied_lines_count=profile.policies.denied_lines_count
            )
            with progress.task("writing the 837P", unit="claim") as step:
                writer = BatchWriter(
                    ledger,
                    staged,
                    parties,
                    allocate_numbers(ledger),
                    batch_record(staged, as_of, "build", shown, records_sha, parties),
                    created=created,
                    step=step,
                )
                groups = prepare_groups(
                    records_path,
                    profile,
                    as_of=as_of,
                    history=history,
                    tars=tars,
                    report=report,
                    name=name,
                )
                billable = write_groups(groups, writer, ledger, parties, profile, report, allow)
            allowed = split_allowed(report, allow)
            if not billable:
                raise BlockedError("no billable lines: no file was written", issues=report.sorted())
            summary = writer.close(report, allowed)
        result = finish(
            ledger, staged, summary, writer.batch_id, report, allowed=allowed, settled=begun.settled
        )
    note_allowed(report, allowed)
    return result
