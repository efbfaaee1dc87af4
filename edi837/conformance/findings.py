"""What the engine finds, and where it keeps it.

A :class:`Finding` is one problem: its rule (SNIP level, ID, severity, 999 code), a message that
says what is wrong and what to do (member data in it already masked), and where: the segment's
position in the file and in its transaction set, its ID, the loop, the element (refdes) and the
claim. :class:`Findings` keeps them for the report, the 999 and the 277CA preview, with counts
per rule, and stops keeping (but goes on counting) past a limit, so a file where every claim has
the same fault does not hold a million findings in memory.
"""

from __future__ import annotations

from collections import Counter

import attrs

from edi837.conformance.rules import Rule
from edi837.issues import Issue, Location, Severity

KEEP = 20_000  # findings kept in memory; the rest are counted


@attrs.frozen(slots=True)
class Finding:
    rule: Rule
    message: str
    position: int | None = None  # of the segment in the file, 1-based (None: the whole file)
    segment_id: str = ""  # for a missing segment, the one that is missing
    loop: str = ""  # the loop path: 2000A/2000B/2300
    element: str = ""  # reference designator: NM109, SV101-2
    interchange: int = 0  # ordinal of the interchange in the file (1-based; 0: none)
    group: int = 0  # ordinal of the functional group in its interchange
    transaction: int = 0  # ordinal of the transaction set in its group (0: outside one)
    set_position: int = 0  # the segment's position in its transaction set, ST = 1 (IK302)
    data_element: str = ""  # the data element number (IK402): 1035, 67...
    claim: str = ""  # CLM01 of the claim it concerns

    @property
    def severity(self) -> Severity:
        return self.rule.severity

    @property
    def loop_id(self) -> str:
        return self.loop.rpartition("/")[2]

    def issue(self, file: str | None = None) -> Issue:
        location = Location(
            file=file,
            segment=self.position,
            segment_id=self.segment_id or None,
            loop=self.loop or None,
            element=self.element or None,
            claim_id=self.claim or None,
        )
        return Issue(self.rule.id, self.rule.severity, self.message, location)


class Findings:
    """The findings of one file: the first ``keep`` in file order, and a count of every rule."""

    def __init__(self, keep: int = KEEP) -> None:
        self.keep = keep
        self.kept: list[Finding] = []
        self.counts: Counter[str] = Counter()
        self.rules: dict[str, Rule] = {}
        self.errors = 0
        self.warnings = 0
        # error counts per envelope, for the acknowledgments: (interchange, group, transaction)
        self.error_sets: Counter[tuple[int, int, int]] = Counter()

    def add(self, finding: Finding) -> None:
        rule = finding.rule
        self.counts[rule.id] += 1
        self.rules.setdefault(rule.id, rule)
        if rule.severity is Severity.ERROR:
            self.errors += 1
            self.error_sets[(finding.interchange, finding.group, finding.transaction)] += 1
        elif rule.severity is Severity.WARN:
            self.warnings += 1
        if len(self.kept) < self.keep:
            self.kept.append(finding)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def dropped(self) -> int:
        return self.total - len(self.kept)

    def sorted(self) -> list[Finding]:
        """The kept findings in file order (stable: findings of one segment keep their order)."""
        return sorted(self.kept, key=lambda f: f.position if f.position is not None else -1)

    def summary(self) -> list[tuple[Rule, int]]:
        """(rule, count) for every rule found, most frequent first, then by ID."""
        return sorted(
            ((self.rules[key], count) for key, count in self.counts.items()),
            key=lambda pair: (-pair[1], pair[0].id),
        )
