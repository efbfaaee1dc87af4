"""The warnings a transaction reader gives, each with its location (the 835's, the
acknowledgments').

Every warning carries the file, the segment position and ID, the loop path where known, and the
claim it concerns (CLP01, CLM01). A run of one code is capped (a :class:`Capped` sink: a file
where every claim has the same fault would otherwise hold a warning per claim in memory until
its end); the rest are counted and summarised in one line.
"""

from __future__ import annotations

from edi837.issues import Capped, Code, Issue, IssueList, Location

ISSUES_PER_RULE = 1000


def shown(text: str, width: int = 20) -> str:
    """A sender's value quoted in a message: short, with control characters escaped."""
    return text[:width].encode("unicode_escape").decode("ascii")


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
        for code, more in self.sink.dropped():
            message = f"{more} more {code.id} warnings {self.scope} are not listed"
            issues.append(Issue.of(code, message, Location(file=self.file)))
        ranked = sorted(
            enumerate(issues),
            key=lambda pair: (
                pair[1].location.segment if pair[1].location.segment is not None else 1 << 62,
                pair[0],
            ),
        )
        return tuple(issue for _, issue in ranked)
