"""Prior authorization: every non-outreach line needs an approved TAR that covers it."""

from __future__ import annotations

from edi837.issues import Location, Severity
from edi837.payer.fee_schedule import Category
from edi837.rules.engine import Findings, RuleContext
from edi837.rules.partnership.common import (
    add_months,
    is_u8,
    month_end,
    months_apart,
    period_end,
)
from edi837.rules.registry import rule
from edi837.rules.tars import Tar, tar_key

S = Severity


def _needs_tar(procedure: str, modifiers: tuple[str, ...]) -> bool:
    return not is_u8(procedure, modifiers)


@rule(
    "TAR-REQUIRED",
    S.ERROR,
    title="Every non-U8 line needs an approved TAR covering its date",
    source="001, 002, 004",
    advice="Put the approved TAR number in tar_number (REF*G1); with --tars, the TAR must be listed "
    "for the member and cover the date of service",
    example="hcpcs=G9008, modifiers=U1, tar_number blank",
    quotes=(
        ("004", "A TAR is required for all CS services."),
        ("001", "Yes. All service codes require a TAR."),
        (
            "001",
            "For provider payment, an approved TAR must be on file before you can be paid the "
            "successful engagement fee and PEPM.",
        ),
        (
            "002",
            "ECM providers can submit electronic or paper claims once there is an approved TAR in "
            "the Partnership system.",
        ),
    ),
    measure=(
        "Every line but U8 outreach (it comes before the member agrees to enroll, and 004 keeps "
        "U8 off TARs). Without --tars, the line must carry a TAR number; with --tars, that TAR "
        "must be the member's and cover the line's dates."
    ),
)
def tar_required(ctx: RuleContext, found: Findings) -> None:
    for line in ctx.lines:
        if not _needs_tar(line.procedure, line.modifiers):
            continue
        number = line.tar_number
        if ctx.tars is None:
            if not number:
                found.add(
                    "TAR-REQUIRED",
                    line,
                    f"{line.code_key} on {line.service_date} has no TAR number",
                )
            continue
        member_tars = ctx.tars.for_member(line.member_id)
        if number:
            tar = ctx.tars.find(line.member_id, number)
            if tar is None:
                found.add(
                    "TAR-REQUIRED", line, f"TAR {number} is not in the TAR list for this member"
                )
            elif not tar.covers(line.service_date, line.last_date):
                found.add(
                    "TAR-REQUIRED",
                    line,
                    f"TAR {number} runs {tar.start}..{tar.end}; it does not cover {line.service_date}"
                    + (f"..{line.end_date}" if line.end_date else ""),
                )
            continue
        covering = [t for t in member_tars if t.covers(line.service_date, line.last_date)]
        key = tar_key(line.procedure, line.modifiers)
        matching = [t for t in covering if key in t.codes]
        if matching:
            found.add(
                "TAR-REQUIRED",
                line,
                f"{line.code_key} on {line.service_date} has no TAR number; TAR {matching[0].tar_number} covers it",
            )
        else:
            found.add(
                "TAR-REQUIRED",
                line,
                f"no approved TAR covers {line.code_key} on {line.service_date}",
            )


@rule(
    "TAR-MATCH",
    S.ERROR,
    title="The billed code and U-modifier are on the approved TAR",
    source="004",
    advice="Bill the code and modifier the TAR approved, or ask for a TAR that covers this service",
    example="G9012 U2 billed under a TAR that approves G9008-U1 only",
    quotes=(
        (
            "004",
            "Providers should verify the codes/modifiers they are billing match an approved TAR.",
        ),
    ),
    measure=(
        "The line's code and U-modifier (GQ and U8 dropped: a TAR approves the service, not the "
        "mode) against the approved_codes of the TAR it names, with --tars."
    ),
)
def tar_match(ctx: RuleContext, found: Findings) -> None:
    if ctx.tars is None:
        return
    for line in ctx.lines:
        if not _needs_tar(line.procedure, line.modifiers) or not line.tar_number:
            continue
        tar = ctx.tars.find(line.member_id, line.tar_number)
        if tar is None or not tar.covers(line.service_date, line.last_date):
            continue  # TAR-REQUIRED says so
        key = tar_key(line.procedure, line.modifiers)
        if key not in tar.codes:
            found.add(
                "TAR-MATCH",
                line,
                f"TAR {tar.tar_number} approves {', '.join(sorted(tar.codes))}, not {key}",
            )


# 004's CS TAR tips: services that go on TARs of their own.
SEPARATE_TARS = (
    (
        "housing transition navigation, housing deposits and housing tenancy and sustaining "
        "services",
        (
            frozenset({"H0043-U6", "H2016-U6"}),
            frozenset({"H0044-U2"}),
            frozenset({"T2040-U6", "T2041-U6"}),
        ),
    ),
    (
        "medically tailored meals and grocery boxes",
        (frozenset({"S5170-U6"}), frozenset({"S9977-U6"})),
    ),
)


@rule(
    "TAR-CONTENTS",
    S.WARN,
    title="A TAR lists no U8 or GQ, and keeps housing services and meals/grocery boxes apart",
    source="004",
    advice="Ask for TARs as the plan wants them: codes with their U-modifier only (no U8 or GQ), "
    "and a TAR of its own for housing navigation, deposits and tenancy, and for meals or grocery "
    "boxes",
    example="TAR list: one TAR approving H0043-U6 and H0044-U2",
    quotes=(
        ("004", "TARs should not include modifiers U8 or GQ"),
        (
            "004",
            "Housing Transition Navigation, housing deposits, and housing tenancy and sustaining "
            "services should not be submitted on the same TAR",
        ),
        (
            "004",
            "Medically tailored meals cannot be requested in combination with grocery box. Request "
            "must be either meals, or grocery box",
        ),
    ),
    measure="Checked on the TAR list given with --tars, one finding per TAR and problem: its "
    "approved_codes as written (a U8 or GQ modifier on any of them), and whether they span two of "
    "the groups 004 keeps apart (navigation H0043-U6/H2016-U6, deposits H0044-U2, tenancy "
    "T2040-U6/T2041-U6; meals S5170-U6, grocery box S9977-U6).",
    scope="tars",
)
def tar_contents(ctx: RuleContext, found: Findings) -> None:
    if ctx.tars is None:
        return
    for tar in ctx.tars.tars:
        where = Location(file=ctx.tars.file, row=tar.row)
        modes = [key for key in tar.listed if {"U8", "GQ"} & set(key.split("-")[1:])]
        if modes:
            found.add(
                "TAR-CONTENTS",
                where,
                f"TAR {tar.tar_number} lists {', '.join(modes)}: TARs do not include U8 or GQ",
            )
        for what, groups in SEPARATE_TARS:
            present = [sorted(group & tar.codes) for group in groups if group & tar.codes]
            if len(present) > 1:
                found.add(
                    "TAR-CONTENTS",
                    where,
                    f"TAR {tar.tar_number} approves {' and '.join(', '.join(p) for p in present)} "
                    f"together: {what} go on separate TARs",
                )


def _family(ctx: RuleContext, tar: Tar) -> str:
    """ECM and Community Supports TARs follow different spans; tell them apart by their codes."""
    for key in tar.codes:
        code = key.split("-")[0]
        for entry in ctx.schedule.for_code(code):
            if entry.category is Category.ECM:
                return "ECM"
    return "CS"


# The Community Supports TARs 004 gives a length: housing transition/navigation and tenancy
# "approved for 180 days (six months)", post-hospitalization "requested for 180 days".
SIX_MONTH_CS = frozenset({"H0043-U6", "H2016-U6", "T2040-U6", "T2041-U6", "H0044-U3"})
TAR_SPAN_MEASURE = (
    "An initial ECM TAR (the member's first ECM TAR in the list) is a one-year period: it may end "
    "on the day before its start date a year later (a TAR from 2028-02-29 may end 2029-02-28). "
    'Any other TAR "for 6 months" (ECM re-authorizations; Community Supports housing '
    "navigation, tenancy and post-hospitalization TARs) may end on the last day of the sixth month "
    "after its start month, as in the seed's examples 6/1/25-12/31/25 and 6/1/26-12/31/26, and a "
    "TAR whose end falls five or six months after its start month should end on a month's last "
    "day. Overlap: two ECM TARs of one member whose dates share a day are duplicates whatever "
    "their codes (002 speaks of the member's ECM TARs); Community Supports TARs for different "
    "services run side by side (004 asks for separate TARs), so two of them overlap only when they "
    "share a code."
)


def _span_problems(tar: Tar, family: str, initial: bool) -> list[str]:
    span = f"({tar.start}..{tar.end})"
    if initial:
        if tar.end > period_end(tar.start, 12):
            return [f"is an initial ECM TAR: it spans more than one year {span}"]
        return []
    six_months = family == "ECM" or bool(tar.codes & SIX_MONTH_CS)
    if six_months and tar.end > month_end(add_months(tar.start, 6)):
        return [
            f"spans more than 6 months {span}: it may end on "
            f"{month_end(add_months(tar.start, 6))} at the latest"
        ]
    if months_apart(tar.start, tar.end) in (5, 6) and tar.end != month_end(tar.end):
        return [f"is a 6-month TAR: it should end on the last day of a month, not {tar.end}"]
    return []


@rule(
    "TAR-SPAN",
    S.WARN,
    title="TAR spans: initial ECM one year, 6-month TARs ending on a month's last day; no "
    "overlapping TARs",
    source="002, 004",
    advice="Correct the TAR dates with the plan before billing (004 gives the lengths); "
    "overlapping TARs are denied as duplicates",
    example="TAR list: initial ECM TAR 2025-01-01..2026-06-30 (18 months)",
    quotes=(
        ("004", "Initial ECM TARs will be approved for one year (12 months)"),
        ("004", "Re-authorizations will be approved for up to six months"),
        (
            "004",
            "When submitting a TAR for 6 months, for the end date use the last day of the month",
        ),
        ("004", "Example: 6/1/25-12/31/25"),
        (
            "004",
            "CS TARs for Housing Transition Navigation, and housing tenancy and sustaining services "
            "will be approved for 180 days (six months)",
        ),
        (
            "004",
            "When submitting a TAR for 6 months, end date the TAR on the last day of the month.",
        ),
        ("004", "Example: 6/1/26-12/31/26"),
        ("002", "TAR dates that overlap are considered as duplicated and denied."),
    ),
    measure=TAR_SPAN_MEASURE,
    scope="tars",
)
def tar_span(ctx: RuleContext, found: Findings) -> None:
    if ctx.tars is None:
        return
    groups: dict[tuple[str, str], list[Tar]] = {}
    for tar in ctx.tars.tars:
        groups.setdefault((tar.member_id, _family(ctx, tar)), []).append(tar)
    for (_member, family), tars in sorted(groups.items()):
        tars.sort(key=lambda t: (t.start, t.row))
        for index, tar in enumerate(tars):
            where = Location(file=ctx.tars.file, row=tar.row)
            problems = _span_problems(tar, family, initial=family == "ECM" and index == 0)
            overlapping = [
                o
                for o in tars[:index]
                if o.end >= tar.start and (family == "ECM" or o.codes & tar.codes)
            ]
            if overlapping:
                problems.append(
                    f"overlaps TAR {overlapping[-1].tar_number} ({overlapping[-1].start}..{overlapping[-1].end})"
                )
            for problem in problems:
                found.add("TAR-SPAN", where, f"TAR {tar.tar_number} {problem}")
