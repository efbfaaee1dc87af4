"""``edi837 validate``'s report, for people (text) and for scripts (JSON), from either engine.

Both engines' results become one :class:`ValidationView`: the findings kept (in file order), a
count per rule (with its SNIP level when the rule is ours), each transaction set with its verdict,
and, for an acknowledgment, what the payer's answer says. A file with thousands of findings shows
the first ``max_issues`` of them and then a count per rule, so the output stays readable; the JSON
carries the same cut and the same counts.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import attrs

from edi837.conformance.engine import Result
from edi837.conformance.rules import rules
from edi837.issues import Issue, Severity
from edi837.render.issues import issue_data

# what each acknowledgment is, for the sentence that says whether the payer accepted
ACK_KINDS = {"999": "a 999 implementation acknowledgment", "277": "a 277CA claim acknowledgment"}


@attrs.frozen
class RuleCount:
    rule_id: str
    severity: str
    count: int
    snip: int | None  # None: a pyx12 code (the pyx12 engine)
    text: str


@attrs.frozen
class SetLine:
    set_id: str
    control_number: str
    version: str
    checked_as: str  # the declaration it was checked against; "" when it was not checked
    errors: int
    accepted: bool


@attrs.frozen
class ValidationView:
    file: str
    engine: str  # own, pyx12
    valid: bool
    issues: tuple[Issue, ...]  # kept, in file order
    total: int  # every finding, kept or counted
    by_rule: tuple[RuleCount, ...]
    sets: tuple[SetLine, ...]
    segments: int | None = None
    seconds: float | None = None
    answer: str = ""  # what an acknowledgment file says (our engine only)
    answer_kind: str = ""

    @property
    def errors(self) -> int:
        return sum(r.count for r in self.by_rule if r.severity == Severity.ERROR.value)

    @property
    def warnings(self) -> int:
        return sum(r.count for r in self.by_rule if r.severity == Severity.WARN.value)


def own_view(result: Result) -> ValidationView:
    findings = result.findings
    by_rule = tuple(
        RuleCount(rule.id, rule.severity.value, count, rule.snip, rule.text)
        for rule, count in findings.summary()
    )
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
        total=findings.total,
        by_rule=by_rule,
        sets=sets,
        segments=result.segments,
        seconds=round(result.seconds, 3),
        answer=result.answers.words() if answer_kind else "",
        answer_kind=answer_kind,
    )


def oracle_view(
    file: str, ok: bool, issues: tuple[Issue, ...], transactions: tuple[tuple[str, str, str], ...]
) -> ValidationView:
    """The pyx12 engine's result (edi837.oracle.pyx12_validator.Validation) as a view."""
    counts = Counter(i.rule_id for i in issues)
    severities = {i.rule_id: i.severity.value for i in issues}
    by_rule = tuple(
        RuleCount(rule_id, severities[rule_id], count, None, "")
        for rule_id, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    )
    sets = tuple(SetLine(t, c, "", "pyx12", 0, a == "A") for t, c, a in transactions)
    return ValidationView(file, "pyx12", ok, issues, len(issues), by_rule, sets)


def _verdict(view: ValidationView) -> str:
    counts = f"{view.errors} error(s), {view.warnings} warning(s)"
    where = f" in {view.segments:,} segments" if view.segments is not None else ""
    if view.valid:
        return f"{view.file}: valid ({counts}{where})"
    return f"{view.file}: NOT valid: {counts}{where}"


def _levels(view: ValidationView) -> str:
    by_level: Counter[int] = Counter()
    for count in view.by_rule:
        if count.snip is not None and count.severity == Severity.ERROR.value:
            by_level[count.snip] += count.count
    return ", ".join(f"SNIP {level}: {by_level[level]}" for level in sorted(by_level))


def render_text(view: ValidationView, max_issues: int) -> str:
    """The findings (the first ``max_issues``), then counts, then the verdict lines."""
    lines: list[str] = []
    shown = view.issues[:max_issues]
    titles = {r.id: r.text for r in rules()}
    for issue in shown:
        where = issue.location.render()
        lines.append(f"{issue.severity.value:<5} {issue.rule_id} [{where}] {issue.message}")
    hidden = view.total - len(shown)
    if hidden > 0:
        lines.append(f"... and {hidden:,} more finding(s) (--max-issues N to show more); by rule:")
    if hidden > 0 or len(view.by_rule) > 1:
        width = max((len(r.rule_id) for r in view.by_rule), default=0)
        for count in view.by_rule:
            level = f"SNIP {count.snip}" if count.snip is not None else "pyx12"
            text = titles.get(count.rule_id, "")
            lines.append(f"  {count.count:>7,}  {count.rule_id:<{width}}  {level}  {text}".rstrip())
    lines.append(_verdict(view))
    levels = _levels(view)
    if levels:
        lines.append(f"  errors by level: {levels}")
    for line in view.sets:
        if not line.checked_as:
            state = "not checked (a guide edi837 does not validate)"
        elif line.accepted:
            state = "accepted"
        elif view.engine == "pyx12":
            state = "rejected"
        else:
            state = f"rejected ({line.errors} error(s))"
        lines.append(
            f"  transaction set {line.set_id} {line.control_number} {line.version}: {state}".rstrip()
        )
    if view.answer_kind:
        said = view.answer or "it carries no verdict the engine could read"
        lines.append(
            f"  this is {view.answer_kind} from the payer: {said}. Run `edi837 ack "
            f"{view.file}` to read it into the ledger."
        )
    return "\n".join(lines) + "\n"


def render_json(view: ValidationView, max_issues: int) -> str:
    shown = view.issues[:max_issues]
    document: dict[str, Any] = {
        "file": view.file,
        "engine": view.engine,
        "valid": view.valid,
        "errors": view.errors,
        "warnings": view.warnings,
        "segments": view.segments,
        "seconds": view.seconds,
        "issues_total": view.total,
        "issues_shown": len(shown),
        "issues": [issue_data(i) for i in shown],
        "by_rule": [
            {"rule_id": r.rule_id, "severity": r.severity, "snip": r.snip, "count": r.count}
            for r in view.by_rule
        ],
        "transactions": [
            {
                "id": s.set_id,
                "control_number": s.control_number,
                "version": s.version,
                "checked_as": s.checked_as or None,
                "errors": s.errors,
                "accepted": s.accepted,
            }
            for s in view.sets
        ],
        "answer": {"kind": view.answer_kind, "says": view.answer} if view.answer_kind else None,
    }
    return json.dumps(document, indent=2) + "\n"
