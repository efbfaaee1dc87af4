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

from edi837.ack.codes import (
    action_verdict,
    category_verdict,
    group_verdict,
    interchange_verdict,
    set_verdict,
)
from edi837.model.acks import Verdict
from edi837.x12.spec import picker

if TYPE_CHECKING:
    from edi837.conformance.context import Context

_TA104 = picker("TA1", "TA104")
_IK501 = picker("IK5", "IK501")
_AK901 = picker("AK9", "AK901")
# a claim's statuses (category:status:entity) and its action code
_STC = picker("STC", "STC01", "STC03", "STC10", "STC11")


def _rejected(codes: Counter[str], verdict: Callable[[str], Verdict | None]) -> int:
    return sum(n for code, n in codes.items() if verdict(code) is Verdict.REJECTED)


def _verdict(categories: list[Verdict | None], actions: list[Verdict | None]) -> Verdict:
    """Rejected when a category keeps it out, accepted when one lets it in, else as STC03 says;
    nothing that tells either way reads as rejected, as ``edi837 ack`` reads it."""
    told = [v for v in categories if v is not None] or [v for v in actions if v is not None]
    return Verdict.ACCEPTED if told and Verdict.REJECTED not in told else Verdict.REJECTED


@attrs.define(slots=True)
class Answers:
    """The verdicts an acknowledgment file carries, counted. Each code means what
    :mod:`edi837.ack.codes` says it does, as ``edi837 ack`` reads it."""

    sets: Counter[str] = attrs.field(factory=Counter)  # 999 IK501: A, E, R...
    groups: Counter[str] = attrs.field(factory=Counter)  # 999 AK901: A, P, R...
    claims: Counter[Verdict] = attrs.field(factory=Counter)  # 277CA: accepted, rejected
    levels: Counter[Verdict] = attrs.field(factory=Counter)  # 277CA STC at 2200B or 2200C
    interchanges: Counter[str] = attrs.field(factory=Counter)  # TA1 TA104: A, E, R

    @property
    def any(self) -> bool:
        return bool(self.sets or self.groups or self.claims or self.levels or self.interchanges)

    def ta1(self, elements: list[str]) -> None:
        self.interchanges[_TA104(elements)[0]] += 1

    def words(self) -> str:
        """One sentence a biller can act on."""
        parts = []
        if self.interchanges:
            rejected = _rejected(self.interchanges, interchange_verdict)
            total = sum(self.interchanges.values())
            parts.append(
                f"the TA1 rejects {rejected} of {total} interchange(s)"
                if rejected
                else f"the TA1 accepts {total} interchange(s)"
            )
        if self.sets or self.groups:
            total = sum(self.sets.values())
            rejected = _rejected(self.sets, set_verdict)
            noted = sum(
                n for c, n in self.sets.items() if set_verdict(c) is Verdict.ACCEPTED_WITH_ERRORS
            )
            if rejected:
                parts.append(f"the 999 rejects {rejected} of {total} transaction set(s)")
            elif total:
                parts.append(
                    f"the 999 accepts all {total} transaction set(s)"
                    + (f" ({noted} with errors noted)" if noted else "")
                )
            else:
                verdicts = ", ".join(
                    f"{code} ({verdict})" if (verdict := group_verdict(code)) else code
                    for code in sorted(self.groups)
                )
                parts.append(f"the 999 answers its group(s) with AK901 {verdicts}")
        if self.levels[Verdict.REJECTED]:
            parts.append(
                f"the 277CA rejects {self.levels[Verdict.REJECTED]} of "
                f"{sum(self.levels.values())} receiver or provider level(s) (2200B, 2200C): "
                "no claim under them was taken"
            )
        if self.claims:
            total = sum(self.claims.values())
            rejected = self.claims[Verdict.REJECTED]
            parts.append(
                f"the 277CA rejects {rejected} of {total} claim(s)"
                if rejected
                else f"the 277CA accepts all {total} claim(s)"
            )
        return "; ".join(parts)


class AcknowledgmentHooks:
    """Engine hooks for a 999 or a 277CA: note the verdicts (see the module docstring). A
    277CA claim (2200D), and a receiver's or provider's level (2200B, 2200C), is judged by all
    the STCs it carries (:func:`_verdict`), as ``edi837 ack`` judges it (:mod:`edi837.ack.x277ca`)."""

    def __init__(self, answers: Answers, component: str) -> None:
        self.answers = answers
        self.component = component
        self.open: Counter[Verdict] | None = None  # where the STCs of the open 2200 count
        self.categories: list[Verdict | None] = []  # its statuses' categories' verdicts
        self.actions: list[Verdict | None] = []  # and its STC03s'

    @property
    def handlers(self) -> dict[str, Callable[[list[str], str], None]]:
        return {"TRN": self._trn, "IK5": self._ik5, "AK9": self._ak9, "STC": self._stc}

    def _trn(self, elements: list[str], loop: str) -> None:
        """A TRN opens each 2200 loop of a 277CA."""
        self._close()
        if loop.endswith("2200D"):
            self.open = self.answers.claims
        elif loop.endswith(("2200B", "2200C")):
            self.open = self.answers.levels
        self.categories, self.actions = [], []

    def _ik5(self, elements: list[str], loop: str) -> None:
        self.answers.sets[_IK501(elements)[0]] += 1

    def _ak9(self, elements: list[str], loop: str) -> None:
        self.answers.groups[_AK901(elements)[0]] += 1

    def _stc(self, elements: list[str], loop: str) -> None:
        if self.open is None or not loop.endswith(("2200B", "2200C", "2200D")):
            return  # a service line's status (2220D): the claim's own tells
        first, action, *more = _STC(elements)
        self.categories += [
            category_verdict(composite.split(self.component)[0].strip())
            for composite in (first, *more)
            if composite
        ]
        self.actions.append(action_verdict(action.strip()))

    def _close(self) -> None:
        # a claim with no STC reads as rejected; a level without one gave no answer
        if self.open is self.answers.claims or (self.open is not None and self.actions):
            self.open[_verdict(self.categories, self.actions)] += 1
        self.open = None

    def close(self, context: Context) -> None:
        self._close()
