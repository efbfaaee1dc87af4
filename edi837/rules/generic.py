"""Checks any 837P needs, whatever the payer. Not overridable."""

from __future__ import annotations

from datetime import date

from edi837.codes import icd10cm
from edi837.codes.icd10cm import Release
from edi837.issues import Severity
from edi837.rules.engine import Findings, RuleContext
from edi837.rules.registry import Rule, register, rule


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


@rule(
    "IG-837P-ICD10-BILLABLE",
    Severity.ERROR,
    title="Every diagnosis is a billable ICD-10-CM code on the date of service",
    source="HIPAA code sets (45 CFR 162.1002: ICD-10-CM in force on the date of service); TR3 HI01-2",
    advice="Bill a code with no codes under it in that fiscal year's ICD-10-CM (the set changes each October 1)",
    example="diagnosis_codes=Z59.1 for service_date=2026-01-12 (a category since FY2024: bill Z59.10 to Z59.19)",
    pack="generic",
)
def diagnosis_billable(ctx: RuleContext, found: Findings) -> None:
    """Also reports IG-837P-ICD10-UNCHECKED, so the lines are walked once for both."""
    codes = icd10cm.code_set()
    releases: dict[date, Release | None] = {}
    answers: dict[tuple[str, date | str], bool | None] = {}  # a batch repeats a few codes
    for line in ctx.lines:
        asked: set[date | str] = set()
        for day in (line.service_date, line.last_date):  # a span may cross October 1
            if day not in releases:
                releases[day] = codes.release_on(day)
            release = releases[day]
            key: date | str = release.id if release else day
            if key in asked:
                continue
            asked.add(key)
            for code in line.diagnoses:
                if (code, key) not in answers:
                    answers[(code, key)] = codes.is_billable(code, day)
                answer = answers[(code, key)]
                if answer is True:
                    continue
                verdict = codes.check(code, day)
                where = f"diagnosis {icd10cm.dotted(code)} on {day}: {verdict.reason}"
                if answer is False:
                    found.add("IG-837P-ICD10-BILLABLE", line, f"{where}; {verdict.use_instead}")
                else:
                    found.add("IG-837P-ICD10-UNCHECKED", line, where)


# Reported by diagnosis_billable (no check of its own): a code the shipped data cannot settle.
register(
    Rule(
        "IG-837P-ICD10-UNCHECKED",
        Severity.WARN,
        title="A diagnosis the shipped ICD-10-CM data cannot settle for its date of service",
        source="edi837's ICD-10-CM data (docs/code-sets.md): FY2023 and FY2027 are shipped in part",
        advice="Check the code against the CMS ICD-10-CM files for that fiscal year, or update edi837",
        example="diagnosis_codes=Z59.1 for service_date=2023-03-01 (FY2023 is shipped in part)",
        pack="generic",
    )
)
