"""Values worked out once per shared model object, found again by the object's identity.

The 835 reader shares the frozen values that recur in a remittance (dates, procedures,
adjustments: edi837.remit835.claim_payments), so a renderer meets the same few objects claim
after claim. Keyed by the object itself they would be hashed field by field in Python (attrs'
``__hash__``) at every look-up; keyed by ``id`` they are found with one dict look-up. That is
safe because each entry holds its object: while the entry exists the object is alive, so no
other object can have its id. Bounded (cleared when full), so memory stays flat.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")

LIMIT = 4096


class Held(Generic[K, V]):
    """``make(item)``, remembered for ``item`` (the same object, not an equal one)."""

    __slots__ = ("_held", "_make")

    def __init__(self, make: Callable[[K], V]) -> None:
        self._make = make
        self._held: dict[int, tuple[K, V]] = {}

    @property
    def find(self) -> Callable[[int], tuple[K, V] | None]:
        """The look-up by ``id(item)`` alone: ``(item, value)`` when held, else None (for a
        caller's loop, which then calls this Held on a miss, without a call on a hit)."""
        return self._held.get

    def __call__(self, item: K) -> V:
        hit = self._held.get(id(item))
        if hit is not None:
            return hit[1]
        value = self._make(item)
        if len(self._held) >= LIMIT:
            self._held.clear()
        self._held[id(item)] = (item, value)
        return value
