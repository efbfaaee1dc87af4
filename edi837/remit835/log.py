"""The warnings of one 835 transaction set, each with its location.

Every warning carries the file, the segment position and ID, the loop path where known, and the
claim (CLP01) it concerns. A run of one rule is capped per transaction (a file where every claim
is off balance would otherwise hold a warning per claim in memory until its SE); the rest are
counted and summarised in one line.
"""

from __future__ import annotations

from edi837.issues import Code, Issue, Location, Severity

# loop ID, as the 835 declaration names it -> the loop path shown in warnings
LOOP_PATHS = {
    "ST": "",
    "1000A": "1000A",
    "1000B": "1000B",
    "2000": "2000",
    "2100": "2000/2100",
    "2110": "2000/2100/2110",
}
ISSUES_PER_RULE = 1000


def shown(text: str, width: int = 20) -> str:
    """A sender's value quoted in a message: short, with control characters escaped."""
    return text[:width].encode("unicode_escape").decode("ascii")


class IssueLog:
    __slots__ = ("counts", "file", "issues")

    def __init__(self, file: str | None) -> None:
        self.file = file
        self.issues: list[Issue] = []
        self.counts: dict[str, int] = {}

    def record(
        self,
        code: Code,
        message: str,
        position: int | None,
        seg_id: str | None = None,
        loop_id: str | None = None,
        claim: str | None = None,
    ) -> None:
        rule = code.id
        seen = self.counts.get(rule, 0) + 1
        self.counts[rule] = seen
        if seen > ISSUES_PER_RULE:
            return
        loop = LOOP_PATHS.get(loop_id, loop_id) if loop_id else None
        location = Location(
            file=self.file,
            segment=position,
            segment_id=seg_id,
            loop=loop or None,
            claim_id=claim or None,
        )
        self.issues.append(Issue(rule, code.severity, message, location))

    def extend(self, issues: list[Issue]) -> None:
        """Issues found elsewhere (the syntax layer) that belong to this transaction."""
        self.issues.extend(issues)

    def close(self) -> tuple[Issue, ...]:
        """All issues in file order, and a note for each rule that hit the cap."""
        issues = list(self.issues)
        for rule, seen in self.counts.items():
            if seen > ISSUES_PER_RULE:
                message = f"{seen - ISSUES_PER_RULE} more {rule} warnings in this transaction are not listed"
                issues.append(Issue(rule, Severity.WARN, message, Location(file=self.file)))
        ranked = sorted(
            enumerate(issues),
            key=lambda pair: (
                pair[1].location.segment if pair[1].location.segment is not None else 1 << 62,
                pair[0],
            ),
        )
        return tuple(issue for _, issue in ranked)
