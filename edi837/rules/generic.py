"""Checks any 837P needs, whatever the payer. Not overridable."""

from __future__ import annotations

from edi837.issues import Severity
from edi837.rules.engine import Findings, RuleContext
from edi837.rules.registry import rule


@rule(
    "IG-837P-FUTURE-DATE",
    Severity.ERROR,
    title="No date of service after the submission date",
    source="TR3 (a claim bills services already given)",
    advice="Bill the service once it has been given, or correct the date",
    example="service_date=2025-03-10 billed with --as-of 2025-03-01",
    pack="generic",
)
def future_date(ctx: RuleContext, found: Findings) -> None:
    for line in ctx.lines:
        if line.last_date > ctx.as_of:
            found.add("IG-837P-FUTURE-DATE", line, f"{line.last_date} is after {ctx.as_of}")
