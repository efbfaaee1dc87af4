"""Prior authorization: every non-outreach line needs an approved TAR that covers it."""

from __future__ import annotations

from edi837.issues import Location, Severity
from edi837.payer.fee_schedule import Category
from edi837.rules.engine import Findings, RuleContext
from edi837.rules.partnership.common import add_months, days, is_u8, month_end
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


def _family(ctx: RuleContext, tar: Tar) -> str:
    """ECM and Community Supports TARs follow different spans; tell them apart by their codes."""
    for key in tar.codes:
        code = key.split("-")[0]
        for entry in ctx.schedule.for_code(code):
            if entry.category is Category.ECM:
                return "ECM"
    return "CS"


@rule(
    "TAR-SPAN",
    S.WARN,
    title="TAR spans: initial ECM 12 months, re-authorizations up to 6 months ending on a month's "
    "last day; no overlapping TARs",
    source="002, 004",
    advice="Correct the TAR dates with the plan before billing: overlapping TARs are denied as duplicates",
    example="TAR list: initial ECM TAR 2025-01-01..2026-06-30 (18 months)",
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
            problems = []
            initial = family == "ECM" and index == 0
            limit = 12 if initial else 6
            if tar.end > add_months(tar.start, limit) - days(1):
                problems.append(f"spans more than {limit} months ({tar.start}..{tar.end})")
            if (
                not initial
                and tar.end != month_end(tar.end)
                and tar.end >= add_months(tar.start, limit) - days(31)
            ):
                problems.append(
                    f"a {limit}-month TAR should end on the last day of a month, not {tar.end}"
                )
            overlapping = [o for o in tars[:index] if o.end >= tar.start and o.codes & tar.codes]
            if overlapping:
                problems.append(
                    f"overlaps TAR {overlapping[-1].tar_number} ({overlapping[-1].start}..{overlapping[-1].end})"
                )
            for problem in problems:
                found.add("TAR-SPAN", where, f"TAR {tar.tar_number} {problem}")
