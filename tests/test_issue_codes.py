"""Every issue ID the source can emit is declared: in edi837/catalogue.py or as a payer rule.

The source is read, not run: every string literal or f-string shaped like an ID of ours
(``X12-...``, ``IG-...``, ``INPUT-...``, ``PROFILE-...``, ``RECONCILE-...``, ``SNIP1-...``), and every ID-shaped
string passed first to a reporting call (``add``, ``error``, ``warn``, ``info``, ``record``,
``Issue(...)``), which is how payer rules and ``ALLOWED`` are reported. A literal must be declared as such; an f-string
must have the shape of a declared family (``f"IG-{txn}-SEG{code}"`` against
``IG-<txn>-SEG<IK304>``).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import edi837.conformance  # noqa: F401 - its levels declare their rules in the catalogue
from edi837 import catalogue
from edi837.issues import Code, IssueList, Location, Report, Severity
from edi837.rules.registry import all_rules

from .conftest import REPO

SOURCE = REPO / "edi837"
OURS = re.compile(r"(X12|IG|INPUT|PROFILE|RECONCILE|SNIP[1-5])-[A-Z0-9]+(-[A-Z0-9]+)*")
ID_SHAPE = re.compile(r"[A-Z][A-Z0-9]*(-[A-Z0-9]+)*")
PREFIX = re.compile(r"(X12|IG|INPUT|PROFILE|RECONCILE|SNIP[1-5])-")
REPORTING = {"add", "error", "warn", "info", "record", "Issue", "rule"}


def _called(node: ast.Call) -> str | None:
    func = node.func
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return None


def _skeleton(node: ast.JoinedStr) -> tuple[str, ...]:
    """The literal parts of an f-string, a placeholder between each: f"IG-{t}-SEG{c}" ->
    ("IG-", "-SEG", "")."""
    parts: list[str] = [""]
    for value in node.values:
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            parts[-1] += value.value
        else:
            parts.append("")
    return tuple(parts)


def emitted() -> tuple[dict[str, list[str]], dict[tuple[str, ...], list[str]]]:
    """({literal ID: [where]}, {f-string skeleton: [where]}) over the whole package."""
    literals: dict[str, list[str]] = {}
    patterns: dict[tuple[str, ...], list[str]] = {}
    for path in sorted(SOURCE.rglob("*.py")):
        if path.name == "catalogue.py" and path.parent == SOURCE:
            continue
        where = str(path.relative_to(REPO))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if OURS.fullmatch(node.value):
                    literals.setdefault(node.value, []).append(f"{where}:{node.lineno}")
            elif isinstance(node, ast.JoinedStr):
                skeleton = _skeleton(node)
                if PREFIX.match(skeleton[0]):
                    patterns.setdefault(skeleton, []).append(f"{where}:{node.lineno}")
            elif isinstance(node, ast.Call) and _called(node) in REPORTING and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    shaped = ID_SHAPE.fullmatch(first.value) and "-" in first.value
                    if shaped or first.value == "ALLOWED":
                        literals.setdefault(first.value, []).append(f"{where}:{node.lineno}")
    return literals, patterns


def _family_skeleton(pattern: str) -> tuple[str, ...]:
    return tuple(re.split(r"<[^>]*>", pattern))


def test_every_literal_id_in_the_source_is_declared() -> None:
    rules = {rule.id for rule in all_rules()}
    literals, _ = emitted()
    assert len(literals) > 50  # the scan sees the source
    undeclared = {
        rule_id: places
        for rule_id, places in literals.items()
        if rule_id not in rules and not isinstance(catalogue.lookup(rule_id), Code)
    }
    assert undeclared == {}, "declare these in edi837/catalogue.py (or as a @rule)"


def test_every_built_id_has_the_shape_of_a_declared_family() -> None:
    _, patterns = emitted()
    assert patterns  # the oracle builds its IDs from pyx12's codes
    shapes = {_family_skeleton(family.pattern) for family in catalogue.families()}
    unknown = {skeleton: places for skeleton, places in patterns.items() if skeleton not in shapes}
    assert unknown == {}, "declare a catalogue family for these"


def test_families_match_the_ids_built_from_their_codes() -> None:
    assert catalogue.lookup("IG-837P-SEG8") is catalogue.SEGMENT_ERROR
    assert catalogue.lookup("IG-835-ELEI12") is catalogue.ELEMENT_ERROR
    assert catalogue.lookup("X12-ISA-025") is catalogue.ISA_ERROR
    assert catalogue.lookup("IG-835-SEGMENT") is catalogue.SEGMENT_835  # a code, not a family
    assert catalogue.lookup("X12-NOT-A-CODE") is None


def test_no_id_is_both_a_payer_rule_and_a_catalogue_code() -> None:
    both = [rule.id for rule in all_rules() if catalogue.lookup(rule.id) is not None]
    assert both == []


def test_a_code_is_declared_once() -> None:
    with pytest.raises(ValueError, match="declared twice"):
        catalogue.SYNTAX.code("X12-SE-COUNT", Severity.WARN, "again")


@pytest.mark.parametrize("sink", [Report(), IssueList()], ids=["Report", "IssueList"])
def test_sinks_take_the_severity_from_the_code(sink: Report | IssueList) -> None:
    sink.add(catalogue.SE_COUNT, "SE01 says 3 segments; there are 4", Location(segment=9))
    (issue,) = list(sink)
    assert (issue.rule_id, issue.severity, issue.location.segment) == (
        "X12-SE-COUNT",
        Severity.WARN,
        9,
    )


def test_the_docs_page_lists_every_code() -> None:
    text = (REPO / "docs" / "issue-codes.md").read_text(encoding="utf-8")
    missing = [code.id for code in catalogue.codes() if f"`{code.id}`" not in text]
    missing += [rule.id for rule in all_rules() if f"`{rule.id}`" not in text]
    assert missing == []


def test_source_path_is_the_package() -> None:
    assert isinstance(SOURCE, Path) and (SOURCE / "catalogue.py").exists()
