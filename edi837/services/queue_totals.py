"""The work queue's totals gathered a group of alike claims at a time: the same sums as
:meth:`Totals.add` claim by claim, to the digit.

Most claims of a queue are of a few shapes (lifecycle/shapes.py), and two claims of one shape,
aging bucket and "done" add the same amounts to the same totals: :meth:`Totals.add` reads of a
claim only what its shape fixes (its outcome, the facts its shape key holds, the bucket, whether
it needs an action). So a claim is counted against its group, and each group's contribution is
made once, by :meth:`Totals.add` itself on a fresh :class:`Totals` (the totals' rules are not
spelled twice), then multiplied by the group's count and added in.

The sums come out the same as in claim order only when every addition is exact, so the groups
are folded in in a decimal context that traps inexact and rounded results, and only when a bound
proves every partial sum of the claim-by-claim order exact too: the sum of the absolute values
of everything added (each group's contribution made again from its claim with every amount
replaced by its absolute value). When the bound does not hold, the claims since the last fold
are added one by one in their order, and every claim after them too. The groups are folded
when there are ``GROUP_LIMIT`` of them or ``LOG_LIMIT`` claims since the last fold, so that
memory stays flat; dictionaries of the totals fill in the order of the claims that first named
each key, as claim by claim (the groups are folded in the order they were first met).
``tests/test_queue_totals.py`` holds the gathered totals to the claim-by-claim ones.
"""

from __future__ import annotations

import decimal
from array import array
from decimal import Decimal
from typing import Any

import attrs

from edi837.lifecycle.shapes import shape_of
from edi837.services.queue import ZERO, AlikeItem, QueueItem, Totals

GROUP_LIMIT = 4096
LOG_LIMIT = 1 << 16


class _Group:
    __slots__ = ("count", "delta", "item", "weight")

    def __init__(self, item: QueueItem) -> None:
        self.item = item  # the first claim of the group: for the fallback, added in order
        self.count = 0
        self.delta = Totals()
        self.delta.add(item)
        # the bound's share: None when it cannot be made exactly (then the claims go in order)
        self.weight: Decimal | None = None
        try:
            with decimal.localcontext(_exact()):
                bound = Totals()
                bound.add(_absolute(item))
                self.weight = _magnitude(bound)
        except (decimal.Inexact, decimal.Rounded):
            pass


def _exact() -> decimal.Context:
    """The context the claim-by-claim sums are made in, raising where one would be inexact."""
    context = decimal.getcontext().copy()
    context.traps[decimal.Inexact] = context.traps[decimal.Rounded] = True
    return context


class GatheredTotals:
    """:class:`Totals` of the items given to :meth:`add`, in their order; read :attr:`totals`
    once they are all given."""

    def __init__(self) -> None:
        self._totals = Totals()
        self._groups: dict[tuple[object, ...], int] = {}
        self._members: list[_Group] = []
        self._log = array("L")  # each claim's group since the last fold, in order
        self._budget = ZERO  # the bound: the absolute values of every amount folded so far
        self._in_order = decimal.getcontext().rounding != decimal.ROUND_HALF_EVEN

    def add(self, item: QueueItem) -> None:
        if self._in_order:
            self._totals.add(item)
            return
        shape = shape_of(item.outcome)
        if shape is None:  # (a claim evaluated on its own: a group of one)
            index = self._new(item)
        else:
            key = (shape, item.aging.bucket, item.advice.done)
            found = self._groups.get(key)
            if found is None:
                found = self._groups[key] = self._new(item)
            index = found
        self._members[index].count += 1
        self._log.append(index)
        if len(self._log) >= LOG_LIMIT:
            self._fold()

    def add_alike(self, entry: AlikeItem) -> None:
        """:meth:`add` of ``entry.item()``: a claim of a group met since the last fold is
        counted against it without its facts and outcome being made."""
        if not self._in_order:
            found = self._groups.get((entry.alike.shape, entry.aging.bucket, entry.advice.done))
            if found is not None:
                self._members[found].count += 1
                self._log.append(found)
                if len(self._log) >= LOG_LIMIT:
                    self._fold()
                return
        self.add(entry.item())

    def _new(self, item: QueueItem) -> int:
        if len(self._members) >= GROUP_LIMIT:
            self._fold()
        self._members.append(_Group(item))
        return len(self._members) - 1

    @property
    def totals(self) -> Totals:
        self._fold()
        return self._totals

    def _fold(self) -> None:
        if not self._log:
            return
        exact = _exact()
        budget = self._budget
        try:
            with decimal.localcontext(exact):
                for group in self._members:
                    if group.weight is None:
                        raise decimal.Inexact
                    budget += group.weight * group.count
        except (decimal.Inexact, decimal.Rounded):
            self._in_order = True
        if self._in_order:  # every claim since the last fold, in its order
            members = self._members
            for index in self._log:
                self._totals.add(members[index].item)
        else:
            self._budget = budget
            # the bound holds: every sum below is exact (the context would raise if not)
            with decimal.localcontext(exact):
                for group in self._members:
                    _merge(self._totals, group.delta, group.count)
        self._groups.clear()
        self._members.clear()
        self._log = array("L")


# -- the arithmetic, over the totals' classes as they are ----------------------------------------


def _names(value: object) -> tuple[str, ...]:
    cls = type(value)
    if attrs.has(cls):
        return tuple(field.name for field in attrs.fields(cls))
    return tuple(cls.__slots__)  # type: ignore[attr-defined]  # (Totals' _Running)


def _merge(into: object, delta: object, count: int) -> None:
    """``into`` += ``count`` times ``delta``, field by field (two objects of one class)."""
    for name in _names(delta):
        setattr(into, name, _scaled(getattr(into, name), getattr(delta, name), count))


def _scaled(into: Any, delta: Any, count: int) -> Any:
    if isinstance(delta, (int, Decimal)) and not isinstance(delta, bool):
        return into + delta * count
    if isinstance(delta, tuple):
        return tuple(_scaled(a, b, count) for a, b in zip(into, delta, strict=True))
    if isinstance(delta, dict):
        for key, value in delta.items():
            into[key] = _scaled(into[key] if key in into else _zero(value), value, count)
        return into
    if isinstance(delta, str) or delta is None or isinstance(delta, bool):
        raise TypeError(f"a total the gathering cannot add: {delta!r}")
    _merge(into, delta, count)
    return into


def _zero(value: Any) -> Any:
    """What claim by claim starts a new key of a dictionary of the totals with."""
    if isinstance(value, Decimal):
        return ZERO
    if isinstance(value, int):
        return 0
    if isinstance(value, tuple):
        return tuple(_zero(v) for v in value)
    return type(value)()


def _magnitude(value: Any) -> Decimal:
    """The sum of the amounts (Decimals) in the totals ``value``."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return ZERO  # (integers add exactly)
    if isinstance(value, (tuple, list)):
        return sum((_magnitude(v) for v in value), ZERO)
    if isinstance(value, dict):
        return sum((_magnitude(v) for v in value.values()), ZERO)
    return sum((_magnitude(getattr(value, name)) for name in _names(value)), ZERO)


def _absolute(value: Any) -> Any:
    """``value`` (a queue item, its parts) with every amount replaced by its absolute value."""
    # (an object without a negative amount in it is its own answer: most are, and making them
    # again costs more than reading them)
    if isinstance(value, Decimal):
        return abs(value) if value.is_signed() else value
    if isinstance(value, tuple) and not hasattr(value, "_fields"):
        items = tuple(_absolute(v) for v in value)
        return value if all(a is b for a, b in zip(items, value, strict=True)) else items
    if attrs.has(type(value)):
        changes = {}
        for field in attrs.fields(type(value)):
            if not field.init:
                continue
            old = getattr(value, field.name)
            new = _absolute(old)
            if new is not old:
                changes[field.alias] = new
        return attrs.evolve(value, **changes) if changes else value
    return value
