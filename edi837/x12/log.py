"""The warnings a transaction reader gives, each with its location (the 835's, the
acknowledgments').

Every warning carries the file, the segment position and ID, the loop path where known, and the
claim it concerns (CLP01, CLM01). A run of one code is capped (a :class:`Capped` sink: a file
where every claim has the same fault would otherwise hold a warning per claim in memory until
its end); the rest are counted and summarised in one line.
"""

from __future__ import annotations

import re

from edi837 import phi
from edi837.issues import Capped, Code, Issue, IssueList, Location
from edi837.x12.datatypes import N0

ISSUES_PER_RULE = 1000


# -- values in messages ----------------------------------------------------------------------------
# A damaged segment shifts member data into any element (a name read as CLP03, a member ID as a
# date), so a value a message must mention is described, not quoted, unless it is of a shape
# that identifies nobody: see phi.described. These are the shapes the readers' messages use.

_VERSION = re.compile(r"\d{6}[A-Z0-9]{0,6}")  # 005010X222A1


def shown(text: str, width: int = 20) -> str:
    """A value of the file that a message must mention (an amount that is not a number, a code
    not of its list), in quotes when shown: :func:`edi837.phi.described`."""
    return phi.described(text, limit=width)


def shown_number(text: str, *, quoted: bool = False) -> str:
    """A control number or a count: as sent when it is digits that fit one (at most 9)."""
    if N0.digits(text, 9):
        return repr(text) if quoted else text
    return phi.described(text, limit=12)


def shown_set_id(text: str) -> str:
    """ST01: ``835``, ``(no ST01)``, or described when it is no transaction set ID."""
    if not text:
        return "(no ST01)"
    return text if N0.digits(text, 3) else shown(text)


def shown_version(text: str) -> str:
    """ST03 or GS08: as sent when it is shaped like a guide's version (``005010X222A1``)."""
    return text if _VERSION.fullmatch(text) else shown(text)


def escaped(text: str, width: int = 20) -> str:
    """An identifier shown as sent (a claim ID, as the 835's CLP01 is in every location): cut
    short, with control characters escaped."""
    return text[:width].encode("unicode_escape").decode("ascii")


def not_listed(
    dropped: list[tuple[Code, int]], file: str | None, scope: str = "in this transaction"
) -> list[Issue]:
    """A note for each code a :class:`Capped` sink stopped passing on (``scope``: what the cap
    counts over, as the note says it)."""
    return [
        Issue.of(
            code, f"{more} more {code.id} warnings {scope} are not listed", Location(file=file)
        )
        for code, more in dropped
    ]


class IssueLog:
    __slots__ = ("file", "issues", "scope", "sink")

    def __init__(self, file: str | None, *, scope: str = "in this transaction") -> None:
        self.file = file
        self.scope = scope  # what the cap counts over, as the summary line says it
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
        issues.extend(not_listed(self.sink.dropped(), self.file, self.scope))
        ranked = sorted(
            enumerate(issues),
            key=lambda pair: (
                pair[1].location.segment if pair[1].location.segment is not None else 1 << 62,
                pair[0],
            ),
        )
        return tuple(issue for _, issue in ranked)
