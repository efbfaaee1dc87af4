"""SNIP 5, external code sets: codes that must exist in the list a body outside X12 keeps.

ICD-10-CM diagnoses billable (a leaf of the classification) for the date of service, from the
releases shipped in segments/codes/ (:mod:`edi837.codes.icd10cm`, docs/code-sets.md); CMS place of
service codes (:mod:`edi837.codes.pos`); and the shapes of the codes whose lists are licensed or
too large to ship (HCPCS and CPT procedure codes, modifiers, NUCC taxonomy codes), and NPI check
digits (:mod:`edi837.model.identifiers`). The checks run in :mod:`edi837.conformance.claims`.
"""

from __future__ import annotations

from edi837.conformance.rules import ERROR, WARN, level

SNIP5 = level(
    5,
    "external code sets",
    "Codes checked against the code sets outside X12: ICD-10-CM for the date of service, places "
    "of service, HCPCS and taxonomy shapes, NPI check digits, claim frequency codes. pyx12 checks "
    "none of these.",
)

# fmt: off
ICD10_BILLABLE = SNIP5.rule("SNIP5-ICD10-BILLABLE", ERROR, "a diagnosis code that is not a billable ICD-10-CM code on the date of service (a category header, retired, not yet valid, or no code at all)", ack="IK403:7")
ICD10_UNCHECKED = SNIP5.rule("SNIP5-ICD10-UNCHECKED", WARN, "a diagnosis code that could not be checked: its date of service is outside the ICD-10-CM releases edi837 ships, or the release is shipped in part", ack="IK403:7")
HCPCS = SNIP5.rule("SNIP5-HCPCS", ERROR, "a procedure code (SV101-2, qualifier HC) that is not shaped like a HCPCS or CPT code, or a modifier that is not two letters or digits", ack="IK403:7")
PLACE_OF_SERVICE = SNIP5.rule("SNIP5-POS", ERROR, "a place of service (CLM05-1, SV105) that CMS had not yet created on the date of service (a code CMS never assigned is a SNIP 2 code finding)", ack="IK403:7")
TAXONOMY = SNIP5.rule("SNIP5-TAXONOMY", ERROR, "a provider taxonomy code (PRV03) not shaped like a NUCC code (3 digits, 6 letters or digits, X)", ack="IK403:I12")
NPI = SNIP5.rule("SNIP5-NPI", ERROR, "an NPI (NM109 with NM108 XX) whose check digit is wrong, or that is not 10 digits", ack="IK403:I12")
FREQUENCY = SNIP5.rule("SNIP5-FREQUENCY", ERROR, "a claim frequency code (CLM05-3) that is not one a professional claim uses: 1 original, 7 replacement, 8 void", ack="IK403:7")
# fmt: on
