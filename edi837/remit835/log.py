"""The warnings of one 835 transaction set, each with its location.

Every warning carries the file, the segment position and ID, the loop path where known, and the
claim (CLP01) it concerns. A run of one code is capped per transaction (a :class:`Capped` sink:
a file where every claim is off balance would otherwise hold a warning per claim in memory
until its SE); the rest are counted and summarised in one line.
"""

from __future__ import annotations

from edi837 import phi
from edi837.issues import Capped, Code, Issue, IssueList, Location

ISSUES_PER_RULE = 1000


def shown(text: str, width: int = 20) -> str:
    """A sender's value that a message must mention (an amount that is not a number, a code not
    of its list): described, and shown only behind --show-phi (see :func:`edi837.phi.described`:
    a damaged segment shifts member data into any element, 'JANE' read as CLP03)."""
    return phi.described(text, limit=width)


def not_listed(dropped: list[tuple[Code, int]], file: str | None) -> list[Issue]:
    """A note for each code a :class:`Capped` sink stopped passing on."""
    return [
        Issue.of(
            code,
            f"{more} more {code.id} warnings in this transaction are not listed",
            Location(file=file),
        )
        for code, more in dropped
    ]


class IssueLog:
    __slots__ = ("file", "issues", "sink")

    def __init__(self, file: str | None) -> None:
        self.file = file
        self.issues = IssueList()
        self.sink = Capped(self.issues, ISSUES_PER_RULE)

    def record(
        self,
        code: Code,
        message: str,
        position: int | None,
        seg_id: str | None = None,
        loop: str | None = None,
        claim: str | None = None,
    ) -> None:
        """A warning at ``position`` (segment ``seg_id``, loop path ``loop``, claim ``claim``)."""
        location = Location(
            file=self.file,
            segment=position,
            segment_id=seg_id,
            loop=loop or None,
            claim_id=claim or None,
        )
        self.sink.add(code, message, location)

    def extend(self, issues: list[Issue]) -> None:
        """Issues found elsewhere (the syntax layer) that belong to this transaction."""
        self.issues.extend(issues)

    def close(self) -> tuple[Issue, ...]:
        """All issues in file order, and a note for each code that hit the cap."""
        issues = list(self.issues)
        issues.extend(not_listed(self.sink.dropped(), self.file))
        ranked = sorted(
            enumerate(issues),
            key=lambda pair: (
                pair[1].location.segment if pair[1].location.segment is not None else 1 << 62,
                pair[0],
            ),
        )
        return tuple(issue for _, issue in ranked)
