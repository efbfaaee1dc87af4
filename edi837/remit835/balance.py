"""The three 835 balancing rules of the TR3.

- line: SVC02 charge - SVC03 paid = the line's CAS amounts
- claim: CLP03 charge - CLP04 paid = the claim's CAS amounts + every line's CAS amounts
- transaction: BPR02 payment = the sum of CLP04 - the sum of PLB amounts

Each check gives the amount left unaccounted for, or None when the amounts balance or cannot be
checked because a required amount is missing (that is reported where it is read). The decoder
turns an unaccounted amount into a located warning and reads on: an imbalance is for the payer to
explain, not a reason to drop the remittance. The decoder keeps running sums as it reads, so it
calls :func:`unaccounted` directly; the model-level functions serve callers holding the model.
"""

from __future__ import annotations

from decimal import Decimal

from edi837.model.remittance import ClaimPayment, Remittance, RemittanceTotals, ServicePayment


def unaccounted(total: Decimal | None, paid: Decimal | None, adjusted: Decimal) -> Decimal | None:
    """``total - paid - adjusted`` when that is not zero; None when zero or not checkable."""
    if total is None or paid is None:
        return None
    difference = total - paid - adjusted
    return difference or None


def line_difference(line: ServicePayment) -> Decimal | None:
    return unaccounted(line.charge, line.paid, line.adjustment_total)


def claim_difference(claim: ClaimPayment) -> Decimal | None:
    return unaccounted(claim.charge, claim.paid, claim.adjustment_total)


def transaction_difference(header: Remittance, totals: RemittanceTotals) -> Decimal | None:
    """BPR02 (a debit counted negative) against the claims' payments less the PLB amounts."""
    return unaccounted(header.signed_payment_amount, totals.expected_payment, Decimal(0))
