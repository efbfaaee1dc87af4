"""The conformance rules: every check the engine runs, declared once, by SNIP level.

A :class:`Rule` is an issue code of the one registry (:mod:`edi837.catalogue`: its ID, severity
and what it means) with what the engine adds: its SNIP level, where our 999 carries it (``ack``)
and pyx12's finding for the same problem (``pyx12``, empty where pyx12 has no such check; the
corpus comparison and docs/validate.md read it). Each level's module declares its rules at its
top, next to the checks that report them::

    CLAIM_TOTAL = SNIP3.rule(
        "SNIP3-CLM02-TOTAL", ERROR, "CLM02 is not the sum of the claim's SV102 line charges",
        ack="IK403:I12",
    )

That line is the whole declaration (docs/extending.md). ``ack`` names a 999 (or TA1) code:
``TA105:<note>`` for the interchange, ``AK905:<code>`` for the functional group, ``IK502:<code>``
for the transaction set, ``IK304:<code>`` for a segment, ``IK403:<code>`` for an element (its
segment then carries IK304 8).
"""

from __future__ import annotations

import attrs

from edi837 import catalogue
from edi837.issues import Code, Severity

ERROR, WARN, INFO = Severity.ERROR, Severity.WARN, Severity.INFO
ACK_KINDS = ("TA105", "AK905", "IK502", "IK304", "IK403")


@attrs.frozen(slots=True)
class Rule:
    code: Code
    snip: int
    ack: str  # "IK403:7": which 999 (or TA1) element carries it, and the code there
    pyx12: str = ""  # pyx12's finding for the same problem (SEG3, ELE7, ISA025...)

    @property
    def id(self) -> str:
        return self.code.id

    @property
    def severity(self) -> Severity:
        return self.code.severity

    @property
    def text(self) -> str:
        return self.code.text

    @property
    def ack_kind(self) -> str:
        return self.ack.partition(":")[0]

    @property
    def ack_code(self) -> str:
        return self.ack.partition(":")[2]


_RULES: dict[str, Rule] = {}


@attrs.frozen(slots=True)
class Level:
    """One SNIP level: its heading in docs/issue-codes.md and docs/validate.md, and its rules."""

    snip: int
    title: str
    about: str
    section: catalogue.Section

    def rule(self, id: str, severity: Severity, text: str, *, ack: str, pyx12: str = "") -> Rule:
        kind, _, code = ack.partition(":")
        if kind not in ACK_KINDS or not code:
            raise ValueError(f"{id}: ack {ack!r} is not one of {', '.join(ACK_KINDS)}:<code>")
        declared = Rule(self.section.code(id, severity, text), self.snip, ack, pyx12)
        _RULES[id] = declared
        return declared


def level(snip: int, title: str, about: str) -> Level:
    return Level(snip, title, about, catalogue.section(f"Conformance, SNIP {snip}: {title}", about))


def rules() -> list[Rule]:
    """Every rule, in declaration order (by level: the engine imports the levels in order)."""
    return list(_RULES.values())


def rule(id: str) -> Rule:
    return _RULES[id]
