"""SNIP 3, balancing: the amounts of a transaction add up.

An 837P claim's total charge (CLM02) is the sum of its lines' charges (SV102); an 835 balances at
the line, the claim and the transaction (the three rules of its TR3, computed by
:mod:`edi837.remit835.balance`). The 837P checks run in :mod:`edi837.conformance.claims`, the
835's in :mod:`edi837.conformance.remittance`.
"""

from __future__ import annotations

from edi837.conformance.rules import ERROR, WARN, level

SNIP3 = level(
    3,
    "balancing",
    "Amounts that must add up: a claim's total and its lines, a remittance's lines, claims and "
    "payment. pyx12 checks none of these.",
)

# fmt: off
CLAIM_TOTAL = SNIP3.rule("SNIP3-CLM02-TOTAL", ERROR, "CLM02, the claim's total charge, is not the sum of its lines' charges (SV102): correct the total or the lines", ack="IK403:I12")
CLAIM_ZERO = SNIP3.rule("SNIP3-CLM02-ZERO", WARN, "a claim with no charge (CLM02 0): clearinghouses reject zero-charge claims; bill the service's charge", ack="IK403:I12")
REMIT_LINE = SNIP3.rule("SNIP3-835-LINE", ERROR, "an 835 service line does not balance: SVC02 charge - SVC03 paid is not the sum of the line's CAS amounts (ask the payer)", ack="IK403:I12")
REMIT_CLAIM = SNIP3.rule("SNIP3-835-CLAIM", ERROR, "an 835 claim does not balance: CLP03 charge - CLP04 paid is not the sum of its CAS amounts, the lines' included (ask the payer)", ack="IK403:I12")
REMIT_TOTAL = SNIP3.rule("SNIP3-835-TRANSACTION", ERROR, "an 835 does not balance: BPR02 (negative when BPR03 is D) is not the sum of CLP04 less the sum of the PLB adjustments (ask the payer)", ack="IK403:I12")
# fmt: on
