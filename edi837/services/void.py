"""``edi837 void``: a void (frequency 8) of claims already sent, rebuilt from the ledger.

The void repeats the original claim in full, under the envelope and billing provider it was sent
with, with CLM05-3 = 8 and the payer's claim number (REF*F8). See services/corrections.py for
what may be voided. Once the void is sent (and not rejected) the original stops counting as
billed; when the payer's reversal arrives, both are settled (edi837/lifecycle).
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import attrs

from edi837.issues import Report
from edi837.ledger.events import refresh
from edi837.ledger.store import Ledger
from edi837.model.claims import Claim
from edi837.model.common import Frequency
from edi837.model.profile import Profile
from edi837.outputs import stage
from edi837.services.build import guard_output
from edi837.services.corrections import parse_claim_numbers, plan
from edi837.services.emit import BuildResult, allocate_numbers, finish, settle, write_batch

__all__ = ["parse_claim_numbers", "void"]


def void(
    claim_ids: list[str],
    payer_claim_numbers: dict[str, str],
    profile: Profile,
    out: Path,
    ledger: Ledger,
    *,
    as_of: date,
    created: datetime,
) -> BuildResult:
    guard_output(out, ledger, profile.source)
    report = Report()
    settled = settle(ledger, report)
    with stage(out) as staged:
        with ledger.write():
            corrections = plan(ledger, claim_ids, payer_claim_numbers, profile, verb="void")
            parties = corrections[0].parties
            numbers = allocate_numbers(
                ledger,
                claims=len(corrections),
                prefix=parties.claim_id_prefix,
            )
            voids: list[Claim] = []
            originals: dict[str, str] = {}
            for correction, new_id in zip(corrections, numbers.claim_ids, strict=True):
                lines = tuple(
                    attrs.evolve(line, control_number=f"{new_id}L{number:02d}")
                    for number, line in enumerate(correction.original.lines, 1)
                )
                voids.append(
                    attrs.evolve(
                        correction.original,
                        claim_id=new_id,
                        lines=lines,
                        frequency=Frequency.VOID,
                        payer_claim_number=correction.payer_claim_number,
                    )
                )
                originals[new_id] = correction.original.claim_id
            summary, batch_id = write_batch(
                ledger,
                staged,
                parties,
                numbers,
                tuple(sorted(voids, key=lambda c: c.member.member_id)),
                report,
                created=created,
                as_of=as_of,
                kind="void",
                records_file="void of " + ", ".join(claim_ids),
                originals=originals,
            )
            refresh(ledger, claim_ids)
        return finish(
            ledger, staged, summary, batch_id, report, settled=settled, originals=originals
        )
