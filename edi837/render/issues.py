"""Findings for people (text, grouped by rule) and for scripts (JSON)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from edi837.issues import Issue, Severity


def _rule_title(rule_id: str) -> str:
    from edi837.rules.registry import all_rules

    for rule in all_rules():
        if rule.id == rule_id:
            return f"{rule.title} (source: {rule.source})"
    return ""


def counts(issues: Iterable[Issue]) -> dict[str, int]:
    out = {"errors": 0, "warnings": 0, "info": 0}
    for issue in issues:
        key = {"error": "errors", "warn": "warnings", "info": "info"}[issue.severity.value]
        out[key] += 1
    return out


def render_text(issues: list[Issue]) -> str:
    """Grouped by rule (errors first), each finding on one line with where it is."""
    if not issues:
        return "no findings\n"
    groups: dict[str, list[Issue]] = {}
    for issue in issues:
        groups.setdefault(issue.rule_id, []).append(issue)
    order = sorted(groups, key=lambda r: (min(i.severity.rank for i in groups[r]), r))
    lines = []
    for rule_id in order:
        items = groups[rule_id]
        severity = items[0].severity.value
        title = _rule_title(rule_id)
        lines.append(
            f"{severity.upper():5} {rule_id} x{len(items)}" + (f"  {title}" if title else "")
        )
        for issue in items:
            where = issue.location.render()
            lines.append(f"      {where}: {issue.message}" if where else f"      {issue.message}")
    c = counts(issues)
    lines.append(f"{c['errors']} error(s), {c['warnings']} warning(s), {c['info']} info")
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


def render_json(issues: list[Issue], summary: dict[str, Any]) -> str:
    return (
        json.dumps({"issues": [issue_data(i) for i in issues], "summary": summary}, indent=2) + "\n"
    )


def has_errors(issues: Iterable[Issue]) -> bool:
    return any(i.severity is Severity.ERROR for i in issues)
