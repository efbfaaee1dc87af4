"""The fee schedule: which code + modifier combinations exist, their category, unit basis and
default rate. Defaults are data (``data/<payer>-fee-schedule.toml``); the profile overrides them."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Iterator
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from functools import cache
from pathlib import Path

import attrs

from edi837.errors import ConfigError
from edi837.model.profile import FeeOverride

DATA = Path(__file__).resolve().parent / "data"


class UnitBasis(StrEnum):
    MONTH = "month"
    EACH = "each"
    MINUTES_15 = "15min"
    DAY = "day"
    STAY = "stay"  # one per diem per stay of under 24 hours, even past midnight
    UNIT = "unit"
    WEEK = "week"
    MEAL = "meal"
    AMOUNT = "amount"


class Category(StrEnum):
    ECM = "ECM"
    CS = "CS"
    OTHER = "OTHER"


@attrs.frozen(slots=True)
class FeeEntry:
    code: str
    modifiers: tuple[str, ...]
    category: Category
    unit: UnitBasis
    rate: Decimal | None
    description: str = ""
    source: str = ""
    paid: bool = True  # False: billed for reporting, never paid (G9007 is informational)
    program: str = ""  # what the report totals by: "ECM PMPM", "Recuperative care"...

    @property
    def key(self) -> str:
        return "-".join((self.code, *self.modifiers))

    @property
    def pmpm(self) -> bool:
        return self.unit is UnitBasis.MONTH


def split_key(key: str) -> tuple[str, tuple[str, ...]]:
    """``"G9008-U1-GQ"`` -> ``("G9008", ("U1", "GQ"))``."""
    code, *mods = key.strip().upper().split("-")
    return code, tuple(m for m in mods if m)


@attrs.frozen(slots=True)
class FeeSchedule:
    entries: tuple[FeeEntry, ...]
    _index: dict[tuple[str, frozenset[str]], FeeEntry] = attrs.field(
        init=False, eq=False, repr=False, factory=dict
    )

    def __attrs_post_init__(self) -> None:
        for entry in self.entries:
            self._index[(entry.code, frozenset(entry.modifiers))] = entry

    def lookup(self, code: str, modifiers: Iterable[str]) -> FeeEntry | None:
        """The entry for this code and set of modifiers, in any order."""
        return self._index.get((code, frozenset(modifiers)))

    def codes(self) -> set[str]:
        return {entry.code for entry in self.entries}

    def for_code(self, code: str) -> list[FeeEntry]:
        return [entry for entry in self.entries if entry.code == code]

    def __iter__(self) -> Iterator[FeeEntry]:
        return iter(self.entries)

    def with_overrides(self, overrides: Iterable[FeeOverride]) -> FeeSchedule:
        entries = {entry.key: entry for entry in self.entries}
        for override in overrides:
            code, modifiers = split_key(override.key)
            existing = self.lookup(code, modifiers)
            if existing is None:
                if override.unit is None:
                    raise ConfigError(
                        f"[fee_schedule] {override.key!r} is not in the default fee schedule, "
                        "so it needs a unit (month, each, 15min, day, stay, unit, week, meal or amount)"
                    )
                existing = FeeEntry(code, modifiers, Category.OTHER, UnitBasis(override.unit), None)
            entries.pop(existing.key, None)
            updated = attrs.evolve(
                existing,
                rate=override.rate if override.rate is not None else existing.rate,
                unit=UnitBasis(override.unit) if override.unit else existing.unit,
                category=Category(override.category.upper())
                if override.category
                else existing.category,
                description=override.description or existing.description,
                source=existing.source or "profile",
            )
            entries[updated.key] = updated
        return FeeSchedule(tuple(entries.values()))


@cache
def default_schedule(payer: str = "partnership") -> FeeSchedule:
    path = DATA / f"{payer}-fee-schedule.toml"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot load the {payer} fee schedule {path}: {exc}") from None
    entries = []
    for raw in data["entry"]:
        try:
            rate = Decimal(raw["rate"]) if "rate" in raw else None
        except InvalidOperation:
            raise ConfigError(f"{path}: {raw['code']} has a rate that is not a number") from None
        entries.append(
            FeeEntry(
                code=raw["code"],
                modifiers=tuple(raw["modifiers"]),
                category=Category(raw["category"]),
                unit=UnitBasis(raw["unit"]),
                rate=rate,
                description=raw.get("description", ""),
                source=raw.get("source", ""),
                paid=bool(raw.get("paid", True)),
                program=raw.get("program", ""),
            )
        )
    return FeeSchedule(tuple(entries))


@cache
def program_of(code: str, modifiers: tuple[str, ...]) -> str:
    """The program a billed code belongs to (the report's per-program figures): the default
    schedule's ``program``, or ``other CODE-MODS`` for a code it does not list (a profile's own)."""
    entry = default_schedule().lookup(code, modifiers)
    if entry is not None and entry.program:
        return entry.program
    return "other " + "-".join((code, *modifiers))
