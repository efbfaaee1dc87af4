"""The 835's own checks: its three balances (SNIP 3), through the engine.

The sums are the TR3's, computed as the 835 reader computes them (:func:`edi837.remit835.balance.
unaccounted`): a line's charge less its payment is its adjustments; a claim's charge less its
payment is its adjustments and its lines'; the payment (BPR02, negative for a debit) is the
claims' payments less the provider-level adjustments. A line is checked when the next line or
claim begins, a claim when the next claim begins, the transaction at its SE. An amount that is
not a number is already a SNIP 1 finding: a balance that needs it is not checked.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import attrs

from edi837.conformance import snip3
from edi837.conformance.context import Context, Where
from edi837.remit835.balance import unaccounted
from edi837.x12.datatypes import R
from edi837.x12.spec import picker

_BPR = picker("BPR", "BPR02", "BPR03")
_CLP = picker("CLP", "CLP03", "CLP04")
_SVC = picker("SVC", "SVC02", "SVC03")
_CAS = picker("CAS", "CAS03", "CAS06", "CAS09", "CAS12", "CAS15", "CAS18")
_PLB = picker("PLB", "PLB04", "PLB06", "PLB08", "PLB10", "PLB12", "PLB14")


def _amount(text: str) -> Decimal | None:
    try:
        return R.parse(text) if text else None
    except ValueError:
        return None


def _total(texts: tuple[str, ...]) -> Decimal | None:
    """The sum of a segment's amounts (CAS03, CAS06...), or None when one is not a number."""
    total = Decimal(0)
    for text in texts:
        if text:
            value = _amount(text)
            if value is None:
                return None
            total += value
    return total


@attrs.define(slots=True)
class _Open:
    """A claim or a line being read: what balances it."""

    where: Where
    charge: Decimal | None
    paid: Decimal | None
    adjusted: Decimal = Decimal(0)
    broken: bool = False  # an adjustment amount that is not a number: not checkable


class RemittanceChecks:
    def __init__(self, context: Context) -> None:
        self.context = context
        self.payment: Decimal | None = None
        self.payment_at: Where | None = None
        self.paid = Decimal(0)
        self.adjusted = Decimal(0)
        self.checkable = True
        self.claim: _Open | None = None
        self.line: _Open | None = None
        self.line_adjusted = Decimal(0)  # the lines' CAS of the open claim

    @property
    def handlers(self) -> dict[str, Callable[[list[str], str], None]]:
        return {
            "BPR": self._bpr,
            "CLP": self._clp,
            "SVC": self._svc,
            "CAS": self._cas,
            "PLB": self._plb,
        }

    def _bpr(self, elements: list[str], loop: str) -> None:
        total, credit = _BPR(elements)
        amount = _amount(total)
        if amount is not None and credit == "D":
            amount = -amount
        self.payment, self.payment_at = amount, self.context.where("BPR")

    def _clp(self, elements: list[str], loop: str) -> None:
        self._close_claim()
        charge, paid_text = _CLP(elements)
        self.claim = _Open(self.context.where("CLP"), _amount(charge), _amount(paid_text))
        paid = self.claim.paid
        if paid is None:
            self.checkable = False
        else:
            self.paid += paid

    def _svc(self, elements: list[str], loop: str) -> None:
        self._close_line()
        charge, paid_text = _SVC(elements)
        self.line = _Open(self.context.where("SVC"), _amount(charge), _amount(paid_text))

    def _cas(self, elements: list[str], loop: str) -> None:
        target = self.line if self.line is not None else self.claim
        if target is None:
            return
        value = _total(_CAS(elements))
        if value is None:
            target.broken = True
        else:
            target.adjusted += value
            if target is self.line:
                self.line_adjusted += value

    def _plb(self, elements: list[str], loop: str) -> None:
        self._close_claim()
        value = _total(_PLB(elements))
        if value is None:
            self.checkable = False
        else:
            self.adjusted += value

    def close(self, context: Context) -> None:
        self._close_claim()
        if self.payment_at is None:
            return
        if self.checkable:
            left = unaccounted(self.payment, self.paid - self.adjusted, Decimal(0))
            if left is not None:
                context.report(
                    snip3.REMIT_TOTAL,
                    f"BPR02 {self.payment} differs from the claims' payments less the PLB "
                    f"adjustments ({self.paid - self.adjusted}) by {left}",
                    at=self.payment_at,
                    element="BPR02",
                )
        self.payment_at = None

    def _close_line(self) -> None:
        line = self.line
        self.line = None
        if line is None or line.broken:
            if line is not None and self.claim is not None:
                self.claim.broken = True
            return
        left = unaccounted(line.charge, line.paid, line.adjusted)
        if left is not None:
            self.context.report(
                snip3.REMIT_LINE,
                f"SVC02 {line.charge} - SVC03 {line.paid} leaves {left} the line's CAS amounts do "
                "not account for",
                at=line.where,
                element="SVC02",
            )

    def _close_claim(self) -> None:
        self._close_line()
        claim = self.claim
        self.claim = None
        adjusted_lines, self.line_adjusted = self.line_adjusted, Decimal(0)
        if claim is None or claim.broken:
            return
        # the claim's own CAS were added to claim.adjusted; the lines' CAS count too
        left = unaccounted(claim.charge, claim.paid, claim.adjusted + adjusted_lines)
        if left is not None:
            self.context.report(
                snip3.REMIT_CLAIM,
                f"CLP03 {claim.charge} - CLP04 {claim.paid} leaves {left} the claim's and its "
                "lines' CAS amounts do not account for",
                at=claim.where,
                element="CLP03",
            )
