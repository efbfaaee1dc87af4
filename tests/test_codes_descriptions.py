"""The code lists in segments/codes/: well formed; CARC, RARC and PLB covering the corpus and the
common denials; the 999 error codes pyx12 reports."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from edi837.codes import descriptions as codes
from edi837.errors import SpecError, X12ParseError
from edi837.resources import segment_file
from edi837.x12.tokenizer import SegmentReader

from .conftest import corpus_files

# the common ones the issue names: deductible/coinsurance/copay, coding mismatches, duplicate,
# coordination of benefits, capitation, eligibility, timely filing, not our member, fee
# schedule, medical necessity, non-covered, bundled, wrong payer, benefit maximum, invalid code
# or modifier, authorization absent or exceeded, not covered by the plan, information requested,
# network, attachment, sequestration, managed care contract, provider not eligible, hospice
COMMON_CARC = [str(n) for n in range(1, 17)] + [
    *("18", "22", "23", "24", "26", "27", "29", "31", "45", "50", "96", "97", "109", "119"),
    *("181", "182", "197", "198", "204", "226", "227", "242", "252", "253", "256", "B7", "B9"),
]
CARC_SHAPE = re.compile(r"\d{1,3}|[A-Z]\d{1,2}")
RARC_SHAPE = re.compile(r"(?:M|MA|N)\d{1,3}")


@pytest.mark.parametrize("name", [codes.CARC, codes.RARC])
def test_tables_are_code_description_rows(name: str) -> None:
    with segment_file(codes.path_of(name)).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["code", "description"]
    shape = CARC_SHAPE if name == codes.CARC else RARC_SHAPE
    for code, description in rows[1:]:
        assert shape.fullmatch(code), code
        assert description.strip() == description and len(description) >= 8, code
    assert len({row[0] for row in rows[1:]}) == len(rows) - 1


def test_common_denial_reasons_are_described() -> None:
    missing = [code for code in COMMON_CARC if codes.carc(code) is None]
    assert not missing
    assert "authoriz" in (codes.carc("197") or "").lower()
    assert "duplicate" in (codes.carc("18") or "").lower()
    assert "timely" in (codes.carc("29") or "").lower()
    assert "non-covered" in (codes.carc("96") or "").lower()


def test_an_unknown_code_has_no_description_and_is_no_error() -> None:
    assert codes.carc("ZZ9") is None
    assert codes.rarc("N99999") is None
    assert codes.remark("RX", "M1") is None  # NCPDP reject codes are not RARCs
    assert codes.remark("HE", "M1") == codes.rarc("M1")


def test_a_broken_table_is_a_spec_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "codes").mkdir()
    (tmp_path / "codes" / "carc.csv").write_text("code,description\n45,\n", encoding="utf-8")
    monkeypatch.setattr(codes, "segment_file", lambda name: tmp_path / name)
    with pytest.raises(SpecError, match="row 2"):
        codes.load_table(codes.CARC)


def _segments(path: Path) -> tuple[list[list[str]], str]:
    """Elements of every segment, and the component separator: by the X12 tokenizer when the
    file has an ISA, else by a plain split (two corpus samples start at ST)."""
    try:
        reader = SegmentReader(path)
        segments = list(reader)
        return segments, reader.delimiters.component
    except X12ParseError:
        text = path.read_text(encoding="utf-8-sig")
        return [s.strip().split("*") for s in text.split("~") if s.strip()], ">"


def corpus_codes() -> tuple[set[str], set[str]]:
    carcs: set[str] = set()
    rarcs: set[str] = set()
    for path in corpus_files("835"):
        segments, _ = _segments(path)
        for elements in segments:
            seg_id, values = elements[0], elements[1:]
            if seg_id == "CAS":
                carcs.update(values[i] for i in range(1, len(values), 3))
            elif seg_id == "LQ" and values[:1] == ["HE"]:
                rarcs.update(values[1:2])
            elif seg_id in ("MOA", "MIA"):
                rarcs.update(v for v in values if RARC_SHAPE.fullmatch(v))
    return {c for c in carcs if CARC_SHAPE.fullmatch(c)}, {
        r for r in rarcs if RARC_SHAPE.fullmatch(r)
    }


@pytest.mark.corpus
def test_every_code_in_the_corpus_is_described(corpus: Path) -> None:
    carcs, rarcs = corpus_codes()
    assert len(carcs) >= 25 and len(rarcs) >= 10  # the scan found the codes it should
    assert sorted(c for c in carcs if codes.carc(c) is None) == []
    assert sorted(r for r in rarcs if codes.rarc(r) is None) == []


def test_plb_reasons_are_described() -> None:
    with segment_file(codes.path_of(codes.PLB)).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["code", "description"]
    assert all(re.fullmatch(r"[0-9A-Z]{2}", code) for code, _ in rows[1:])
    assert "overpayment" in (codes.plb("WO") or "").lower()
    assert "interest" in (codes.plb("L6") or "").lower()
    assert codes.plb("Q9") is None


def test_every_plb_reason_in_the_corpus_is_described(corpus: Path) -> None:
    seen: set[str] = set()
    for path in corpus_files("835"):
        try:
            for segment in SegmentReader(path):
                if segment[0] == "PLB":
                    for composite in segment[3::2]:
                        seen.add(re.split(r"[^0-9A-Za-z]", composite)[0])
        except X12ParseError:
            continue
    # template placeholders in two corpus files ("resnCode", "XX") are not codes
    real = {code for code in seen if re.fullmatch(r"[0-9A-Z]{2}", code) and code != "XX"}
    assert real >= {"WO", "72", "L6", "CV", "CT", "CS"}
    assert [code for code in sorted(real) if codes.plb(code) is None] == []


def test_the_999_error_codes_pyx12_reports_are_described() -> None:
    assert codes.describe(codes.IK304, "3") == "required segment missing"
    assert codes.describe(codes.IK403, "8") == "invalid date"
    assert codes.describe(codes.IK403, "I12") == "implementation pattern match failure"
    assert codes.describe(codes.IK304, "99") is None
