"""ICD-10-CM billable for the date of service: the answers, their reasons, the speed."""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import pytest

from edi837.codes import icd10cm
from edi837.codes.icd10cm import CodeSet, check, code_set, is_billable
from edi837.codes.icd10cm_data import format_base, format_changes, parse_base, parse_changes

FY2024_DAY = date(2024, 3, 1)
FY2026_DAY = date(2026, 1, 12)
FY2027_DAY = date(2026, 11, 2)


def test_z59_1_became_a_category_on_october_1_2023_and_the_answer_names_its_children() -> None:
    verdict = check("Z59.1", FY2026_DAY)
    assert verdict.billable is False
    assert "category header" in verdict.reason and "FY2026" in verdict.reason
    assert verdict.children == ("Z5910", "Z5911", "Z5912", "Z5919")
    assert "Z59.10, Z59.11, Z59.12, Z59.19" in verdict.use_instead
    assert is_billable("Z59.10", date(2023, 10, 1)) is True
    assert is_billable("Z59.10", date(2023, 9, 30)) is None  # FY2023 cannot settle it (partial)


@pytest.mark.parametrize(
    ("code", "on", "expected"),
    [
        ("Z59.01", FY2026_DAY, True),
        ("z5901", FY2026_DAY, True),  # case and dot do not matter
        (" F32.A ", FY2026_DAY, True),
        ("I10", FY2024_DAY, True),
        ("Z59", FY2026_DAY, False),  # a category
        ("Z9999", FY2026_DAY, False),  # made up
        ("E11.9", date(2022, 10, 1), True),  # first day shipped
        ("E11.9", date(2027, 9, 30), True),  # last day shipped
        ("E11.9", date(2022, 9, 30), None),  # before the releases shipped
        ("E11.9", date(2027, 10, 1), None),  # after them
    ],
)
def test_is_billable(code: str, on: date, expected: bool | None) -> None:
    assert is_billable(code, on) is expected


def test_a_code_added_mid_year_is_billable_from_its_april_release() -> None:
    # Z91.141 came with the April 1, 2023 update (a change sqllocks records)
    before = check("Z91.141", date(2023, 3, 31))
    assert before.billable is False
    assert before.billable_from == date(2023, 4, 1)
    assert "can be billed for services from 2023-04-01" in before.use_instead
    assert is_billable("Z91.141", date(2023, 4, 1)) is True


def test_a_code_deleted_says_until_when_it_could_be_billed() -> None:
    # Z68.1 (BMI 19.9 or less, adult) split into Z68.18 and Z68.19 on 2026-10-01
    assert is_billable("Z68.1", date(2026, 9, 30)) is True
    verdict = check("Z68.1", FY2027_DAY)
    assert verdict.billable is False
    assert verdict.children == ("Z6818", "Z6819")
    assert verdict.billable_until == date(2026, 9, 30)
    assert check("Z68.18", date(2026, 9, 30)).billable_from == date(2026, 10, 1)


def test_fy2027_outside_the_recorded_changes_is_provisional_not_guessed() -> None:
    assert is_billable("Z59.01", FY2027_DAY) is True  # billable in FY2026, no change known
    verdict = check("Z99.99", FY2027_DAY)  # not in FY2026, category not covered: may be new
    assert verdict.billable is None
    assert "shipped in part" in verdict.reason
    assert is_billable("Z59.1", FY2027_DAY) is False  # a header stays a header
    assert is_billable("O00.121", FY2027_DAY) is True  # a recorded FY2027 addition
    assert check("O00.121", FY2026_DAY).billable is False


def test_dates_outside_the_shipped_releases_say_so() -> None:
    verdict = check("I10", date(2021, 5, 1))
    assert verdict.billable is None and verdict.release is None
    assert "outside the ICD-10-CM releases shipped (2022-10-01 to 2027-09-30)" in verdict.reason


def test_releases_run_back_to_back_with_their_counts() -> None:
    codes = code_set()
    ids = [r.id for r in codes.releases]
    assert ids == ["FY2023", "2023-04", "FY2024", "FY2025", "FY2026", "FY2027"]
    for before, after in zip(codes.releases, codes.releases[1:], strict=False):
        assert before.until + timedelta(days=1) == after.effective
    whole = {r.id: len(codes.billable_codes(r.id)) for r in codes.releases if r.complete}
    assert whole == {"FY2024": 74044, "FY2025": 74260, "FY2026": 74719}  # CMS's own counts


def test_a_100000_line_batch_builds_each_release_once_and_a_verdict_per_distinct_code() -> None:
    # The speed itself lives in `make bench` (bench_check), never in a timed test: what keeps a
    # batch cheap is that each release's set is built once and a verdict made once per distinct
    # (code, day), not per line. Counted on a fresh code set (code_set's own cache bypassed), so
    # it cannot pass on another test's warm caches.
    codes = code_set.__wrapped__()
    made: list[tuple[str, date]] = []
    verdict = codes._verdict

    def counted_verdict(code: str, on: date) -> icd10cm.Verdict:
        made.append((code, on))
        return verdict(code, on)

    codes._check = lru_cache(maxsize=65536)(counted_verdict)
    built: list[str] = []
    billable_codes = codes.billable_codes

    def counted_codes(release: str) -> frozenset[str]:
        if release not in codes._sets:
            built.append(release)
        return billable_codes(release)

    codes.billable_codes = counted_codes  # type: ignore[method-assign]
    mix = ["Z5901", "Z5902", "F329", "F1020", "I509", "E119", "Z59811", "Z742", "Z591", "Z9999"]
    days = [date(2026, 1, 1) + timedelta(days=d) for d in range(28)]
    answers = [codes.is_billable(mix[n % 10], days[n % 28]) for n in range(100_000)]
    assert answers.count(False) == 20_000
    assert built and len(built) == len(set(built))  # each release's set built once
    # only the codes that are not billable need a verdict, once per (code, day) asked
    refused = {(mix[n % 10], days[n % 28]) for n in range(100_000) if answers[n] is False}
    assert len(made) == len(set(made)) and set(made) == refused


def test_the_data_loads_lazily() -> None:
    import subprocess
    import sys

    probe = (
        "import sys, edi837.rules.generic, edi837.model.identifiers; "
        "from edi837.codes import icd10cm; print(icd10cm.code_set.cache_info().currsize)"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "0"


def test_the_text_formats_round_trip() -> None:
    codes = {"I10", "Z5901", "Z5910", "S0000XA"}
    assert set(parse_base(format_base(codes))) == codes
    assert format_base(codes).splitlines() == ["I10", "S00 00XA", "Z59 01 10"]
    changes = [("FY2027", "added", "Z6818"), ("FY2023", "undecided", "Z591")]
    assert list(parse_changes(format_changes(changes))) == changes
    with pytest.raises(ValueError, match="unknown action"):
        list(parse_changes("FY2027\tmoved\tZ591\n"))


def test_a_small_code_set_built_by_hand_answers_from_its_own_data() -> None:
    sources = """
base = "B"
last_day = "2025-09-30"
covered_categories = ["A00"]
[[release]]
id = "A"
effective = "2023-10-01"
complete = true
[[release]]
id = "B"
effective = "2024-10-01"
complete = false
how = "test"
"""
    codes = CodeSet(
        format_base({"A000", "A001"}), format_changes([("B", "added", "A001")]), sources
    )
    assert codes.is_billable("A00.1", date(2024, 1, 1)) is False
    assert codes.is_billable("A00.1", date(2024, 10, 1)) is True
    assert codes.is_billable("B99.9", date(2024, 10, 1)) is None  # partial, not covered
    assert codes.is_billable("A00.9", date(2024, 10, 1)) is False  # covered: really unknown
    assert icd10cm.dotted("A001") == "A00.1" and icd10cm.dotted("I10") == "I10"
