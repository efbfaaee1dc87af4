"""A written batch (``build``, ``replace``, ``void``) as plain data for its JSON document
(``edi837/schemas/batch.schema.json``): where it went, its control numbers, totals and claims.

Member IDs are masked unless ``--show-phi`` (edi837/phi.py); names and birth dates are never
in the document. Amounts are decimal strings, as in every edi837 document.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from edi837 import phi
from edi837.model.claims import Claim
from edi837.outputs import shown
from edi837.render.queue_data import money
from edi837.services.emit import BuildResult


def summary(result: BuildResult) -> dict[str, Any]:
    """What the summary of the document says: the output, the ledger, the numbers, the totals."""
    batch = result.summary
    ic = batch.interchange
    return {
        "output": shown(result.output),
        "sha256": result.sha256,
        "ledger": str(result.ledger) if result.ledger is not None else None,
        "ledger_created": result.ledger_created,
        "batch_id": result.batch_id,
        "interchange": {
            "isa13": f"{ic.control_number:09d}",
            "gs06": str(ic.group_number),
            "st02": [f"{n:04d}" for n in ic.transaction_numbers],
            "usage": ic.usage.value,
        },
        "members": batch.members,
        "claims": batch.claims,
        "lines": batch.lines,
        "total_charge": money(batch.total_charge),
        "claims_by_category": dict(sorted(batch.by_category.items())),
        "allowed": [{"rule_id": k, "count": v} for k, v in sorted(result.allowed.items())],
        "settled": list(result.settled),
    }


def claims(result: BuildResult) -> Iterator[dict[str, Any]]:
    """Each claim of the batch, in file order, read back from the ledger one at a time; a
    void's or a replacement's names the claim it voids or replaces."""
    originals = result.originals
    for st02, claim in result.claims():
        yield claim_data(claim, f"{st02:04d}", originals.get(claim.claim_id))


def claim_data(claim: Claim, st02: str, original: str | None) -> dict[str, Any]:
    last = max((line.end_date or line.service_date) for line in claim.lines)
    return {
        "claim_id": claim.claim_id,
        "st02": st02,
        "frequency": claim.frequency.value,
        "original_claim_id": original,
        "payer_claim_number": claim.payer_claim_number,
        "member_id": phi.member_id(claim.member.member_id),
        "category": claim.category,
        "service_from": claim.first_date.isoformat(),
        "service_to": last.isoformat(),
        "charge": money(claim.total_charge),
        "lines": [
            {
                "control_number": line.control_number,
                "procedure": line.procedure,
                "modifiers": list(line.modifiers),
                "service_date": line.service_date.isoformat(),
                "end_date": line.end_date.isoformat() if line.end_date else None,
                "units": str(line.units),
                "charge": money(line.charge),
            }
            for line in claim.lines
        ],
    }
