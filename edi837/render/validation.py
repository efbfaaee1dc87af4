"""``edi837 validate``'s report from either engine: the findings as every command shows them
(:mod:`edi837.render.issues`: a line per rule, then each finding), then the verdict.

Both engines' results become one :class:`ValidationView`: the findings kept (in file order),
each transaction set with its verdict, the SNIP level of each rule (ours), and, for an
acknowledgment from the payer, what it says: whether the payer accepted or rejected what we
sent. :func:`document_summary` is the ``summary`` of the JSON document
(edi837/schemas/validate.schema.json).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import attrs

from edi837.conformance import snip1
from edi837.conformance.engine import Result
from edi837.conformance.findings import Finding
from edi837.issues import Issue, Location, Severity
from edi837.render import issues as issue_text

# what each acknowledgment is, for the sentence that says whether the payer accepted
ACK_KINDS = {"999": "a 999 implementation acknowledgment", "277": "a 277CA claim acknowledgment"}


@attrs.frozen
class SetLine:
    set_id: str
    control_number: str
    version: str
    checked_as: str  # the declaration it was checked against ("837p"); "" when it was not
    errors: int
    accepted: bool


@attrs.frozen
class ValidationView:
    file: str
    engine: str  # own, pyx12
    valid: bool
    issues: tuple[Issue, ...]  # the findings kept, in file order
    counts: dict[str, int]  # every finding by severity (errors, warnings, info), kept or not
    sets: tuple[SetLine, ...]
    levels: dict[int, int] = attrs.field(factory=dict)  # error findings per SNIP level (ours)
    segments: int | None = None
    seconds: float | None = None
    answer: str = ""  # what an acknowledgment file says (our engine)
    answer_kind: str = ""

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _counts(by_severity: Counter[Severity]) -> dict[str, int]:
    return {
        "errors": by_severity[Severity.ERROR],
        "warnings": by_severity[Severity.WARN],
        "info": by_severity[Severity.INFO],
    }


def own_view(result: Result) -> ValidationView:
    findings = result.findings
    severities: Counter[Severity] = Counter()
    levels: Counter[int] = Counter()
    for rule, count in findings.summary():
        severities[rule.severity] += count
        if rule.severity is Severity.ERROR:
            levels[rule.snip] += count
    sets = tuple(
        SetLine(
            s.set_id, s.control_number, s.version, s.kind, s.errors, s.errors == 0 and bool(s.kind)
        )
        for s in result.sets
    )
    kinds = {s.set_id for s in result.sets}
    answer_kind = next((ACK_KINDS[k] for k in ("999", "277") if k in kinds), "")
    if not answer_kind and result.answers.interchanges:
        answer_kind = "a TA1 interchange acknowledgment"
    return ValidationView(
        file=result.file,
        engine="own",
        valid=result.ok,
        issues=tuple(f.issue(result.file) for f in findings.sorted()),
        counts=_counts(severities),
        sets=sets,
        levels=dict(sorted(levels.items())),
        segments=result.segments,
        seconds=round(result.seconds, 3),
        answer=result.answers.words() if answer_kind else "",
        answer_kind=answer_kind,
    )


def not_x12_view(file: str, message: str) -> ValidationView:
    """A file that is not X12 at all: one finding that says what it looks like."""
    finding = Finding(snip1.NOT_X12, message, position=None, segment_id="")
    issue = attrs.evolve(finding.issue(file), location=Location(file=file))
    return ValidationView(
        file, "own", False, (issue,), {"errors": 1, "warnings": 0, "info": 0}, (), {1: 1}
    )


def oracle_view(
    file: str, ok: bool, issues: tuple[Issue, ...], transactions: tuple[tuple[str, str, str], ...]
) -> ValidationView:
    """The pyx12 engine's result (edi837.oracle.pyx12_validator.Validation) as a view."""
    severities = Counter(i.severity for i in issues)
    sets = tuple(SetLine(t, c, "", "pyx12", 0, a in ("A", "E")) for t, c, a in transactions)
    return ValidationView(file, "pyx12", ok, issues, _counts(severities), sets)


def _verdict(view: ValidationView) -> list[str]:
    counts = f"{view.counts['errors']:,} error(s), {view.counts['warnings']:,} warning(s)"
    where = f" in {view.segments:,} segments" if view.segments is not None else ""
    engine = "pyx12" if view.engine == "pyx12" else "SNIP 1-5"
    if view.valid:
        lines = [f"{view.file}: valid against the TR3 ({engine}: {counts}{where})"]
    else:
        lines = [f"{view.file}: NOT valid against the TR3 ({engine}): {counts}{where}"]
    if view.levels:
        lines.append(
            "  errors by level: "
            + ", ".join(f"SNIP {level}: {count:,}" for level, count in view.levels.items())
        )
    for line in view.sets:
        name = " ".join(p for p in (line.set_id, line.control_number, line.version) if p)
        if not line.checked_as:
            state = "not checked (a guide edi837 does not validate)"
        elif line.accepted:
            state = "accepted"
        elif view.engine == "pyx12":
            state = "rejected"
        else:
            state = f"rejected ({line.errors:,} error(s))"
        lines.append(f"  transaction set {name}: {state}")
    if view.answer_kind:
        said = view.answer or "it carries no verdict the engine could read"
        lines.append(
            f"  this is {view.answer_kind} from the payer: {said}. Run `edi837 ack "
            f"{view.file}` to record it in the ledger."
        )
    return lines


def render_text(view: ValidationView, *, limit: int | None = None) -> str:
    """The findings (edi837.render.issues' shape), then the verdict lines."""
    text = issue_text.render_text(list(view.issues), limit=limit) if view.issues else ""
    lines = [text.rstrip("\n")] if text else []
    unkept = view.total - len(view.issues)
    if unkept > 0:
        lines.append(
            f"... and {unkept:,} more finding(s) counted but not kept (the first "
            f"{len(view.issues):,} are above)"
        )
    if text:
        lines.append("")
    lines += _verdict(view)
    return "\n".join(lines) + "\n"


def document_summary(
    view: ValidationView, *, ack: Path | None, claim_ack: Path | None
) -> dict[str, Any]:
    """The JSON document's ``summary`` (its counts are of every finding, kept or not)."""
    return {
        **view.counts,
        "file": view.file,
        "valid": view.valid,
        "engine": view.engine,
        "segments": view.segments,
        "seconds": view.seconds,
        "errors_by_level": {str(level): count for level, count in view.levels.items()},
        "not_kept": view.total - len(view.issues),
        "transactions": [
            {
                "id": s.set_id,
                "control_number": s.control_number,
                "ack_code": "A" if s.accepted else "R",
                "version": s.version,
                "checked_as": s.checked_as or None,
                "errors": s.errors,
            }
            for s in view.sets
        ],
        "ack": str(ack) if ack is not None else None,
        "claim_ack": str(claim_ack) if claim_ack is not None else None,
        "answer": ({"kind": view.answer_kind, "says": view.answer} if view.answer_kind else None),
    }
