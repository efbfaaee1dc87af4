"""The provider profile: who sends, who receives, who bills, and the policies that vary by
contract. Loaded from TOML by :mod:`edi837.ingest.profile`; ``edi837 init`` writes a template."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

import attrs

from edi837.model.claims import BillingProvider, Payer, Receiver, Submitter
from edi837.model.common import Address, Usage
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
