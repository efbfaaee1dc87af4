"""The rule registry: every rule's ID, severity, source, advice and an example violation."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import attrs

from edi837.issues import Severity

if TYPE_CHECKING:
    from edi837.rules.engine import Findings, RuleContext

Check = Callable[["RuleContext", "Findings"], None]


@attrs.frozen(slots=True)
class Rule:
    id: str
    severity: Severity
    title: str
    source: str  # which of ../shared/seeds states it
    advice: str  # what the user should do about a finding
    example: str  # a violating record, for docs/rules.md
    pack: str  # "partnership" (the payer's rules) or "generic" (any 837P)
    kind: str = "check"  # "check", or "generator" for behaviour the generator applies
    configurable: str = ""  # the profile setting that changes it, if any
    # a finding means the payer will not pay the line (it is still billed): the claim's state
    # counts that line as expected, not as a denial (edi837/lifecycle)
    predicts_unpaid: bool = False
    check: Check | None = attrs.field(default=None, eq=False, repr=False)
    # the seeds' own sentences, verbatim: (seed number, sentence), for docs/rules.md
    quotes: tuple[tuple[str, str], ...] = ()
    # how the rule counts (spans, windows, episodes), where the seed leaves it open
    measure: str = ""
    # the [policies] field that holds the rule's severity, when the profile sets it
    severity_setting: str = ""
    # the rule counts earlier batches too: the ledger's lines that count as billed (HISTORY_COUNTS)
    history: bool = False
    # what it looks at: "member" (the batch's lines, member by member: a rule may be run on any
    # group of whole members and finds the same), or "tars" (the TAR list alone, run once)
    scope: str = "member"
    # may its errors be let through with --allow? By default the payer's checks may; input, X12
    # and generic checks may not, unless the rule says so (DUPLICATE-SERVICE: a real second service)
    allowable: bool = attrs.field(
        default=attrs.Factory(
            lambda self: self.pack == "partnership" and self.kind == "check", takes_self=True
        )
    )


_RULES: dict[str, Rule] = {}


def register(rule: Rule) -> Rule:
    if rule.id in _RULES:
        raise ValueError(f"rule {rule.id} is registered twice")
    _RULES[rule.id] = rule
    return rule


def rule(
    id: str,
    severity: Severity,
    *,
    title: str,
    source: str,
    advice: str,
    example: str,
    pack: str = "partnership",
    kind: str = "check",
    configurable: str = "",
    quotes: tuple[tuple[str, str], ...] = (),
    measure: str = "",
    severity_setting: str = "",
    predicts_unpaid: bool = False,
    history: bool = False,
    allowable: bool | None = None,
    scope: str = "member",
) -> Callable[[Check], Check]:
    """Decorator: register ``check`` under ``id``."""

    def wrap(check: Check) -> Check:
        register(
            Rule(
                id=id,
                severity=severity,
                title=title,
                source=source,
                advice=advice,
                example=example,
                pack=pack,
                kind=kind,
                configurable=configurable,
                predicts_unpaid=predicts_unpaid,
                check=check,
                quotes=quotes,
                measure=measure,
                severity_setting=severity_setting,
                history=history,
                scope=scope,
                allowable=(pack == "partnership" and kind == "check")
                if allowable is None
                else allowable,
            )
        )
        return check

    return wrap


def all_rules() -> list[Rule]:
    _load_packs()
    return list(_RULES.values())


def get(rule_id: str) -> Rule:
    _load_packs()
    return _RULES[rule_id]


def predicts_unpaid(rule_id: str) -> bool:
    """Does a finding of this rule mean the payer will not pay the line?"""
    _load_packs()
    found = _RULES.get(rule_id)
    return found is not None and found.predicts_unpaid


def overridable(rule_id: str) -> bool:
    """May findings of this rule be let through with --allow? Only a rule that says so
    (:attr:`Rule.allowable`); input and X12 problems never."""
    _load_packs()
    found = _RULES.get(rule_id)
    return found is not None and found.allowable


def _load_packs() -> None:
    from edi837.rules import billed, generic  # noqa: F401  (registers on import)
    from edi837.rules.partnership import load  # noqa: F401
