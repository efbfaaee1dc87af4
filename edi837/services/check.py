"""``edi837 check``: every billing rule over a records file, against the ledger's history, with
nothing written. The same reading, pricing and rules as a build (services/prepare.py)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import attrs

from edi837.issues import Issue, Location, Report, Severity
from edi837.ledger.history import LedgerHistory
from edi837.ledger.store import Ledger
from edi837.ledger.submissions import file_sha256
from edi837.model.common import Usage
from edi837.model.profile import Profile
from edi837.perf import collector_paused
from edi837.rules.history import History, NoHistory
from edi837.rules.tars import TarList
from edi837.services.build import records_already_built
from edi837.services.prepare import prepare_groups


@attrs.frozen
class CheckResult:
    """What a check found: every finding (sorted by row), and what was checked."""

    issues: list[Issue]
    records: int  # records read
    lines: int  # billable lines they make, after merging
    members: int
    as_of: date
    ledger: Path | None  # the ledger whose history the limits counted; None: this file only

    @property
    def ok(self) -> bool:
        """No error-severity finding: ``build`` would write the file."""
        return not any(i.severity is Severity.ERROR for i in self.issues)


def check(
    records_path: Path,
    profile: Profile,
    *,
    as_of: date,
    ledger: Path | None = None,
    tars: TarList | None = None,
    report: Report | None = None,
    name: str | None = None,
) -> CheckResult:
    """Check the records; the history rules count ``ledger``'s lines too (it must exist: a
    check never creates a ledger). Findings go to ``report`` as they are found, so a caller
    that catches an :class:`~edi837.errors.EdiError` still has those found before it."""
    report = report if report is not None else Report()
    book = Ledger(ledger, create=False) if ledger is not None else None
    shown = Path(name) if name is not None else records_path
    try:
        usage = profile.interchange.usage
        history: History = (
            # the history of the profile's own usage: a test profile, earlier test batches
            LedgerHistory(
                book,
                test=usage is Usage.TEST,
                denied_lines_count=profile.policies.denied_lines_count,
            )
            if book is not None
            else NoHistory()
        )
        if book is not None:
            # what build would refuse before any rule: the same records built already
            rebuilt = records_already_built(
                book, shown, file_sha256(records_path), usage, profile.policies
            )
            if rebuilt is not None:
                report.error("RECORDS-ALREADY-BUILT", rebuilt, Location(file=str(shown)))
        records = lines = members = 0
        with collector_paused():
            for group in prepare_groups(
                records_path,
                profile,
                as_of=as_of,
                history=history,
                tars=tars,
                report=report,
                name=name,
            ):
                records += len(group.records)
                lines += len(group.lines)
                members += group.members
    finally:
        if book is not None:
            book.close()
    return CheckResult(
        issues=report.sorted(),
        records=records,
        lines=lines,
        members=members,
        as_of=as_of,
        ledger=ledger,
    )
