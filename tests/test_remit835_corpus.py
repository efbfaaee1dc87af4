"""Every 835 in ../shared/corpus/835 (see its SOURCES.md) is read, with the claim count and paid
total an independent count gives, or refused with a clear message."""

from __future__ import annotations

import io
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pytest

from edi837.errors import X12ParseError
from edi837.remit835 import read_advice, read_remittances
from edi837.render.remit import FORMATS, render

from .conftest import corpus_files

FILES = corpus_files("835")
# SOURCES.md: "no ISA/GS envelope" (a template, and a sample that starts at ST)
REFUSED = {
    "affect-edi-835-parser__exhaustive_sample.txt": "the file starts with ST instead of ISA",
    "edi-835-parser__blue_cross_nc_sample.txt": "the file starts with ST instead of ISA",
}


def independent_count(path: Path) -> list[tuple[int, Decimal]]:
    """(claims, sum of CLP04) per 835 transaction set, the simplest way that works on this
    corpus: no tokenizer, no loops. The terminator is '~' when the file has one, else the
    newline; the element separator is the character after 'ISA'. A CLP04 that is not a number
    counts as nothing, as in the reader."""
    text = path.read_bytes().decode("utf-8-sig").strip()
    element = text[3]
    terminator = "~" if "~" in text else "\n"
    counts: list[tuple[int, Decimal]] = []
    inside = False
    for raw in text.split(terminator):
        fields = raw.strip().split(element)
        if fields[0] == "ST":
            inside = fields[1] == "835"
            if inside:
                counts.append((0, Decimal(0)))
        elif fields[0] == "CLP" and inside:
            claims, paid = counts[-1]
            try:
                amount = Decimal(fields[4]) if len(fields) > 4 and fields[4] else Decimal(0)
            except InvalidOperation:
                amount = Decimal(0)
            counts[-1] = (claims + 1, paid + amount)
    return counts


@pytest.mark.corpus
@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_read_with_the_independent_count_or_refused_clearly(path: Path) -> None:
    if path.name in REFUSED:
        with pytest.raises(X12ParseError) as caught:
            read_advice(path)
        assert REFUSED[path.name] in str(caught.value)
        assert caught.value.position == 1
        return
    payments = read_advice(path)
    ours = [(p.totals.claim_count, p.totals.total_paid) for p in payments]
    assert ours == independent_count(path)
    for payment in payments:  # every warning says where: file and segment position
        for issue in payment.issues:
            assert issue.location.file == str(path) and issue.location.segment is not None


@pytest.mark.corpus
def test_most_files_are_read_defective_ones_included(corpus: Path) -> None:
    read = [p for p in FILES if p.name not in REFUSED]
    assert len(FILES) >= 40 and len(read) == len(FILES) - len(REFUSED)
    defective = 0
    for path in read:
        if any(p.issues for p in read_advice(path)):
            defective += 1
    assert defective >= 15  # the deviations SOURCES.md lists are found, and the files still read


@pytest.mark.corpus
@pytest.mark.parametrize("fmt", FORMATS)
def test_every_readable_corpus_file_renders_in_every_format(corpus: Path, fmt: str) -> None:
    for path in FILES:
        if path.name in REFUSED:
            continue
        out = io.BytesIO()
        render(read_remittances(path), fmt, out)
        assert out.getvalue()


@pytest.mark.corpus
def test_the_multi_interchange_sample_keeps_each_interchange_apart(corpus: Path) -> None:
    payments = read_advice(corpus / "835" / "tastypackets-x12__profee-multiple.edi")
    assert len(payments) == 156  # 156 interchanges of one transaction set each
    assert sum(p.totals.claim_count for p in payments) == 468
    assert all(p.issues == () for p in payments)
