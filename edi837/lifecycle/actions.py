"""How adjustment reasons count, and what each state asks of the coordinator: read from
``next_actions.toml`` beside this module (data, reviewed like code; docs/claim-states.md is
generated from it)."""

from __future__ import annotations

import string
import tomllib
from enum import StrEnum
from functools import cache
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

    def reason(self, group: str, code: str) -> ReasonRule:
        for rule in self.reasons:
            if rule.matches(group, code):
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

    def say(self, key: str, **values: object) -> str:
        """The state's action with its placeholders filled in."""
        template = self.state(key).action
        return _fill(template, values)


class _Blank(dict[str, object]):
    def __missing__(self, key: str) -> str:
        return "?"


def _fill(template: str, values: dict[str, object]) -> str:
    return string.Formatter().vformat(template, (), _Blank(values))


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
