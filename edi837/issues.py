"""Problems found in the data, collected rather than raised.

Every problem has a rule ID (``X12-...``, ``IG-837P-...``, ``IG-835-...``, ``INPUT-...``,
``PROFILE-...``, or a payer rule such as ``ECM-PMPM-MONTH``), a severity, a message that says what
to do, and a location precise enough to find it: file, spreadsheet row and column for records,
segment position and loop for X12.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from enum import StrEnum

import attrs


class Severity(StrEnum):
    ERROR = "error"
    WARN = "warn"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 0, "warn": 1, "info": 2}[self.value]


@attrs.frozen(slots=True)
class Location:
    """Where a problem is. Every field is optional; render() shows the ones that are set."""

    file: str | None = None
    row: int | None = None
    rows: tuple[int, ...] = ()
    column: str | None = None
    record_id: str | None = None
    segment: int | None = None
    segment_id: str | None = None
    loop: str | None = None
    claim_id: str | None = None
    line: str | None = None

    def render(self) -> str:
        parts = []
        if self.file:
            parts.append(self.file)
        rows = self.rows or ((self.row,) if self.row is not None else ())
        if rows:
            label = "row" if len(rows) == 1 else "rows"
            parts.append(f"{label} {', '.join(str(r) for r in rows)}")
        if self.column:
            parts.append(f"column {self.column}")
        if self.record_id:
            parts.append(f"record {self.record_id}")
        if self.segment is not None:
            seg = f"segment {self.segment}"
            if self.segment_id:
                seg += f" ({self.segment_id})"
            parts.append(seg)
        if self.loop:
            parts.append(f"loop {self.loop}")
        if self.claim_id:
            parts.append(f"claim {self.claim_id}")
        if self.line:
            parts.append(f"line {self.line}")
        return ", ".join(parts)

    @property
    def first_row(self) -> int | None:
        if self.row is not None:
            return self.row
        return self.rows[0] if self.rows else None


@attrs.frozen(slots=True)
class Issue:
    rule_id: str
    severity: Severity
    message: str
    location: Location = Location()

    def render(self) -> str:
        where = self.location.render()
        prefix = f"{self.severity.value:<5} {self.rule_id}"
        return f"{prefix} [{where}] {self.message}" if where else f"{prefix} {self.message}"


@attrs.define
class Report:
    """An ordered collection of issues from one run."""

    issues: list[Issue] = attrs.field(factory=list)

    def add(
        self,
        rule_id: str,
        severity: Severity,
        message: str,
        location: Location | None = None,
    ) -> Issue:
        issue = Issue(rule_id, severity, message, location or Location())
        self.issues.append(issue)
        return issue

    def error(self, rule_id: str, message: str, location: Location | None = None) -> Issue:
        return self.add(rule_id, Severity.ERROR, message, location)

    def warn(self, rule_id: str, message: str, location: Location | None = None) -> Issue:
        return self.add(rule_id, Severity.WARN, message, location)

    def info(self, rule_id: str, message: str, location: Location | None = None) -> Issue:
        return self.add(rule_id, Severity.INFO, message, location)

    def extend(self, issues: Iterable[Issue]) -> None:
        self.issues.extend(issues)

    def __iter__(self) -> Iterator[Issue]:
        return iter(self.issues)

    def __len__(self) -> int:
        return len(self.issues)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity is Severity.WARN]

    @property
    def infos(self) -> list[Issue]:
        return [i for i in self.issues if i.severity is Severity.INFO]

    @property
    def has_errors(self) -> bool:
        return any(i.severity is Severity.ERROR for i in self.issues)

    def sorted(self) -> list[Issue]:
        """Stable order for output: by first row / segment, then severity, then rule."""

        def key(issue: Issue) -> tuple[int, int, int, str]:
            loc = issue.location
            row = loc.first_row
            seg = loc.segment
            return (
                row if row is not None else (seg if seg is not None else -1),
                seg if seg is not None else -1,
                issue.severity.rank,
                issue.rule_id,
            )

        return sorted(self.issues, key=key)
