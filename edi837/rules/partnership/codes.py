"""Rules about one line at a time: code and modifiers, PMPM shape, enrollment dates, GQ, G9007."""

from __future__ import annotations

from decimal import Decimal

from edi837.issues import Severity
from edi837.payer.fee_schedule import UnitBasis
from edi837.rules.engine import Findings, RuleContext
from edi837.rules.partnership.common import ECM_CODES, is_ecm_pmpm, is_engagement, is_u8
from edi837.rules.registry import rule

S = Severity


@rule(
    "ECM-CODE",
    S.ERROR,
    title="Code and modifiers must be a combination the fee schedule knows",
    source="000, 004",
    advice="Use a code + modifier combination of the fee schedule (docs/fee-schedule.md), or add "
    "the contract's code to the profile's [fee_schedule]",
    example="hcpcs=G9008, modifiers=U2 (G9008 takes U1 or U8; U2 belongs to G9012)",
    quotes=(
        ("000", "G9008: Clinical G9012: Non-clinical"),
        ("000", "U1: ECM clinical 2 U2: ECM non-clinical U8: Pre-enrollment outreach"),
        ("004", "G9007 no modifier"),
    ),
    measure=(
        "The line's code and its set of modifiers (in any order) against the fee schedule, the "
        "profile's [fee_schedule] included. An unknown set is ECM-CODE whatever the charge says: "
        "with a blank charge nothing can price it, and asking for a charge would send the user to "
        "the wrong fix."
    ),
)
def ecm_code(ctx: RuleContext, found: Findings) -> None:
    for line in ctx.lines:
        if line.entry is not None:
            continue
        record = line.record
        given = " ".join(record.modifiers) or "no modifier"
        known = ctx.schedule.for_code(record.hcpcs)
        if known:
            options = "; ".join(" ".join(e.modifiers) or "no modifier" for e in known)
            message = f"{record.hcpcs} with {given} is not billable: {record.hcpcs} takes {options}"
        else:
            message = f"{record.hcpcs} ({given}) is not in the fee schedule"
        if any(part.record.charge is None for part in line.parts):
            message += " (and with a blank charge, nothing prices it: it would bill $0.00)"
        found.add("ECM-CODE", line, message)


@rule(
    "ECM-PMPM-SPAN",
    S.ERROR,
    title="PMPM codes carry one service date, never a span",
    source="004",
    advice="Give the PMPM line a single service_date and leave service_end_date blank",
    example="hcpcs=G9008, modifiers=U1, service_date=2025-01-01, service_end_date=2025-01-31",
    quotes=(
        ("004", "Do not bill a date span when submitting the above services."),
        ("004", "For PMPM (per member, per month) codes, do not bill with a date span"),
    ),
)
def pmpm_span(ctx: RuleContext, found: Findings) -> None:
    for line in ctx.lines:
        for part in line.parts:
            record = part.record
            if (
                part.entry is not None
                and part.entry.pmpm
                and record.service_end_date not in (None, record.service_date)
            ):
                found.add(
                    "ECM-PMPM-SPAN",
                    part,
                    f"{part.code_key} is billed per member per month: the date span "
                    f"{record.service_date}..{record.service_end_date} will be denied",
                )


@rule(
    "ECM-PMPM-UNITS",
    S.ERROR,
    title="A PMPM line is exactly 1 unit",
    source="004",
    advice="Bill 1 unit on the PMPM line (one per member per month)",
    example="hcpcs=G9012, modifiers=U2, units=2",
    quotes=(("004", "G9008-U1 X 1 unit = $400"), ("004", "G9012-U2 X 1 unit = $400")),
)
def pmpm_units(ctx: RuleContext, found: Findings) -> None:
    for line in ctx.lines:
        if line.entry is not None and line.entry.pmpm and line.units != 1:
            culprit = line.parts[1] if len(line.parts) > 1 else line.parts[0]
            found.add(
                "ECM-PMPM-UNITS",
                culprit,
                f"{line.code_key} on {line.service_date} comes to {line.units} units",
            )


@rule(
    "ECM-ENROLL-U1U2",
    S.ERROR,
    title="U1/U2 services and the engagement fee are dated on or after the ECM enrollment date",
    source="000, 001",
    advice="Check the service date and the member's enrollment_date; bill pre-enrollment contact "
    "as U8 outreach, and the engagement fee once the member agrees to enroll",
    example="hcpcs=G9008, modifiers=U1, service_date=2025-01-05, enrollment_date=2025-01-10",
    quotes=(
        ("000", "Service start date for U1 and U2 must be on the same day as, or after enrollment"),
        (
            "001",
            "Successful engagement is defined as a member agreeing to enroll in ECM, signing the "
            "Release of Information (ROI) for ECM services, and starting the care plan to address "
            "the member's needs.",
        ),
    ),
    measure="The line's service date against the record's enrollment_date (no enrollment date: "
    "not checked). The engagement fee (G9012, no modifier) pays for the member agreeing to "
    "enroll, so it cannot come before the enrollment date either; before this it was caught only "
    "through TAR dates.",
)
def enroll_u1u2(ctx: RuleContext, found: Findings) -> None:
    for line in ctx.lines:
        record = line.record
        if record.enrollment_date is None or not (
            is_ecm_pmpm(line.procedure, line.modifiers)
            or is_engagement(line.procedure, line.modifiers)
        ):
            continue
        if line.service_date < record.enrollment_date:
            found.add(
                "ECM-ENROLL-U1U2",
                line,
                f"{line.code_key} on {line.service_date} is before the enrollment date {record.enrollment_date}",
            )


@rule(
    "ECM-U8-BEFORE-ENROLL",
    S.WARN,
    title="U8 outreach is dated before the enrollment date",
    source="004 vs 000, 001",
    advice="Partnership pays outreach only before enrollment (DHCS allows it on or after); check the "
    "date, or set [policies] u8_before_enrollment",
    example="hcpcs=G9012, modifiers=U8, service_date=2025-01-12, enrollment_date=2025-01-10",
    configurable='[policies] u8_before_enrollment = "warn" (default) or "error"',
    severity_setting="u8_before_enrollment",
    quotes=(
        ("004", "This must occur prior to the date of ECM enrollment."),
        ("000", "Service start date for U8 must be prior to, the same day as, or after enrollment"),
        ("001", "The ECM provider should also bill the applicable outreach attempt HCPCS."),
    ),
    measure=(
        "The U8 line's date against the record's enrollment_date: on or after it is flagged. "
        "Partnership's billing tips (004) say outreach comes before enrollment; the DHCS coding "
        "table (000) allows any date, and the FAQ (001) bills outreach attempts for enrolled "
        "members too, so the finding is a warning unless the profile makes it an error."
    ),
)
def u8_before_enroll(ctx: RuleContext, found: Findings) -> None:
    for line in ctx.lines:
        record = line.record
        enrolled = record.enrollment_date
        if (
            is_u8(line.procedure, line.modifiers)
            and enrolled is not None
            and line.service_date >= enrolled
        ):
            found.add(
                "ECM-U8-BEFORE-ENROLL",
                line,
                f"outreach {line.code_key} on {line.service_date} is not before the enrollment date {enrolled}",
            )


@rule(
    "ECM-U8-PER-DAY",
    S.INFO,
    title="One member, one day, one code: one line with the units added up",
    source="001",
    advice="Nothing to do: the generator bills the total units per day, as the payer asks",
    example="two rows: member 91234567A, 2025-01-06, G9012 U8 GQ, 5 and 10 minutes",
    kind="generator",
    quotes=(
        (
            "001",
            "All outreach attempts need to be submitted on claims. Submit the total units per day "
            "with corresponding code/modifier.",
        ),
    ),
)
def u8_per_day(ctx: RuleContext, found: Findings) -> None:
    for line in ctx.lines:
        if len(line.parts) < 2:
            continue
        first = line.parts[0].record.row
        for part in line.parts[1:]:
            found.add(
                "ECM-U8-PER-DAY",
                part,
                f"{line.code_key} on {line.service_date} is billed on one line with row {first} "
                f"({line.units} units in all)",
            )


@rule(
    "ECM-MIN-UNIT",
    S.WARN,
    title="15-minute units: units and minutes must agree",
    source="001, 004",
    advice="Fill either minutes or units, or make them agree; the units column is what is billed",
    example="hcpcs=S5130, modifiers=U6, minutes=40, units=1 (40 minutes are 3 units)",
    kind="generator",
    configurable='[policies] minute_rounding = "round-half-up" (default), "round-up" or '
    '"round-down"; one_unit_minimum = ["outreach"] (default; add "ECM" or "CS" to extend it, [] '
    "for none)",
    quotes=(
        (
            "001",
            "Yes, you will need to bill using units per DHCS mandate. 1 unit is 15 minutes.",
        ),
        (
            "001",
            "Yes, you will count all attempts made which includes failed calls or unsuccessful "
            "outreach. The ECM provider may bill 1 unit even if it is less than 15 minutes.",
        ),
        ("004", "For the following codes, units should be billed in increments of 15 minutes."),
    ),
    measure="Minutes become units at 15 minutes a unit, longer times rounding by minute_rounding. "
    "Under 15 minutes: the FAQ answers a question about failed outreach calls, so by default only "
    "U8 outreach bills 1 unit for a shorter attempt; other 15-minute codes (G9007, homemaker, "
    "personal care, respite) round like any other time, and a record that makes no unit (5 "
    "minutes under round-half-up) is an input error: leave it out or fill units.",
)
def minute_units(ctx: RuleContext, found: Findings) -> None:
    policy = ctx.policies.minute_rounding.value
    for line in ctx.lines:
        for part in line.parts:
            if part.entry is None or part.entry.unit is not UnitBasis.MINUTES_15:
                continue
            record = part.record
            if (
                record.units is not None
                and part.minutes_units is not None
                and record.units != part.minutes_units
            ):
                found.add(
                    "ECM-MIN-UNIT",
                    part,
                    f"units {record.units} but {record.minutes} minutes make {part.minutes_units} "
                    f"unit(s) under {policy}",
                )


@rule(
    "ECM-MDT-CHARGE",
    S.ERROR,
    title="G9007 is billed at $0.01 per 15-minute unit",
    source="004",
    advice="Bill G9007 (informational, not paid) at $0.01 per unit: 4 units = $0.04",
    example="hcpcs=G9007, minutes=60, charge=40.00",
    quotes=(
        (
            "004",
            "The services are not reimbursable. Providers must bill a charge amount for these "
            "services, billed in increments of 15 minutes.",
        ),
        ("004", "G9007 x 4 units = $0.04"),
    ),
)
def mdt_charge(ctx: RuleContext, found: Findings) -> None:
    for line in ctx.lines:
        if line.procedure != "G9007" or line.entry is None:
            continue  # G9007 with a modifier is ECM-CODE's
        for part in line.parts:
            expected = (Decimal("0.01") * part.units).quantize(Decimal("0.01"))
            if part.charge != expected:
                found.add(
                    "ECM-MDT-CHARGE",
                    part,
                    f"G9007 for {part.units} unit(s) is ${expected}, not ${part.charge}",
                )


@rule(
    "ECM-GQ-NOT-PRESENT",
    S.WARN,
    title="Member not present (unsuccessful outreach): the line carries GQ",
    source="000, 004",
    advice="Add the GQ modifier when the member was not present or the contact was by telehealth",
    example="hcpcs=G9008, modifiers=U8, member_present=N",
    quotes=(
        (
            "000",
            "If member is not present (in other words, unsuccessful outreach or care team "
            "meeting), code as GQ",
        ),
        ("004", "G9007 no modifier"),
    ),
    measure=(
        "U1, U2 and U8 lines of a record with member_present = N. G9007 (the care team meeting) "
        "is not asked for GQ: 004 bills it with no modifier, against 000's \"care team meeting, "
        'code as GQ" (docs/decisions/0003).'
    ),
)
def gq_not_present(ctx: RuleContext, found: Findings) -> None:
    for line in ctx.lines:
        if line.procedure not in ECM_CODES or not ({"U1", "U2", "U8"} & set(line.modifiers)):
            continue
        if "GQ" in line.modifiers:
            continue
        for part in line.parts:
            if part.record.member_present is False:
                found.add(
                    "ECM-GQ-NOT-PRESENT",
                    part,
                    f"{line.code_key} on {line.service_date}: member not present, no GQ",
                )
