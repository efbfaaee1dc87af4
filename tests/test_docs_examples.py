"""The examples in docs/extending.md run: a 277CA reader and a validation rule, each written on
the transaction stream as the page says."""

from __future__ import annotations

import re
from typing import Any

import pytest

from edi837.issues import Code, IssueList, Severity
from edi837.x12.tokenizer import SegmentReader
from edi837.x12.transactions import TransactionStream

from .conftest import CORPUS, FIXTURES, REPO

PAGE = (REPO / "docs" / "extending.md").read_text(encoding="utf-8")


def example(name: str, **given: Any) -> dict[str, Any]:
    """Run the python block that follows ``<!-- example: name -->``; return its namespace."""
    match = re.search(rf"<!-- example: {name} -->\n```python\n(.*?)```", PAGE, re.S)
    assert match, f"docs/extending.md has no example {name}"
    namespace: dict[str, Any] = dict(given)
    exec(compile(match.group(1), f"docs/extending.md ({name})", "exec"), namespace)
    return namespace


def test_the_277ca_reader_reads_claim_statuses() -> None:
    sample = CORPUS / "ack" / "imsweb-x12__x12_277CA_accepted.txt"
    if not sample.exists():
        pytest.skip("../shared/corpus is not present")
    statuses = example("x277ca")["claim_statuses"](sample)
    assert statuses == [("5781", "A2", "20")]  # accepted into the payer's system


# the code the page declares in edi837/catalogue.py; not declared for real by a test
SYNTAX_NOTE = Code("X12-SYNTAX-NOTE", Severity.ERROR, "a syntax note is broken", "X12 syntax")


@pytest.mark.parametrize(("broken", "found"), [(False, []), (True, ["P0809"])])
def test_the_validation_rule_finds_a_broken_syntax_note(broken: bool, found: list[str]) -> None:
    text = (FIXTURES / "golden" / "demo.837").read_text(encoding="ascii")
    if broken:  # NM108 without its NM109 in the billing provider's NM1
        head, _, tail = text.partition("NM1*85*2*")
        name, npi_and_rest = tail.split("*XX*", 1)
        text = head + "NM1*85*2*" + name + "*XX*~" + npi_and_rest.split("~", 1)[1]
    check = example("syntax-notes", SYNTAX_NOTE=SYNTAX_NOTE)["check_syntax_notes"]
    sink = IssueList()
    check(TransactionStream(SegmentReader(text.encode()), IssueList()), sink)
    assert [issue.message.rsplit(" ", 1)[1] for issue in sink] == found
