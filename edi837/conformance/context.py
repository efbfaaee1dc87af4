"""Where the engine is in a file, and what it has seen of its envelopes.

:class:`Context` locates every finding: the segment being checked (its position in the file and
in its transaction set, its ID and loop), the envelopes around it (by ordinal) and the claim being
read. The checks report through :meth:`Context.report`; a check that reports on a segment it saw
earlier (a claim's total, when the claim closes) keeps a :class:`Where` of it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import attrs

from edi837.conformance.answers import Answers
from edi837.conformance.findings import Finding, Findings
from edi837.conformance.rules import Rule
from edi837.issues import Severity


class Where(NamedTuple):
    """A segment's place, kept to report on it later (a tuple: a claim keeps several)."""

    position: int
    set_position: int
    loop: str
    segment_id: str


@attrs.define(slots=True)
class SetSummary:
    """One transaction set as the engine saw it."""

    interchange: int
    group: int
    transaction: int
    set_id: str
    control_number: str
    version: str
    position: int
    kind: str = ""  # the declaration it was validated with ("837p"...); "" when it was not
    segments: int = 0
    claims: int = 0
    errors: int = 0


@attrs.define(slots=True)
class GroupSummary:
    interchange: int
    group: int
    functional_id: str
    control_number: str
    version: str
    position: int
    sender: str = ""
    receiver: str = ""
    sets: int = 0
    declared_sets: int | None = None  # GE01, when it is a number


@attrs.define(slots=True)
class InterchangeSummary:
    interchange: int
    control_number: str
    position: int
    delimiters: str = ""  # its element and component separators ("*:")
    sender_qualifier: str = ""
    sender: str = ""
    receiver_qualifier: str = ""
    receiver: str = ""
    date: str = ""
    time: str = ""
    ack_requested: str = ""
    usage: str = ""


class Context:
    """See the module docstring."""

    def __init__(self, findings: Findings, name: str) -> None:
        self.findings = findings
        self.name = name
        self.position = 0  # of the segment being checked, in the file
        self.set_position = 0  # in its transaction set (ST is 1)
        self.seg_id = ""
        self.loop = ""
        self.component = ":"  # the interchange's component separator
        self.interchange = 0
        self.group = 0
        self.transaction = 0
        self.claim = ""  # CLM01 of the claim being read (837P); "" outside one
        self.summary: SetSummary | None = None  # the transaction set being read
        self.on_claim: Callable[[Any], None] | None = None  # each closed claim (837P)
        self.answers = Answers()  # what an acknowledgment file says

    def where(self, segment_id: str | None = None) -> Where:
        return Where(self.position, self.set_position, self.loop, segment_id or self.seg_id)

    def report(
        self,
        rule: Rule,
        message: str,
        *,
        at: Where | None = None,
        segment_id: str | None = None,
        loop: str | None = None,
        element: str = "",
        data_element: str = "",
        position: int | None = None,
        claim: str | None = None,
    ) -> None:
        """Record a finding at the current segment, or ``at`` one seen earlier (the other
        arguments override either)."""
        in_set = self.summary is not None
        if at is not None:
            where_position, set_position = at.position, at.set_position
            where_loop, where_id = at.loop, at.segment_id
        else:
            where_position, set_position = self.position, self.set_position
            where_loop, where_id = self.loop, self.seg_id
        finding = Finding(
            rule,
            message,
            position=where_position if position is None else position,
            segment_id=where_id if segment_id is None else segment_id,
            loop=where_loop if loop is None else loop,
            element=element,
            interchange=self.interchange,
            group=self.group,
            transaction=self.transaction if in_set else 0,
            set_position=set_position if in_set else 0,
            data_element=data_element,
            claim=self.claim if claim is None else claim,
        )
        self.findings.add(finding)
        if rule.severity is Severity.ERROR and self.summary is not None:
            self.summary.errors += 1
