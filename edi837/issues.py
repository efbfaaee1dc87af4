"""Problems found in the data, collected rather than raised.

Every problem has a rule ID (``X12-...``, ``IG-837P-...``, ``IG-835-...``, ``INPUT-...``,
``PROFILE-...``, or a payer rule such as ``ECM-PMPM-MONTH``), a severity, a message that says what
to do, and a location precise enough to find it: file, spreadsheet row and column for records,
segment position and loop for X12.

Every ID is declared once as a :class:`Code` (ID, severity, what it means) in
:mod:`edi837.catalogue`, or as a payer rule in :mod:`edi837.rules`. Problems travel through one
channel, a :class:`Sink`: anything with ``add(code, message, location)``. :class:`Report` (a run's
issues), :class:`IssueList` (a plain list, for the syntax layer) and :class:`Capped` (at most so
many per code, the rest counted) are the sinks there are.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from enum import StrEnum
from typing import Any, Protocol, overload

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
    element: str | None = None  # a reference designator: NM109, SV101-2
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
        if self.element:
            parts.append(self.element)
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
class Code:
    """One kind of problem: its ID, its severity, and what it means (for docs/issue-codes.md).

    Declared once, in :mod:`edi837.catalogue`; emitted as ``sink.add(CODE, message, location)``.
    """

    id: str
    severity: Severity
    text: str
    section: str = ""


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

    @classmethod
    def of(cls, code: Code, message: str, location: Location | None = None) -> Issue:
        return cls(code.id, code.severity, message, location or Location())


class Sink(Protocol):
    """Where problems go: the one channel every layer reports through."""

    def add(self, code: Code, message: str, location: Location | None = None) -> object: ...


class IssueList(list[Issue]):
    """A plain list of issues that is also a :class:`Sink` (the tokenizer's and the envelope
    walker's default): callers that gather and re-sort issues keep list operations."""

    def add(self, code: Code, message: str, location: Location | None = None) -> Issue:
        issue = Issue(code.id, code.severity, message, location or Location())
        self.append(issue)
        return issue


class Capped:
    """A :class:`Sink` decorator: at most ``limit`` issues of each code reach ``sink``; the rest
    are only counted (:meth:`dropped`), so a file where every claim has the same fault does not
    hold one issue per claim in memory."""

    __slots__ = ("_codes", "counts", "limit", "sink")

    def __init__(self, sink: Sink, limit: int) -> None:
        self.sink = sink
        self.limit = limit
        self.counts: dict[str, int] = {}
        self._codes: dict[str, Code] = {}

    def add(self, code: Code, message: str, location: Location | None = None) -> None:
        seen = self.counts.get(code.id, 0) + 1
        self.counts[code.id] = seen
        if seen <= self.limit:
            if seen == 1:
                self._codes[code.id] = code
            self.sink.add(code, message, location)

    def dropped(self) -> list[tuple[Code, int]]:
        """(code, how many were not passed on) for each code that went past the limit, in the
        order the codes were first seen."""
        return [
            (self._codes[key], seen - self.limit)
            for key, seen in self.counts.items()
            if seen > self.limit
        ]

    def drain(self) -> list[tuple[Code, int]]:
        """:meth:`dropped`, and start counting afresh (the next transaction's own limit)."""
        dropped = self.dropped()
        self.counts.clear()
        self._codes.clear()
        return dropped


@attrs.define
class Report:
    """An ordered collection of issues from one run. A :class:`Sink`: ``add(code, message,
    location)``; the older ``add(rule_id, severity, message, location)`` is still accepted."""

    issues: list[Issue] = attrs.field(factory=list)

    @overload
    def add(self, code: Code, message: str, /, location: Location | None = None) -> Issue: ...

    @overload
    def add(
        self, code: str, severity: Severity, message: str, /, location: Location | None = None
    ) -> Issue: ...

    def add(self, code: Code | str, *args: Any, location: Location | None = None) -> Issue:
        if isinstance(code, Code):  # add(code, message[, location])
            message, where = args[0], args[1] if len(args) > 1 else location
            issue = Issue(code.id, code.severity, message, where or Location())
        else:  # add(rule_id, severity, message[, location])
            severity, message, where = args[0], args[1], args[2] if len(args) > 2 else location
            issue = Issue(code, severity, message, where or Location())
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
