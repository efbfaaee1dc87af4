"""SNIP 4, situational rules between segments: what one part of a claim says about another.

Diagnosis pointers within the claim's diagnoses, no diagnosis twice, the HL tree consistent
(each level under the right parent, HL04 saying truly whether children follow), a replacement or
void claim naming the claim it replaces (REF*F8), dates in order, and the nine-digit ZIP codes
the 837P TR3 requires for the billing provider and the service facility. The checks run in
:mod:`edi837.conformance.claims`.
"""

from __future__ import annotations

from edi837.conformance.rules import ERROR, level

SNIP4 = level(
    4,
    "situational rules",
    "Rules between segments of one claim that the TR3 states in its notes: pointers, "
    "duplicates, the HL tree, references a replacement needs, dates in order, ZIP+4. pyx12 "
    "checks none of these.",
)

# fmt: off
POINTER = SNIP4.rule("SNIP4-DX-POINTER", ERROR, "a diagnosis pointer (SV107) that is not 1 to the number of diagnosis codes the claim's HI carries: point at a diagnosis the claim has", ack="IK403:I12")
DUPLICATE_DIAGNOSIS = SNIP4.rule("SNIP4-DX-DUPLICATE", ERROR, "a diagnosis code given twice on one claim: list each once", ack="IK403:I12")
HL_LEVEL = SNIP4.rule("SNIP4-HL-LEVEL", ERROR, "an HL under the wrong kind of parent (a subscriber, 22, under a billing provider, 20; a patient, 23, under a subscriber)", ack="IK403:I12")
HL_CHILD = SNIP4.rule("SNIP4-HL-CHILD", ERROR, "HL04 says wrongly whether child HLs follow (1: they do, 0: none)", ack="IK403:I12")
FREQUENCY_REF = SNIP4.rule("SNIP4-FREQUENCY-REF", ERROR, "a replacement (CLM05-3 7) or void (8) claim without REF*F8, the payer's number of the claim it replaces", ack="IK304:I6")
SPAN_ORDER = SNIP4.rule("SNIP4-SPAN-ORDER", ERROR, "a date span (RD8) that ends before it begins", ack="IK403:8")
SERVICE_FUTURE = SNIP4.rule("SNIP4-SERVICE-FUTURE", ERROR, "a service date after the date the file was created (BHT04): bill services once they are given", ack="IK403:8")
BIRTH_AFTER_SERVICE = SNIP4.rule("SNIP4-BIRTH-AFTER-SERVICE", ERROR, "the patient's birth date (DMG02) is after a date of service on the claim", ack="IK403:8")
ZIP4 = SNIP4.rule("SNIP4-ZIP4", ERROR, "a billing provider (2010AA) or service facility (2310C, 2420C) ZIP code that is not the nine digits (ZIP+4) the TR3 requires there", ack="IK403:I12")
# fmt: on
