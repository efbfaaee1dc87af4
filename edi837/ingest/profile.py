"""Load and check the provider profile (TOML). Every problem is listed at once, by key: the
tables and keys edi837 does not read first (with "did you mean", see
:mod:`edi837.ingest.profile_keys`), then each value that is missing or malformed."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from edi837 import phi
from edi837.errors import ConfigError
from edi837.ingest import limits, money
from edi837.ingest.profile_keys import unknown_keys
from edi837.model.claims import BillingProvider, Payer, Receiver, Submitter
from edi837.model.common import Address, Contact, Usage
from edi837.model.identifiers import (
    npi_is_valid,
    place_of_service_is_valid,
    state_is_valid,
    taxonomy_is_valid,
    zip_is_valid,
)
from edi837.model.profile import (
    ClaimSettings,
    DepositCapScope,
    EngagementPolicy,
    FeeOverride,
    InterchangeSettings,
    MinuteRounding,
    OutreachCount,
    Policies,
    Profile,
    RecordSettings,
    ShortAttemptScope,
)
from edi837.model.records import DateFormat
from edi837.x12.datatypes import ALLOWED_TEXT, clean_text

ISA_QUALIFIERS = {"01", "14", "20", "27", "28", "29", "30", "33", "ZZ"}
UNIT_BASES = {"month", "each", "15min", "day", "stay", "unit", "week", "meal", "amount"}
PLACEHOLDER = "REPLACE"


class _Reader:
    """Typed access to the TOML tables that remembers every problem with its key."""

    def __init__(self, data: dict[str, Any], source: str) -> None:
        self.data = data
        self.source = source
        # unknown tables and keys come first; what they most likely misspell is not also
        # reported missing (one mistake, one message)
        self.problems, self.misspelled = unknown_keys(data)

    def table(self, name: str, *, required: bool = True) -> dict[str, Any]:
        value = self.data.get(name)
        if value is None:
            if required and (name, "") not in self.misspelled:
                self.problems.append(f"[{name}] is missing")
            return {}
        if not isinstance(value, dict):
            self.problems.append(f"[{name}] must be a table")
            return {}
        return value

    def text(
        self,
        table: str,
        body: dict[str, Any],
        key: str,
        *,
        required: bool = True,
        default: str = "",
    ) -> str:
        value = body.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required and not self._lost(table, key):
                self.problems.append(f"[{table}] {key} is missing")
            return default
        if not isinstance(value, str | int):
            self.problems.append(f"[{table}] {key} must be text")
            return default
        text = str(value).strip()
        if PLACEHOLDER in text.upper():
            self.problems.append(
                f"[{table}] {key} still holds the template placeholder {phi.quoted(text)}"
            )
            return default  # one problem per key: its format is not checked as well
        return text

    def _lost(self, table: str, key: str) -> bool:
        """The key's absence is already explained: its table is missing (said once) or
        misspelled, or the key itself is."""
        return (
            table not in self.data
            or (table, "") in self.misspelled
            or (table, key) in self.misspelled
        )

    def problem(self, table: str, key: str, message: str) -> None:
        self.problems.append(f"[{table}] {key}: {message}")


def load_profile(path: Path) -> Profile:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read the profile {path}: {exc.strerror or exc}") from None
    try:
        data = tomllib.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ConfigError(f"{path} is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from None
    except RecursionError:
        raise ConfigError(f"{path} nests arrays or tables too deeply to be a profile") from None
    return parse_profile(data, str(path))


def _name(reader: _Reader, table: str, body: dict[str, Any], key: str, limit: int) -> str:
    value = clean_text(reader.text(table, body, key))
    if len(value) > limit:
        reader.problem(table, key, f"at most {limit} characters ({len(value)} given)")
    return value


def _address(reader: _Reader, table: str, body: dict[str, Any], *, zip9: bool) -> Address:
    line1 = _name(reader, table, body, "address1", limits.ADDRESS_LINE)
    line2 = clean_text(reader.text(table, body, "address2", required=False))
    city = _name(reader, table, body, "city", limits.CITY)
    state = reader.text(table, body, "state").upper()
    zip_code = reader.text(table, body, "zip").replace("-", "").replace(" ", "")
    if state and not state_is_valid(state):
        reader.problem(table, "state", f"{phi.quoted(state)} is not a two-letter state code")
    if zip_code and not zip_is_valid(zip_code):
        reader.problem(table, "zip", f"{phi.quoted(zip_code)} is not a 5- or 9-digit ZIP code")
    elif zip9 and zip_code and len(zip_code) != 9:
        reader.problem(
            table, "zip", "the billing provider's ZIP must have 9 digits (ZIP+4) in a 5010 claim"
        )
    if zip9 and "PO BOX" in line1.replace(".", "").upper():
        reader.problem(
            table, "address1", "the billing provider address must be a street address, not a PO box"
        )
    return Address(line1=line1, line2=line2, city=city, state=state, zip=zip_code)


def _isa_id(
    reader: _Reader,
    table: str,
    body: dict[str, Any],
    key: str,
    default: str = "",
    *,
    required: bool = True,
) -> str:
    value = reader.text(table, body, key, required=required and not default, default=default)
    if len(value) > limits.ISA_ID:
        reader.problem(table, key, f"at most {limits.ISA_ID} characters ({len(value)} given)")
    if any(ch not in ALLOWED_TEXT for ch in value):
        reader.problem(table, key, f"{phi.quoted(value)} holds characters an X12 ID cannot carry")
    return value


def parse_profile(data: dict[str, Any], source: str) -> Profile:
    r = _Reader(data, source)

    sub = r.table("submitter")
    submitter = Submitter(
        name=_name(r, "submitter", sub, "name", limits.LAST_NAME),
        id=r.text("submitter", sub, "id"),
        contact=Contact(
            name=clean_text(r.text("submitter", sub, "contact_name", required=False)),
            phone="".join(
                ch for ch in r.text("submitter", sub, "phone", required=False) if ch.isdigit()
            ),
            email=r.text("submitter", sub, "email", required=False),
        ),
    )
    if sub and not submitter.contact.phone and not submitter.contact.email:
        r.problem(
            "submitter", "phone", "give a phone or an email for the submitter contact (1000A PER)"
        )
    if submitter.contact.phone and len(submitter.contact.phone) != 10:
        r.problem("submitter", "phone", "a phone number has 10 digits")

    rec = r.table("receiver")
    receiver = Receiver(
        name=_name(r, "receiver", rec, "name", limits.LAST_NAME), id=r.text("receiver", rec, "id")
    )

    bp = r.table("billing_provider")
    npi = r.text("billing_provider", bp, "npi")
    if npi and not npi_is_valid(npi):
        r.problem(
            "billing_provider",
            "npi",
            f"{phi.quoted(npi)} is not a valid NPI (10 digits, check digit)",
        )
    ein = r.text("billing_provider", bp, "ein").replace("-", "")
    if ein and (len(ein) != 9 or not ein.isdigit()):
        r.problem("billing_provider", "ein", "an EIN has 9 digits")
    taxonomy = r.text("billing_provider", bp, "taxonomy").upper()
    if taxonomy and not taxonomy_is_valid(taxonomy):
        r.problem(
            "billing_provider",
            "taxonomy",
            f"{phi.quoted(taxonomy)} is not a provider taxonomy code (10 characters ending in X)",
        )
    billing = BillingProvider(
        name=_name(r, "billing_provider", bp, "name", limits.LAST_NAME),
        npi=npi,
        ein=ein,
        taxonomy=taxonomy,
        address=_address(r, "billing_provider", bp, zip9=True),
    )

    pay = r.table("payer")
    payer = Payer(
        name=_name(r, "payer", pay, "name", limits.LAST_NAME), id=r.text("payer", pay, "id")
    )

    ic = r.table("interchange")
    sender_id = _isa_id(r, "interchange", ic, "sender_id", default=submitter.id)
    receiver_id = _isa_id(r, "interchange", ic, "receiver_id", default=receiver.id)
    sender_q = r.text("interchange", ic, "sender_qualifier", required=False, default="ZZ")
    receiver_q = r.text("interchange", ic, "receiver_qualifier", required=False, default="ZZ")
    for key, qualifier in (("sender_qualifier", sender_q), ("receiver_qualifier", receiver_q)):
        if qualifier not in ISA_QUALIFIERS:
            r.problem(
                "interchange",
                key,
                f"{phi.quoted(qualifier)} is not an ISA ID qualifier ({', '.join(sorted(ISA_QUALIFIERS))})",
            )
    usage_text = r.text("interchange", ic, "usage", required=False, default="T").upper()
    if usage_text not in ("T", "P"):
        r.problem("interchange", "usage", "T (test) or P (production)")
        usage_text = "T"
    interchange = InterchangeSettings(
        sender_qualifier=sender_q,
        sender_id=sender_id,
        receiver_qualifier=receiver_q,
        receiver_id=receiver_id,
        gs_sender=_isa_id(r, "interchange", ic, "gs_sender", default=sender_id, required=False),
        gs_receiver=_isa_id(
            r, "interchange", ic, "gs_receiver", default=receiver_id, required=False
        ),
        usage=Usage(usage_text),
        ack_requested=_flag(r, "interchange", ic, "ack_requested", False),
        line_breaks=_flag(r, "interchange", ic, "line_breaks", True),
    )

    cl = r.table("claims", required=False)
    pos = r.text("claims", cl, "place_of_service", required=False, default="11")
    if not place_of_service_is_valid(pos):
        r.problem(
            "claims",
            "place_of_service",
            f"{phi.quoted(pos)} is not a two-digit place of service code",
        )
    prefix = r.text("claims", cl, "claim_id_prefix", required=False, default="E").upper()
    if not prefix.isalnum() or len(prefix) > 4:
        r.problem(
            "claims",
            "claim_id_prefix",
            "1 to 4 letters or digits (claim IDs stay within 20 characters)",
        )
    claims = ClaimSettings(
        place_of_service=pos,
        claim_id_prefix=prefix,
        max_lines_per_claim=_bounded(r, "claims", cl, "max_lines_per_claim", 50, 1, 50),
        max_claims_per_transaction=_bounded(
            r, "claims", cl, "max_claims_per_transaction", 5000, 1, 5000
        ),
    )

    fb = r.table("fallback_address", required=False)
    fallback = _address(r, "fallback_address", fb, zip9=False) if fb else billing.address

    po = r.table("policies", required=False)
    policies = Policies(
        minute_rounding=_choice(
            r, "policies", po, "minute_rounding", MinuteRounding, MinuteRounding.HALF_UP
        ),
        engagement_fee=_choice(
            r, "policies", po, "engagement_fee", EngagementPolicy, EngagementPolicy.LIFETIME
        ),
        u8_before_enrollment=_severity(r, po),
        u8_limit_counts=_choice(
            r, "policies", po, "u8_limit_counts", OutreachCount, OutreachCount.ATTEMPTS
        ),
        one_unit_minimum=_short_attempt_scopes(r, po),
        deposit_cap=_choice(
            r, "policies", po, "deposit_cap", DepositCapScope, DepositCapScope.PER_TAR
        ),
        recuperative_gap_days=_bounded(r, "policies", po, "recuperative_gap_days", 0, 0, 30),
        denied_lines_count=_flag(r, "policies", po, "denied_lines_count", False),
    )

    records = RecordSettings(date_format=_date_format(r, r.table("records", required=False)))
    overrides = _fee_overrides(r, r.table("fee_schedule", required=False))
    if r.problems:
        listing = "\n".join(f"  - {p}" for p in r.problems)
        raise ConfigError(
            f"the profile {source} has {len(r.problems)} problem(s):\n{listing}",
            hint="`edi837 init PATH` writes a commented template",
        )
    return Profile(
        source=source,
        submitter=submitter,
        receiver=receiver,
        billing_provider=billing,
        payer=payer,
        interchange=interchange,
        claims=claims,
        fallback_address=fallback,
        policies=policies,
        fee_overrides=overrides,
        records=records,
    )


def _flag(r: _Reader, table: str, body: dict[str, Any], key: str, default: bool) -> bool:
    value = body.get(key, default)
    if not isinstance(value, bool):
        r.problem(table, key, "true or false")
        return default
    return value


def _bounded(
    r: _Reader, table: str, body: dict[str, Any], key: str, default: int, low: int, high: int
) -> int:
    value = body.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        r.problem(table, key, f"a whole number from {low} to {high}")
        return default
    return value


def _choice(r: _Reader, table: str, body: dict[str, Any], key: str, enum: Any, default: Any) -> Any:
    value = body.get(key)
    if value is None:
        return default
    try:
        return enum(value)
    except ValueError:
        r.problem(table, key, f"one of {', '.join(m.value for m in enum)}")
        return default


def _severity(r: _Reader, body: dict[str, Any]) -> str:
    value = body.get("u8_before_enrollment", "warn")
    if value not in ("warn", "error"):
        r.problem("policies", "u8_before_enrollment", "warn or error")
        return "warn"
    return str(value)


def _date_format(r: _Reader, body: dict[str, Any]) -> DateFormat:
    text = r.text("records", body, "date_format", required=False)
    if not text:
        return DateFormat.ISO
    fmt = DateFormat.named(text)
    if fmt is None:
        r.problem("records", "date_format", f"one of {', '.join(f.value for f in DateFormat)}")
        return DateFormat.ISO
    return fmt


def _short_attempt_scopes(r: _Reader, body: dict[str, Any]) -> frozenset[ShortAttemptScope]:
    """[policies] one_unit_minimum: a list of outreach, ECM, CS (any case)."""
    default = frozenset({ShortAttemptScope.OUTREACH})
    value = body.get("one_unit_minimum")
    if value is None:
        return default
    by_name = {scope.value.lower(): scope for scope in ShortAttemptScope}
    if not isinstance(value, list) or not all(
        isinstance(v, str) and v.lower() in by_name for v in value
    ):
        r.problem(
            "policies",
            "one_unit_minimum",
            'a list of "outreach", "ECM" and "CS" (e.g. ["outreach"]), or [] for none',
        )
        return default
    return frozenset(by_name[v.lower()] for v in value)


def _fee_overrides(r: _Reader, table: dict[str, Any]) -> tuple[FeeOverride, ...]:
    out = []
    for key, body in table.items():
        where = f"fee_schedule.{phi.quoted(key)}"
        if not isinstance(body, dict):
            r.problems.append(f'[{where}] must be a table such as {{ rate = "400.00" }}')
            continue
        rate = None
        if "rate" in body:
            given = body["rate"]
            if isinstance(given, float):
                r.problems.append(
                    f'[{where}] write the rate as a string ("400.00"): TOML floats are not exact'
                )
            elif isinstance(given, str | int) and not isinstance(given, bool):
                rate, problem = money.amount("rate", str(given))
                if problem:
                    r.problems.append(f"[{where}] {problem}")
            else:
                r.problems.append(f'[{where}] rate must be an amount such as "400.00"')
        unit = body.get("unit")
        if unit is not None and (not isinstance(unit, str) or unit not in UNIT_BASES):
            r.problems.append(f"[{where}] unit must be one of {', '.join(sorted(UNIT_BASES))}")
            unit = None
        category = body.get("category")
        if category is not None and str(category).upper() not in ("ECM", "CS", "OTHER"):
            r.problems.append(f"[{where}] category must be ECM, CS or OTHER")
            category = None
        description = body.get("description")
        if description is not None and not isinstance(description, str):
            r.problems.append(f"[{where}] description must be text")
            description = None
        out.append(
            FeeOverride(
                key=str(key).upper(),
                rate=rate,
                unit=unit,
                category=category,
                description=description,
            )
        )
    return tuple(out)
