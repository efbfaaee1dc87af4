"""What a void (frequency 8) or a replacement (7) of claims already sent must be: shared by
``void`` and ``replace``.

Both repeat what the payer received, not what the profile says today: the envelope, submitter,
billing provider and claim-ID prefix come from the ledger's copy of the original's batch (for a
batch recorded before that copy existed, from the sent file itself, checked against its SHA-256).
Both carry REF*F8, the payer's claim number (CLP07 of an 835, or REF*1K of a 277CA), and both
refuse, with the reason and what to do instead:

- a claim the ledger does not know, or a void itself;
- a claim that was never sent, or rejected at the front door, or that the payer has not accepted
  yet (a rejected claim is fixed and sent again as a new original; a rejected replacement or
  void is fixed and its original corrected again);
- a claim already voided or replaced (the message names the later claim);
- a profile whose billing NPI or tax ID differs from the one the claim was sent under.
"""

from __future__ import annotations

from pathlib import Path

import attrs

from edi837.claim837.reader import read_claim_file
from edi837.errors import InputError
from edi837.ledger.events import outcome
from edi837.ledger.store import Ledger
from edi837.ledger.submissions import (
    batch_parties,
    file_sha256,
    load_claim,
    sent_claim,
)
from edi837.lifecycle.machine import State
from edi837.model.claims import Claim
from edi837.model.common import Frequency
from edi837.model.profile import InterchangeSettings, Parties, Profile


@attrs.frozen(slots=True)
class Correction:
    """One claim to void or replace: as it was sent, what it was sent under, and its number."""

    original: Claim
    batch_id: int
    parties: Parties
    payer_claim_number: str


def recorded_claim_number(ledger: Ledger, claim_id: str) -> str | None:
    """The payer's claim number: CLP07 of the latest remittance that named the claim, else
    REF*1K of the latest 277CA."""
    row = ledger.db.execute(
        "SELECT e.payer_claim_number FROM claim_events e JOIN remittances r ON r.remittance_id = e.remittance_id "
        "WHERE e.claim_id = ? AND e.payer_claim_number != '' "
        "ORDER BY r.event_date DESC, e.remittance_id DESC, e.seq DESC LIMIT 1",
        (claim_id,),
    ).fetchone()
    if row is None:
        row = ledger.db.execute(
            "SELECT payer_claim_number FROM ack_events WHERE claim_id = ? AND payer_claim_number != '' "
            "ORDER BY file_id DESC, seq DESC LIMIT 1",
            (claim_id,),
        ).fetchone()
    return str(row[0]) if row else None


def _parties_from_file(ledger: Ledger, batch_id: int, profile: Profile) -> Parties | None:
    """A batch recorded before the ledger kept its parties: read them from the sent file."""
    row = ledger.db.execute(
        "SELECT output_file, file_sha256 FROM batches WHERE batch_id = ?", (batch_id,)
    ).fetchone()
    if row is None:
        return None
    path = Path(row[0])
    if file_sha256(path) != row[1]:
        return None
    sent = read_claim_file(path).batches
    if not sent:
        return None
    first = sent[0]
    ic = first.interchange
    return Parties(
        interchange=InterchangeSettings(
            sender_qualifier=ic.sender_qualifier,
            sender_id=ic.sender_id,
            receiver_qualifier=ic.receiver_qualifier,
            receiver_id=ic.receiver_id,
            gs_sender=ic.gs_sender,
            gs_receiver=ic.gs_receiver,
            usage=ic.usage,
            ack_requested=ic.ack_requested,
            line_breaks=profile.interchange.line_breaks,
        ),
        submitter=first.submitter,
        receiver=first.receiver,
        billing_provider=first.billing_provider,
        payer=first.payer,
        claim_id_prefix=profile.claims.claim_id_prefix,
        max_claims_per_transaction=profile.claims.max_claims_per_transaction,
    )


_REFUSED = {
    State.ABANDONED: "was never sent (its batch was abandoned when the build was interrupted)",
    State.PENDING: "is in a batch whose file is not confirmed yet",
    State.REJECTED: (
        "was rejected at the front door ({detail}), so the payer has nothing to {verb}: fix it "
        "and send the services again as a new original with `edi837 build`"
    ),
    State.SENT: (
        "has not been accepted by the payer yet (no 999/277CA acceptance or 835 is recorded): "
        "read the payer's acknowledgments with `edi837 ack` first; a claim the payer rejected is "
        "sent again as a new original, not {done}"
    ),
}


def plan(
    ledger: Ledger,
    claim_ids: list[str],
    numbers: dict[str, str],
    profile: Profile,
    *,
    verb: str,
) -> list[Correction]:
    """Check every claim; raise one InputError listing every problem, or return the plan."""
    problems: list[str] = []
    out: list[Correction] = []
    done = {"void": "voided", "replace": "replaced"}.get(verb, verb)
    for claim_id in claim_ids:
        sent = sent_claim(ledger, claim_id)
        claim = load_claim(ledger, claim_id) if sent is not None else None
        if sent is None or claim is None:
            problems.append(f"{claim_id} is not a claim in the ledger")
            continue
        if sent.frequency is Frequency.VOID:
            problems.append(f"{claim_id} is itself a void; it cannot be {done}")
            continue
        found = outcome(ledger, claim_id)
        assert found is not None
        facts, state = found
        if state.state in (State.VOIDED, State.REPLACED):
            if state.state is State.VOIDED:
                problems.append(
                    f"{claim_id} is already voided by {state.successor}: the payer takes it back, "
                    "so there is nothing left to correct; bill the services again as a new "
                    "original (`edi837 build`) if they are still owed"
                )
            else:
                problems.append(
                    f"{claim_id} is already replaced by {state.successor}; {verb} "
                    f"{state.successor} instead if it needs correcting"
                )
            continue
        refusal = _REFUSED.get(state.state)
        if state.state is State.REJECTED and facts.original_claim_id:
            # a rejected correction never reached the payer: correct the original again
            refusal = (
                "was rejected at the front door ({detail}), so the payer never received it: "
                f"fix what the acknowledgment names and {verb} {facts.original_claim_id} again"
            )
        if refusal is not None:
            detail = (
                state.front_door.detail or ", ".join(state.front_door.codes)
                if state.front_door
                else "no detail"
            )
            problems.append(f"{claim_id} " + refusal.format(detail=detail, verb=verb, done=done))
            continue
        parties = batch_parties(ledger, sent.batch_id) or _parties_from_file(
            ledger, sent.batch_id, profile
        )
        if parties is None:
            problems.append(
                f"{claim_id}: the ledger has no copy of the envelope it was sent with, and its file "
                f"{sent.output_file} is missing or changed; restore that file to {verb} it"
            )
            continue
        mine, theirs = profile.billing_provider, parties.billing_provider
        if (mine.npi, mine.ein) != (theirs.npi, theirs.ein):
            problems.append(
                f"{claim_id} was sent for billing provider NPI {theirs.npi} (tax ID {theirs.ein}); "
                f"the profile {profile.source} bills for NPI {mine.npi} (tax ID {mine.ein}): "
                f"{verb} it with the profile of the provider that sent it"
            )
            continue
        number = numbers.get(claim_id) or recorded_claim_number(ledger, claim_id)
        if not number:
            problems.append(
                f"{claim_id}: the payer's claim number (CLP07 of its 835, or REF*1K of its 277CA) "
                f"is needed for REF*F8 and no recorded answer names it; reconcile the 835 first, "
                f"or pass --payer-claim-number {claim_id}=NUMBER"
            )
            continue
        out.append(Correction(claim, sent.batch_id, parties, number))
    if not problems:
        senders = {(c.parties.interchange, c.parties.billing_provider) for c in out}
        if len(senders) > 1:
            problems.append(
                f"these claims were sent under {len(senders)} different envelopes or billing "
                f"providers: {verb} them in separate runs, one per original batch"
            )
    if problems:
        raise InputError(f"cannot {verb}: " + "; ".join(problems))
    return out


def parse_claim_numbers(values: tuple[str, ...], claim_ids: list[str]) -> dict[str, str]:
    """``CLAIM=NUMBER`` pairs, or a bare NUMBER when one claim is corrected."""
    out: dict[str, str] = {}
    for value in values:
        if "=" in value:
            claim_id, number = value.split("=", 1)
            out[claim_id.strip().upper()] = number.strip()
        elif len(claim_ids) == 1:
            out[claim_ids[0]] = value.strip()
        else:
            raise InputError(
                f"--payer-claim-number {value!r}: write CLAIM_ID=NUMBER when correcting several claims"
            )
    return out
