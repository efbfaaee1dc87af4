"""``edi837 replace``: a corrected claim (frequency 7) in place of one already sent.

What the replacement bills is the user's: a records file holding the claim's member and month as
they should have been billed (every line of the claim, not only the changed one: a frequency 7
claim replaces the whole earlier claim), read, priced and checked by every rule exactly like a
build, except that the claim being replaced is left out of the history it is checked against
(its lines would otherwise be duplicates of their own correction). What it is sent under is the
ledger's: the envelope (usage T or P included), submitter, billing provider and claim-ID prefix
of the original's batch, and REF*F8 carries the payer's claim number; services/corrections.py
says which claims may be replaced, and refuses the others with what to do instead.

It goes out like a build (services/emit.py: guard, numbers, pending, commit, publish, confirm).
Once it is written, and while the payer has not rejected it, the original is ``replaced`` and
stops counting as billed; the replacement counts instead (edi837/lifecycle).
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import attrs

from edi837.errors import InputError
from edi837.ledger.events import refresh
from edi837.ledger.history import LedgerHistory
from edi837.ledger.store import Ledger
from edi837.model.claims import Claim
from edi837.model.common import Frequency, Usage
from edi837.model.profile import Profile
from edi837.outputs import stage
from edi837.perf import collector_paused
from edi837.rules.tars import TarList
from edi837.services.build import claims_of, drafts_of, note_allowed, start
from edi837.services.corrections import plan
from edi837.services.emit import BuildResult, allocate_numbers, finish, write_batch
from edi837.services.prepare import Prepared, prepare

__all__ = ["replace"]


def _rows(rows: list[int]) -> str:
    shown = ", ".join(str(r) for r in rows[:10])
    more = f" and {len(rows) - 10} more" if len(rows) > 10 else ""
    return f"row{'s' if len(rows) > 1 else ''} {shown}{more}"


def out_of_scope(prepared: Prepared, original: Claim) -> list[str]:
    """What in the records does not belong on a replacement of ``original``: other members,
    other months, another category (each goes on a claim of its own)."""
    first = original.first_date
    month = (first.year, first.month)
    others = [r.row for r in prepared.records if r.member_id != original.member.member_id]
    months = [
        r.row for r in prepared.records if (r.service_date.year, r.service_date.month) != month
    ]
    category = sorted(
        {
            row
            for line in prepared.lines
            if line.category.value != original.category
            for row in line.rows
        }
    )
    problems = []
    if others:
        problems.append(f"{_rows(others)} bill another member")
    if months:
        problems.append(f"{_rows(months)} are dated outside {first.year:04d}-{first.month:02d}")
    if category:
        problems.append(
            f"{_rows(category)} bill services of another category than this {original.category} "
            "claim (they go on a claim of their own)"
        )
    return problems


def replace(
    claim_id: str,
    records_path: Path,
    payer_claim_number: str | None,
    profile: Profile,
    out: Path,
    ledger: Ledger,
    *,
    as_of: date,
    created: datetime,
    allow: frozenset[str] = frozenset(),
    tars: TarList | None = None,
) -> BuildResult:
    begun = start(records_path, profile, out, ledger, tars, allow)
    report, records_sha = begun.report, begun.records_sha256
    numbers_given = {claim_id: payer_claim_number} if payer_claim_number else {}
    with collector_paused(), stage(out) as staged:
        with ledger.write():
            (correction,) = plan(ledger, [claim_id], numbers_given, profile, verb="replace")
            parties = correction.parties
            original = correction.original
            history = LedgerHistory(
                ledger,
                test=parties.interchange.usage is Usage.TEST,
                denied_lines_count=profile.policies.denied_lines_count,
                excluded_claims=(claim_id,),
            )
            prepared = prepare(
                records_path, profile, as_of=as_of, history=history, tars=tars, report=report
            )
            problems = out_of_scope(prepared, original)
            if problems:
                raise InputError(
                    f"cannot replace {claim_id} from {records_path.name}: " + "; ".join(problems),
                    hint=f"a replacement holds {claim_id}'s member and month only; bill the other "
                    "services with `edi837 build`",
                )
            drafts, allowed = drafts_of(
                prepared,
                profile,
                report,
                allow,
                what="the replacement",
                nothing=f"no billable lines: to take back everything {claim_id} billed, void it "
                f"(`edi837 void {claim_id}`)",
            )
            if len(drafts) != 1:
                raise InputError(
                    f"cannot replace {claim_id}: its corrected services need {len(drafts)} claims "
                    f"(more than {profile.claims.max_lines_per_claim} lines or 12 diagnoses), and "
                    "a replacement is one claim",
                    hint=f"void {claim_id} and build the services as new originals instead",
                )
            numbers = allocate_numbers(
                ledger,
                claims=1,
                prefix=parties.claim_id_prefix,
            )
            (made,) = claims_of(drafts, numbers.claim_ids, profile, report)
            claim = attrs.evolve(
                made,
                frequency=Frequency.REPLACEMENT,
                payer_claim_number=correction.payer_claim_number,
            )
            summary, batch_id = write_batch(
                ledger,
                staged,
                parties,
                numbers,
                (claim,),
                report,
                created=created,
                as_of=as_of,
                kind="replace",
                records_file=str(records_path),
                records_sha256=records_sha,
                overrides=allowed,
                originals={claim.claim_id: claim_id},
            )
            refresh(ledger, [claim_id])
        result = finish(
            ledger,
            staged,
            summary,
            batch_id,
            report,
            allowed=allowed,
            settled=begun.settled,
            originals={claim.claim_id: claim_id},
        )
    note_allowed(report, allowed)
    return result
