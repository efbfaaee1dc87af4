"""Findings for people (text) and for scripts (JSON): a summary per rule first, the detail after.

A month with thousands of findings reads from the top: one line per rule with its count and what
the rule is, the totals, then the findings themselves grouped the same way, at most
``limit`` of them (``--max-issues``; the summary always counts every one).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs

from edi837.issues import Issue, Severity

TEXT_LIMIT = 100  # findings listed in text when --max-issues is not given (JSON lists all)


def _rule_titles() -> dict[str, str]:
    from edi837.rules.registry import all_rules

    return {rule.id: f"{rule.title} (source: {rule.source})" for rule in all_rules()}


@attrs.frozen(slots=True)
class RuleCount:
    """One rule's findings in a run: the summary line."""

    rule_id: str
    severity: Severity  # the most severe of its findings
    count: int
    title: str  # the payer rule's title and source; empty for input and X12 codes


def by_rule(issues: Iterable[Issue]) -> list[tuple[RuleCount, list[Issue]]]:
    """The findings grouped by rule, the most severe rules first, then by rule ID."""
    groups: dict[str, list[Issue]] = {}
    for issue in issues:
        groups.setdefault(issue.rule_id, []).append(issue)
    titles = _rule_titles() if groups else {}
    out = []
    for rule_id, items in groups.items():
        severity = min((i.severity for i in items), key=lambda s: s.rank)
        out.append((RuleCount(rule_id, severity, len(items), titles.get(rule_id, "")), items))
    out.sort(key=lambda group: (group[0].severity.rank, group[0].rule_id))
    return out


def counts(issues: Iterable[Issue]) -> dict[str, int]:
    out = {"errors": 0, "warnings": 0, "info": 0}
    for issue in issues:
        key = {"error": "errors", "warn": "warnings", "info": "info"}[issue.severity.value]
        out[key] += 1
    return out


def has_errors(issues: Iterable[Issue]) -> bool:
    return any(i.severity is Severity.ERROR for i in issues)


def _limit(limit: int | None, default: int | None) -> int | None:
    """``--max-issues``: None means the format's default, 0 means every finding."""
    chosen = default if limit is None else limit
    return None if chosen == 0 else chosen


def render_text(issues: list[Issue], *, limit: int | None = None) -> str:
    """The per-rule summary and the totals, then at most ``limit`` findings (default
    :data:`TEXT_LIMIT`, 0 for all), each on one line with where it is."""
    if not issues:
        return "no findings\n"
    groups = by_rule(issues)
    lines = []
    for rule, _ in groups:
        title = f"  {rule.title}" if rule.title else ""
        lines.append(f"{rule.severity.value.upper():5} {rule.rule_id} x{rule.count:,}{title}")
    c = counts(issues)
    lines.append(f"{c['errors']:,} error(s), {c['warnings']:,} warning(s), {c['info']:,} info")
    room = _limit(limit, TEXT_LIMIT)
    listed = 0
    for rule, items in groups:
        shown = items if room is None else items[: max(room - listed, 0)]
        if not shown:
            break
        lines.append("")
        lines.append(f"{rule.severity.value.upper():5} {rule.rule_id}")
        for issue in shown:
            where = issue.location.render()
            lines.append(f"      {where}: {issue.message}" if where else f"      {issue.message}")
        listed += len(shown)
    if listed < len(issues):
        lines.append("")
        lines.append(
            f"listed {listed:,} of {len(issues):,} findings: --max-issues 0 lists them all "
            "(or --format json)"
        )
    return "\n".join(lines) + "\n"


def issue_data(issue: Issue) -> dict[str, Any]:
    loc = issue.location
    data: dict[str, Any] = {
        "rule_id": issue.rule_id,
        "severity": issue.severity.value,
        "row": loc.first_row,
        "record_id": loc.record_id,
        "message": issue.message,
    }
    extra = {
        "file": loc.file,
        "rows": list(loc.rows) if loc.rows else None,
        "column": loc.column,
        "segment": loc.segment,
        "segment_id": loc.segment_id,
        "loop": loc.loop,
        "element": loc.element,
        "claim_id": loc.claim_id,
        "line": loc.line,
    }
    data.update({k: v for k, v in extra.items() if v is not None})
    return data


def findings_data(issues: list[Issue], *, limit: int | None = None) -> dict[str, Any]:
    """The findings part of every JSON document: counts and the per-rule summary (for the
    ``summary`` object), and the findings in the order found (by row, or segment), all of
    them unless ``limit``."""
    room = _limit(limit, None)
    groups = by_rule(issues)
    listed = issues if room is None else issues[:room]
    return {
        "counts": counts(issues),
        "by_rule": [
            {
                "rule_id": rule.rule_id,
                "severity": rule.severity.value,
                "count": rule.count,
                "title": rule.title,
            }
            for rule, _ in groups
        ],
        "omitted": len(issues) - len(listed),
        "issues": [issue_data(i) for i in listed],
    }
