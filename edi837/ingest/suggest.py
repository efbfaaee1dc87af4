""" "Did you mean ...?" for names people type: profile keys and tables, column headers."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

# difflib's ratio: 0.8 pairs "modifers"/"modifiers", "useage"/"usage", "fallback_adress"/
# "fallback_address", and keeps "notes"/"minutes" or "staff"/"state" apart.
CUTOFF = 0.8


def closest(name: str, candidates: Iterable[str], *, cutoff: float = CUTOFF) -> str | None:
    """The candidate ``name`` most likely misspells, or None when none is close.

    Two swapped letters in a short name ("nip" for "npi") score low on difflib's ratio, so a
    candidate with exactly the same letters counts as close too.
    """
    typed = name.lower()
    pool = sorted(set(candidates))
    match = difflib.get_close_matches(typed, pool, n=1, cutoff=cutoff)
    if match:
        return match[0]
    swapped = [c for c in pool if len(c) > 2 and sorted(c) == sorted(typed)]
    return swapped[0] if len(swapped) == 1 else None
