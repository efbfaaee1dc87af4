"""edi837.render.held: a value is remembered for the very object it was made from, never for an
equal one or for a later object that took a freed one's address."""

from __future__ import annotations

import gc
import weakref
from datetime import date

from edi837.model.remittance import DateReference
from edi837.render import held
from edi837.render.held import Held


def test_the_same_object_is_made_once_an_equal_one_again() -> None:
    made: list[DateReference] = []
    text = Held(lambda d: made.append(d) or d.qualifier)
    first, equal = DateReference("472", date(2026, 1, 2)), DateReference("472", date(2026, 1, 2))
    assert [text(first), text(first), text(equal)] == ["472", "472", "472"]
    assert made == [first, equal]
    assert made[0] is first and made[1] is equal


def test_an_entry_keeps_its_object_alive_so_its_id_is_never_reused() -> None:
    text = Held(lambda d: str(d.date))
    item = DateReference("472", date(2026, 1, 2))
    alive = weakref.ref(item)
    assert text(item) == "2026-01-02"
    del item
    gc.collect()
    assert alive() is not None  # held: no other object can take its address while cached
    for day in range(1, 29):  # objects made and dropped after it read their own dates
        assert text(DateReference("472", date(2026, 2, day))) == f"2026-02-{day:02d}"


def test_the_cache_is_bounded() -> None:
    text = Held(lambda d: str(d.date))
    items = [DateReference("472", date.fromordinal(700_000 + n)) for n in range(held.LIMIT + 5)]
    assert [text(i) for i in items] == [str(i.date) for i in items]
    assert len(text._held) <= held.LIMIT
