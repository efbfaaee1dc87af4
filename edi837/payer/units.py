"""Minutes to 15-minute units (ECM-MIN-UNIT): 1 unit is 15 minutes, an attempt under 15 minutes
still bills 1 unit, and longer times round by the profile's named policy."""

from __future__ import annotations

from edi837.model.profile import MinuteRounding

MINUTES_PER_UNIT = 15


def units_from_minutes(minutes: int, policy: MinuteRounding) -> int:
    if minutes <= 0:
        raise ValueError("minutes must be positive")
    whole, rest = divmod(minutes, MINUTES_PER_UNIT)
    if whole == 0:
        return 1
    if policy is MinuteRounding.UP:
        return whole + (1 if rest else 0)
    if policy is MinuteRounding.DOWN:
        return whole
    # half up: 7.5 minutes or more of a started unit counts, i.e. 8 whole minutes
    return whole + (1 if rest * 2 >= MINUTES_PER_UNIT else 0)
