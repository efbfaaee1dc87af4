"""How adjustment reasons count, and what each state asks of the coordinator: read from
``next_actions.toml`` beside this module (data, reviewed like code; docs/claim-states.md is
generated from it)."""

from __future__ import annotations

import string
import tomllib
from enum import StrEnum
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import attrs

from edi837.errors import SpecError

DATA = Path(__file__).resolve().parent / "next_actions.toml"


class Kind(StrEnum):
    CONTRACTUAL = "contractual"  # written off by contract: nothing to do
    PATIENT = "patient"  # the member owes it
    DENIAL = "denial"  # not paid until something is fixed, corrected or appealed
    OTHER = "other"


@attrs.frozen(slots=True)
class ReasonRule:
    group: str  # CAS01, or "*"
    codes: frozenset[str]  # CARCs, or {"*"}
    kind: Kind
    words: str
    action: str

    def matches(self, group: str, code: str) -> bool:
        return (self.group in ("*", group)) and ("*" in self.codes or code in self.codes)


@attrs.frozen(slots=True)
class StateAction:
    key: str
    done: bool
    action: str


@attrs.frozen
class ActionTable:
    states: dict[str, StateAction]
    reasons: tuple[ReasonRule, ...]
    # the row each (group, code) met so far matched: the state machine asks for every
    # adjustment of every claim, and the rows are tried in order
    _matched: dict[tuple[str, str], ReasonRule] = attrs.field(
        factory=dict, init=False, eq=False, repr=False
    )

    def reason(self, group: str, code: str) -> ReasonRule:
        found = self._matched.get((group, code))
        if found is not None:
            return found
        for rule in self.reasons:
            if rule.matches(group, code):
                self._matched[(group, code)] = rule
                return rule
        raise SpecError(
            f"{DATA.name}: no reason row matches {group}-{code} (the last row must be */*)"
        )

    def kind(self, group: str, code: str) -> Kind:
        return self.reason(group, code).kind

    def state(self, key: str) -> StateAction:
        try:
            return self.states[key]
        except KeyError:
            raise SpecError(f"{DATA.name} has no [state.{key}]") from None

    def names(self, key: str) -> tuple[str, ...]:
        """The values a state's action names (its placeholders)."""
        return _names(self.state(key).action)

    def say(self, key: str, **values: object) -> str:
        """The state's action with its placeholders filled in."""
        template = self.state(key).action
        return _fill(template, values)


class _Blank(dict[str, object]):
    def __missing__(self, key: str) -> str:
        return "?"


_ABSENT = object()  # a placeholder the caller gave no value for (it reads "?")
# values that read the same whenever they are equal (not so Decimal("1.0") and Decimal("1.00"),
# nor True and 1): only these are cache keys
_PLAIN = frozenset({str, int, type(_ABSENT)})


def _fill(template: str, values: dict[str, object]) -> str:
    """The template with its placeholders filled in. The work queue fills the same few
    templates with the same few values for every claim: the text is cached by the values of the
    placeholders the template names (the others cannot change it)."""
    given = tuple(values.get(name, _ABSENT) for name in _names(template))
    if all(value.__class__ in _PLAIN for value in given):
        return _filled(template, given)
    return _format(template, values)


def _format(template: str, values: dict[str, object]) -> str:
    return string.Formatter().vformat(template, (), _Blank(values))


@cache
def _names(template: str) -> tuple[str, ...]:
    """The values a template names: ``{days_left}``, ``{a.b}`` and ``{a[0]}`` all name ``a``."""
    names: dict[str, None] = {}
    for _text, field, _spec, _conversion in string.Formatter().parse(template):
        if field:
            names[field.split(".", 1)[0].split("[", 1)[0]] = None
    return tuple(names)


@lru_cache(maxsize=4096)
def _filled(template: str, given: tuple[object, ...]) -> str:
    values = {
        name: value
        for name, value in zip(_names(template), given, strict=True)
        if value is not _ABSENT
    }
    return _format(template, values)


def _load(data: dict[str, Any]) -> ActionTable:
    states = {}
    for key, body in data.get("state", {}).items():
        if not isinstance(body, dict) or "action" not in body or "done" not in body:
            raise SpecError(f"{DATA.name}: [state.{key}] needs 'action' and 'done'")
        states[key] = StateAction(key, bool(body["done"]), str(body["action"]))
    reasons = []
    for number, body in enumerate(data.get("reason", []), 1):
        try:
            reasons.append(
                ReasonRule(
                    group=str(body["group"]),
                    codes=frozenset(str(c) for c in body["codes"]),
                    kind=Kind(body["kind"]),
                    words=str(body["words"]),
                    action=str(body["action"]),
                )
            )
        except (KeyError, ValueError) as exc:
            raise SpecError(f"{DATA.name}: reason row {number} is incomplete ({exc})") from None
    if not reasons or reasons[-1].group != "*" or "*" not in reasons[-1].codes:
        raise SpecError(f"{DATA.name}: the last reason row must match every group and code")
    return ActionTable(states, tuple(reasons))


@cache
def table() -> ActionTable:
    try:
        with DATA.open("rb") as handle:
            return _load(tomllib.load(handle))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SpecError(f"cannot load {DATA}: {exc}") from None
