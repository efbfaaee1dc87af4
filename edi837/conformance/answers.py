"""What an acknowledgment says, for ``validate`` to tell: did the payer accept what we sent?

A 999, a 277CA or a TA1 is validated like any X12 file, but "valid" there means the payer's
*answer* is well formed, not that our file was accepted. While the engine checks one, these hooks
note its verdicts (AK9 and IK5 of a 999, STC01 of each claim of a 277CA, TA104 of a TA1), so that
the summary can say "the payer rejected 2 of 3 transaction sets" and point to ``edi837 ack``,
which reads the answer into the ledger. Nothing here reads the answer into the model.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING

import attrs

from edi837.x12.spec import picker

if TYPE_CHECKING:
    from edi837.conformance.context import Context

_TA104 = picker("TA1", "TA104")
_IK501 = picker("IK5", "IK501")
_AK901 = picker("AK9", "AK901")
_STC01 = picker("STC", "STC01")  # its first component is the claim's status category
# 277CA STC01-1 claim status categories: accepted (A1, A2...), and rejected or returned
ACCEPTED_CATEGORIES = frozenset({"A0", "A1", "A2", "A5"})
REJECTED_CATEGORIES = frozenset({"A3", "A4", "A6", "A7", "A8", "DR01"})


@attrs.define(slots=True)
class Answers:
    """The verdicts an acknowledgment file carries, counted."""

    sets: Counter[str] = attrs.field(factory=Counter)  # 999 IK501: A, E, R...
    groups: Counter[str] = attrs.field(factory=Counter)  # 999 AK901: A, P, R...
    claims: Counter[str] = attrs.field(factory=Counter)  # 277CA: accepted, rejected, other
    interchanges: Counter[str] = attrs.field(factory=Counter)  # TA1 TA104: A, E, R

    @property
    def any(self) -> bool:
        return bool(self.sets or self.groups or self.claims or self.interchanges)

    def ta1(self, elements: list[str]) -> None:
        self.interchanges[_TA104(elements)[0]] += 1

    def words(self) -> str:
        """One sentence a biller can act on."""
        parts = []
        if self.interchanges:
            rejected = self.interchanges["R"]
            total = sum(self.interchanges.values())
            parts.append(
                f"the TA1 {'rejects' if rejected else 'accepts'} "
                + (
                    f"{rejected} of {total} interchange(s)"
                    if rejected
                    else f"{total} interchange(s)"
                )
            )
        if self.sets or self.groups:
            total = sum(self.sets.values())
            rejected = self.sets["R"] + self.sets["M"] + self.sets["W"] + self.sets["X"]
            noted = self.sets["E"]
            if rejected:
                parts.append(f"the 999 rejects {rejected} of {total} transaction set(s)")
            elif total:
                parts.append(
                    f"the 999 accepts all {total} transaction set(s)"
                    + (f" ({noted} with errors noted)" if noted else "")
                )
            else:
                verdicts = ", ".join(sorted(self.groups))
                parts.append(f"the 999 answers its group(s) with AK901 {verdicts}")
        if self.claims:
            total = sum(self.claims.values())
            rejected = self.claims["rejected"]
            parts.append(
                f"the 277CA rejects {rejected} of {total} claim(s)"
                if rejected
                else f"the 277CA accepts all {total} claim(s)"
            )
        return "; ".join(parts)


class AcknowledgmentHooks:
    """Engine hooks for a 999 or a 277CA: note the verdicts (see the module docstring)."""

    def __init__(self, answers: Answers, component: str) -> None:
        self.answers = answers
        self.component = component
        self.claim_open = False  # a 277CA claim (2200D) whose first STC is still to come

    @property
    def handlers(self) -> dict[str, Callable[[list[str], str], None]]:
        return {"TRN": self._trn, "IK5": self._ik5, "AK9": self._ak9, "STC": self._stc}

    def _trn(self, elements: list[str], loop: str) -> None:
        self.claim_open = loop.endswith("2200D")

    def _ik5(self, elements: list[str], loop: str) -> None:
        self.answers.sets[_IK501(elements)[0]] += 1

    def _ak9(self, elements: list[str], loop: str) -> None:
        self.answers.groups[_AK901(elements)[0]] += 1

    def _stc(self, elements: list[str], loop: str) -> None:
        if not self.claim_open:
            return
        self.claim_open = False
        category = _STC01(elements)[0].split(self.component)[0]
        if category in ACCEPTED_CATEGORIES:
            self.answers.claims["accepted"] += 1
        elif category in REJECTED_CATEGORIES:
            self.answers.claims["rejected"] += 1
        else:
            self.answers.claims["other"] += 1

    def close(self, context: Context) -> None:
        return None
