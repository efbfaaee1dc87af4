"""What "today" is for a run: the rules' date and the file's creation time, one rule for the
command line and the Python API alike."""

from __future__ import annotations

from datetime import date, datetime


def resolve_as_of(as_of: date | None) -> tuple[date, datetime]:
    """(today for the rules, the file's creation time). A pinned date pins the time to 00:00,
    so a run with ``as_of`` writes the same bytes every time."""
    if as_of is not None:
        return as_of, datetime.combine(as_of, datetime.min.time())
    now = datetime.now().replace(second=0, microsecond=0)
    return now.date(), now
