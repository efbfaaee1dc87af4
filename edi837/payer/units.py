"""Minutes to 15-minute units (ECM-MIN-UNIT): 1 unit is 15 minutes, and longer times round by the
profile's named policy. An attempt under 15 minutes bills 1 unit where the FAQ (001) says so, for
outreach by default (``[policies] one_unit_minimum``); elsewhere it rounds like any other time, and
may make no unit at all."""

from __future__ import annotations

from collections.abc import Collection

from edi837.model.profile import MinuteRounding, ShortAttemptScope
from edi837.payer.fee_schedule import Category, FeeEntry

MINUTES_PER_UNIT = 15


def units_from_minutes(minutes: int, policy: MinuteRounding, *, one_unit_minimum: bool) -> int:
    if minutes <= 0:
        raise ValueError("minutes must be positive")
    whole, rest = divmod(minutes, MINUTES_PER_UNIT)
    if whole == 0 and one_unit_minimum:
        return 1
    if policy is MinuteRounding.UP:
        return whole + (1 if rest else 0)
    if policy is MinuteRounding.DOWN:
        return whole
    # half up: 7.5 minutes or more of a started unit counts, i.e. 8 whole minutes
    return whole + (1 if rest * 2 >= MINUTES_PER_UNIT else 0)


def short_attempt_bills_a_unit(
    entry: FeeEntry | None, modifiers: Collection[str], scopes: Collection[ShortAttemptScope]
) -> bool:
    """Whether a record of this entry under 15 minutes still bills 1 unit."""
    if entry is None:
        return False
    if entry.category is Category.ECM and "U8" in modifiers:
        return ShortAttemptScope.OUTREACH in scopes or ShortAttemptScope.ECM in scopes
    if entry.category is Category.ECM:
        return ShortAttemptScope.ECM in scopes
    return entry.category is Category.CS and ShortAttemptScope.CS in scopes
