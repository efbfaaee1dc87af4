"""The provider profile: who sends, who receives, who bills, and the policies that vary by
contract. Loaded from TOML by :mod:`edi837.ingest.profile`; ``edi837 init`` writes a template."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

import attrs

from edi837.model.claims import (
    BillingProvider,
    Claim,
    ClaimBatch,
    Interchange,
    Payer,
    Receiver,
    Submitter,
)
from edi837.model.common import Address, Contact, Usage
from edi837.model.records import DateFormat


class MinuteRounding(StrEnum):
    """How minutes become 15-minute units past the first unit (an attempt under 15 minutes
    always bills 1 unit)."""

    HALF_UP = (
        "round-half-up"  # nearest unit; 8 minutes or more of a unit counts (the "8-minute rule")
    )
    UP = "round-up"  # every started 15 minutes is a unit
    DOWN = "round-down"  # only complete 15 minutes count


class EngagementPolicy(StrEnum):
    """How often the ECM engagement fee (G9012, no modifier) may be billed per member."""

    LIFETIME = "lifetime"  # Partnership billing tips: once per lifetime
    ROLLING_12_MONTHS = "rolling-12-months"  # DHCS FAQ: again after a 12-month gap in ECM


class OutreachCount(StrEnum):
    """What ECM-U8-LIMIT counts against "up to 5 times per rolling 30-day period" (004)."""

    ATTEMPTS = "attempts"  # each outreach record is one time (the seed says times)
    DAYS = "days"  # each day with outreach is one time, whatever the attempts and codes that day
    UNITS = "units"  # each 15-minute unit is one time (the catalogue's earlier reading)


class ShortAttemptScope(StrEnum):
    """Whose records under 15 minutes still bill 1 unit (the FAQ, 001, says it of outreach)."""

    OUTREACH = "outreach"  # U8 outreach attempts (G9008/G9012 with U8)
    ECM = "ECM"  # every ECM 15-minute code (outreach and G9007)
    CS = "CS"  # the Community Supports 15-minute codes (homemaker, personal care, respite)


class DepositCapScope(StrEnum):
    """What the $5,000 housing deposit cap (CS-DEPOSIT-CAP) is counted over."""

    PER_TAR = "per-tar"  # the deposits billed under one TAR ("approved up to $5000")
    PER_MEMBER = "per-member"  # every deposit billed for the member, under any TAR


@attrs.frozen(slots=True)
class InterchangeSettings:
    sender_qualifier: str
    sender_id: str
    receiver_qualifier: str
    receiver_id: str
    gs_sender: str
    gs_receiver: str
    usage: Usage = Usage.TEST
    ack_requested: bool = False
    line_breaks: bool = True


@attrs.frozen(slots=True)
class ClaimSettings:
    place_of_service: str = "11"
    claim_id_prefix: str = "E"
    max_lines_per_claim: int = 50
    max_claims_per_transaction: int = 5000


@attrs.frozen(slots=True)
class Policies:
    minute_rounding: MinuteRounding = MinuteRounding.HALF_UP
    engagement_fee: EngagementPolicy = EngagementPolicy.LIFETIME
    u8_before_enrollment: str = "warn"  # severity of ECM-U8-BEFORE-ENROLL: warn or error
    u8_limit_counts: OutreachCount = OutreachCount.ATTEMPTS
    one_unit_minimum: frozenset[ShortAttemptScope] = frozenset({ShortAttemptScope.OUTREACH})
    deposit_cap: DepositCapScope = DepositCapScope.PER_TAR
    # days without recuperative care that do not end a run of "continuous" care (CS-RECUP-90)
    recuperative_gap_days: int = 0
    # What counts as billed (docs/corrections.md): lines the payer finally denied stop counting
    # toward the monthly and lifetime limits, so the corrected rebill goes through; true keeps
    # them counting (the strict reading some providers prefer).
    denied_lines_count: bool = False


@attrs.frozen(slots=True)
class RecordSettings:
    """How the provider's records export writes things (the profile's ``[records]``)."""

    date_format: DateFormat = DateFormat.ISO


@attrs.frozen(slots=True)
class FeeOverride:
    """A fee schedule entry from the profile: replaces or adds to the payer's defaults."""

    key: str  # CODE or CODE-MOD1-MOD2
    rate: Decimal | None = None
    unit: str | None = None
    category: str | None = None
    description: str | None = None


@attrs.frozen(slots=True)
class Profile:
    source: str  # the file it came from, for messages
    submitter: Submitter
    receiver: Receiver
    billing_provider: BillingProvider
    payer: Payer
    interchange: InterchangeSettings
    claims: ClaimSettings
    fallback_address: Address
    policies: Policies
    fee_overrides: tuple[FeeOverride, ...] = ()
    payer_rules: str = "partnership"
    records: RecordSettings = RecordSettings()


@attrs.frozen(slots=True)
class Parties:
    """Who a batch is from and to, exactly as sent: the envelope settings and every party but
    the members. The ledger keeps a copy per batch, so a void or a replacement repeats what the
    payer received, whatever the profile says today."""

    interchange: InterchangeSettings
    submitter: Submitter
    receiver: Receiver
    billing_provider: BillingProvider
    payer: Payer
    claim_id_prefix: str
    max_claims_per_transaction: int

    @classmethod
    def of(cls, profile: Profile) -> Parties:
        return cls(
            interchange=profile.interchange,
            submitter=profile.submitter,
            receiver=profile.receiver,
            billing_provider=profile.billing_provider,
            payer=profile.payer,
            claim_id_prefix=profile.claims.claim_id_prefix,
            max_claims_per_transaction=profile.claims.max_claims_per_transaction,
        )

    def batch(
        self,
        *,
        isa13: int,
        gs06: int,
        st02s: tuple[int, ...],
        claims: tuple[Claim, ...],
        created: datetime,
    ) -> ClaimBatch:
        """The batch these parties send with these control numbers: the one way a batch is
        put together, whether it is being written or read back from the ledger."""
        ic = self.interchange
        return ClaimBatch(
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
                transaction_numbers=st02s,
                ack_requested=ic.ack_requested,
            ),
            created=created,
            submitter=self.submitter,
            receiver=self.receiver,
            billing_provider=self.billing_provider,
            payer=self.payer,
            claims=claims,
            max_claims_per_transaction=self.max_claims_per_transaction,
        )

    def to_json(self) -> str:
        return json.dumps(attrs.asdict(self), sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> Parties:
        data: dict[str, Any] = json.loads(text)
        ic = dict(data["interchange"])
        ic["usage"] = Usage(ic["usage"])
        submitter = dict(data["submitter"])
        submitter["contact"] = Contact(**submitter["contact"])
        billing = dict(data["billing_provider"])
        billing["address"] = Address(**billing["address"])
        return cls(
            interchange=InterchangeSettings(**ic),
            submitter=Submitter(**submitter),
            receiver=Receiver(**data["receiver"]),
            billing_provider=BillingProvider(**billing),
            payer=Payer(**data["payer"]),
            claim_id_prefix=str(data["claim_id_prefix"]),
            max_claims_per_transaction=int(data["max_claims_per_transaction"]),
        )
