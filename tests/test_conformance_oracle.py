"""Our engine's SNIP 1-2 findings equal pyx12's: on the broken variants in fixtures/conformance/
(one per finding pyx12 reports), on our fixtures and golden files, and on the shared corpus.

Where the two differ on purpose the difference is explained by a named reason (see
tests/oracle_compare.py and docs/decisions/0009); any other difference fails. pyx12 is the oracle
here: it stays in the test suite, behind ``validate --engine pyx12``.
"""

from __future__ import annotations

import tomllib
from collections import Counter
from pathlib import Path

import pytest

from edi837.conformance.engine import validate
from edi837.errors import X12ParseError
from edi837.oracle.pyx12_validator import validate_file

from .conftest import FIXTURES
from .oracle_compare import REASONS, differences, pyx12_keys

CASES = tomllib.loads((FIXTURES / "conformance" / "cases.toml").read_text(encoding="utf-8"))["case"]
OURS = sorted(
    [
        *(FIXTURES / "golden").glob("*.837"),
        *(FIXTURES / "835").glob("*.835"),
        *(FIXTURES / "835" / "reconcile").glob("*.835"),
    ]
)


def _codes(keys: Counter[tuple[object, ...]]) -> set[str]:
    """pyx12's codes as the cases name them: ISA025, GS6, ST4, SEG3, SEGHL1, ELE7."""
    return {f"{key[0]}{key[-1]}" for key in keys}


@pytest.mark.parametrize("case", CASES, ids=[c["file"] for c in CASES])
def test_each_broken_variant_is_found_by_both_engines_alike(case: dict[str, str]) -> None:
    path = FIXTURES / "conformance" / case["file"]
    ours = validate(path)
    theirs = validate_file(path)
    assert case["rule"] in {f.rule.id for f in ours.findings.kept}, case["what"]
    if case["pyx12"] == "VALIDATOR":  # pyx12 fails on the file: nothing to compare
        assert [i.rule_id for i in theirs.issues] == ["IG-VALIDATOR"]
        return
    assert case["pyx12"] in _codes(pyx12_keys(theirs, ours)), case["what"]
    explained, only_theirs, only_ours = differences(theirs, ours)
    assert not only_theirs and not only_ours, (only_theirs, only_ours)
    assert set(explained) <= set(REASONS)


def test_every_pyx12_finding_has_a_variant() -> None:
    """The cases cover every code pyx12 reports with the 837P map (SEG2 it never does: the map
    marks no segment Not Used), and every SNIP 1-2 rule of ours that names a pyx12 code."""
    from edi837.conformance.rules import rules

    named = {c["pyx12"] for c in CASES}
    wanted = {
        *("ISA001", "ISA021", "ISA023", "ISA024", "ISA025"),
        *("GS3", "GS4", "GS5", "GS6", "ST2", "ST3", "ST4", "ST23"),
        *("SEG1", "SEG3", "SEG4", "SEG5", "SEG8", "SEGSEG1", "SEGHL1", "SEGHL2", "SEGLX"),
        *("ELE1", "ELE4", "ELE5", "ELE6", "ELE7", "ELE8", "ELE9", "ELE10"),
    }
    assert wanted <= named
    ours = {c["rule"] for c in CASES}
    # no segment or loop is Not Used in the declarations: test_conformance_engine
    # holds these to a declaration that has one
    never = {"SNIP2-SEG-NOT-USED", "SNIP2-LOOP-NOT-USED"}
    comparable = {r.id for r in rules() if r.pyx12 and r.snip <= 2}
    assert comparable - never <= ours


@pytest.mark.parametrize("path", OURS, ids=[p.name for p in OURS])
def test_our_fixtures_and_golden_files_agree_with_pyx12(path: Path) -> None:
    ours = validate(path)
    theirs = validate_file(path)
    if any(i.rule_id == "IG-VALIDATOR" for i in theirs.issues):
        # pyx12 reads files as ASCII: a byte-order mark stops it (we validate such a file)
        assert path.read_bytes().startswith(b"\xef\xbb\xbf")
        assert "SNIP1-ENCODING" in ours.findings.counts
        return
    _, only_theirs, only_ours = differences(theirs, ours)
    assert not only_theirs and not only_ours, (only_theirs, only_ours)


@pytest.mark.slow
@pytest.mark.corpus
def test_the_corpus_agrees_with_pyx12(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Every corpus file is validated or refused with a message; where pyx12 runs, the findings
    agree but for the named reasons. The counts are printed (pytest -s shows them)."""
    counts: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    unexplained: dict[str, object] = {}
    for path in sorted(p for p in corpus.rglob("*") if p.is_file() and p.name != "SOURCES.md"):
        try:
            ours = validate(path)
        except X12ParseError as exc:
            assert "not an X12 interchange" in exc.message or "ISA" in exc.message
            counts["refused"] += 1
            continue
        counts["validated"] += 1
        theirs = validate_file(path)
        if any(i.rule_id == "IG-VALIDATOR" for i in theirs.issues):
            counts["pyx12 cannot validate"] += 1
            continue
        counts["compared"] += 1
        explained, only_theirs, only_ours = differences(theirs, ours)
        reasons.update(explained)
        if only_theirs or only_ours:
            unexplained[path.name] = (dict(only_theirs), dict(only_ours))
        elif not explained:
            counts["equal"] += 1
        else:
            counts["equal but for explained differences"] += 1
    with capsys.disabled():
        print(f"\ncorpus: {dict(counts)}; explained differences: {dict(reasons)}")
    assert unexplained == {}
    assert counts["validated"] + counts["refused"] == len(
        [p for p in corpus.rglob("*") if p.is_file() and p.name != "SOURCES.md"]
    )
