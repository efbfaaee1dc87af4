"""Rules about the claim as a whole: rates, filing limits, other coverage, BH, the member ID."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from edi837.issues import Severity
from edi837.payer.fee_schedule import Category, UnitBasis
from edi837.rules.engine import Findings, RuleContext
from edi837.rules.registry import rule

S = Severity
_CIN = re.compile(r"^[0-9]{8}[A-Z]$")
_KAISER = re.compile(r"kaiser", re.IGNORECASE)
_DSNP = re.compile(r"\bd[\s-]?snp\b|dual[\s-]+(eligible\s+)?special\s+needs", re.IGNORECASE)


@rule(
    "CS-RATE",
    S.WARN,
    title="A Community Supports line is billed at contract rate x units",
    source="004",
    advice=(
        "Bill the contract rate times the units, or update the rate in the profile's [fee_schedule]"
    ),
    example="hcpcs=T2040, modifiers=U6, units=1, charge=250.00 (the rate is 222.00)",
    quotes=(
        ("004", "Billed amount for CS services should match contract rates"),
        ("004", "A TAR is required for all CS services. Rates shown are standard rates"),
    ),
)
def cs_rate(ctx: RuleContext, found: Findings) -> None:
    for line in ctx.lines:
        entry = line.entry
        if (
            entry is None
            or entry.category is not Category.CS
            or entry.rate is None
            or entry.unit is UnitBasis.AMOUNT
        ):
            continue
        for part in line.parts:
            if part.record.charge is None:
                continue
            expected = (entry.rate * part.units).quantize(Decimal("0.01"))
            if part.charge != expected:
                found.add(
                    "CS-RATE",
                    part,
                    f"{part.code_key} x{part.units} is billed at ${part.charge}; the rate gives ${expected}",
                )


def _age(ctx: RuleContext, day: date) -> int:
    return (ctx.as_of - day).days


@rule(
    "FILING-365",
    S.ERROR,
    title="Dates of service more than 365 days old are denied",
    source="002, 001",
    advice="The payer denies claims filed more than 365 days after the date of service",
    example="service_date=2024-01-05 billed on 2025-02-01",
    quotes=(
        (
            "002",
            "Providers have 365-days from the date of service to submit claims to Partnership for "
            "payment consideration. Claims received after the 365-days from the date of service "
            "will be denied.",
        ),
        (
            "001",
            "Providers have one year (365 days) to submit claims from the date of service (DOS).",
        ),
    ),
    measure=(
        "Days from the line's date of service to the submission date (--as-of, default today); "
        "more than 365 is refused."
    ),
)
def filing_365(ctx: RuleContext, found: Findings) -> None:
    for line in ctx.lines:
        age = _age(ctx, line.service_date)
        if age > 365:
            found.add("FILING-365", line, f"{line.service_date} is {age} days before {ctx.as_of}")


@rule(
    "FILING-30",
    S.WARN,
    title="Claims should go out within 30 days of the date of service",
    source="002, 001",
    advice="Submit within 30 days of service for the quickest payment",
    example="service_date=2025-01-02 billed on 2025-02-15",
    quotes=(
        ("002", "All invoices and claims should be submitted within 30-days of the service date."),
        (
            "001",
            "PHC highly encourages that all ECM providers remit their invoice(s) and/or claims "
            "within 30 days from the service date.",
        ),
    ),
    measure=(
        "Days from the line's date of service to the submission date (--as-of); 31 to 365 warns."
    ),
)
def filing_30(ctx: RuleContext, found: Findings) -> None:
    for line in ctx.lines:
        age = _age(ctx, line.service_date)
        if 30 < age <= 365:
            found.add("FILING-30", line, f"{line.service_date} is {age} days before {ctx.as_of}")


@rule(
    "COVERAGE-KAISER",
    S.ERROR,
    title="A member with Kaiser as primary coverage is billed through Kaiser",
    source="004",
    advice="Coordinate ECM and Community Supports for this member through Kaiser, not this payer",
    example="other_coverage=Kaiser Permanente",
    quotes=(
        (
            "004",
            "If a member has Kaiser as primary, ECM & CS services will be coordinated through "
            "Kaiser, not Partnership.",
        ),
    ),
    measure=(
        "The record's other_coverage names Kaiser: every line of the record, ECM and Community "
        "Supports alike (the seed names both)."
    ),
)
def coverage_kaiser(ctx: RuleContext, found: Findings) -> None:
    _other_coverage(
        ctx, found, "COVERAGE-KAISER", _KAISER, "the member's primary coverage is Kaiser", None
    )


@rule(
    "COVERAGE-DSNP",
    S.ERROR,
    title="A member in a D-SNP gets ECM through that plan",
    source="004",
    advice="Coordinate the member's ECM with their D-SNP; do not bill this payer for ECM "
    "(Community Supports are billed here as usual)",
    example="other_coverage=D-SNP",
    quotes=(
        (
            "004",
            "Members covered by D-SNP receive ECM services through their plan, not Partnership. "
            "Coordinate with the D-SNP for all ECM needs.",
        ),
    ),
    measure="ECM lines only (the fee schedule's ECM category: G9008, G9012, G9007); the seed names "
    "ECM, so Community Supports lines of a D-SNP member are not blocked.",
)
def coverage_dsnp(ctx: RuleContext, found: Findings) -> None:
    _other_coverage(
        ctx, found, "COVERAGE-DSNP", _DSNP, "the member is covered by a D-SNP", Category.ECM
    )


def _other_coverage(
    ctx: RuleContext,
    found: Findings,
    rule_id: str,
    pattern: re.Pattern[str],
    message: str,
    only: Category | None,
) -> None:
    """Each record whose other_coverage names a plan that bills these services instead (all
    services, or only the category ``only``)."""
    for line in ctx.lines:
        if only is not None and line.category is not only:
            continue
        for part in line.parts:
            coverage = part.record.other_coverage
            if coverage and pattern.search(coverage):
                found.add(rule_id, part, message)


def is_behavioral_health(code: str) -> bool:
    """Psychiatric CPT codes (90785-90899), health behavior codes (96156-96171) and the HCPCS
    H-codes for mental health and substance use, except those this payer uses for Community
    Supports (checked by the caller against the fee schedule)."""
    if code.isdigit():
        value = int(code)
        return 90785 <= value <= 90899 or 96156 <= value <= 96171
    return code[0] == "H" and code[1:].isdigit() and 1 <= int(code[1:]) <= 2037


@rule(
    "BH-SEPARATE",
    S.ERROR,
    title="A behavioral-health visit is billed on its own claim, never on the ECM claim",
    source="001",
    advice="Give the behavioral-health code its own category in the profile's [fee_schedule] "
    '(category = "OTHER") so it goes on a separate claim',
    example="hcpcs=90832 with the profile's fee schedule placing 90832 in category ECM",
    quotes=(
        (
            "001",
            "These services must be billed separately to PHC and not appear on the same claim or "
            "invoice.",
        ),
    ),
)
def bh_separate(ctx: RuleContext, found: Findings) -> None:
    for line in ctx.lines:
        if line.category is Category.ECM and is_behavioral_health(line.procedure):
            found.add(
                "BH-SEPARATE",
                line,
                f"{line.procedure} is a behavioral-health code but would go on the ECM claim",
            )


@rule(
    "MEMBER-CIN",
    S.WARN,
    title="The member ID is a Medi-Cal CIN: 8 digits then a letter",
    source="(Medi-Cal convention)",
    advice="Use the member's 9-character Medi-Cal CIN (e.g. 91234567A) as member_id",
    example="member_id=1234567",
)
def member_cin(ctx: RuleContext, found: Findings) -> None:
    seen: set[str] = set()
    for line in sorted(ctx.lines, key=lambda line: line.record.row):
        member = line.member_id
        if member in seen:
            continue
        seen.add(member)
        if not _CIN.match(member):
            found.add("MEMBER-CIN", line, "the member ID is not 8 digits followed by a letter")
