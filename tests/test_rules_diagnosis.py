"""IG-837P-ICD10-BILLABLE / -UNCHECKED on lines whose dates cross a release boundary."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace
from typing import Any

from edi837.rules.generic import diagnosis_billable


class Recorder:
    def __init__(self) -> None:
        self.found: list[tuple[str, str, str]] = []

    def add(self, rule_id: str, where: Any, message: str) -> None:
        self.found.append((rule_id, where.record_id, message))


def line(record_id: str, start: date, end: date, *codes: str) -> SimpleNamespace:
    return SimpleNamespace(record_id=record_id, service_date=start, last_date=end, diagnoses=codes)


def run(*lines: SimpleNamespace) -> list[tuple[str, str, str]]:
    found = Recorder()
    diagnosis_billable(SimpleNamespace(lines=list(lines)), found)  # type: ignore[arg-type]
    return found.found


def test_a_span_across_october_1_checks_the_code_in_both_releases() -> None:
    # Z68.1 is billable to 2026-09-30 and a category from 2026-10-01
    found = run(line("a", date(2026, 9, 20), date(2026, 10, 5), "Z681", "Z5901"))
    assert [(r, rec) for r, rec, _ in found] == [("IG-837P-ICD10-BILLABLE", "a")]
    assert "on 2026-10-05" in found[0][2] and "Z68.18, Z68.19" in found[0][2]


def test_each_line_is_reported_though_answers_are_shared() -> None:
    found = run(
        line("a", date(2026, 1, 5), date(2026, 1, 5), "Z591"),
        line("b", date(2026, 1, 6), date(2026, 1, 6), "Z591", "Z5910"),
        line("c", date(2023, 3, 1), date(2023, 3, 1), "Z591"),
        line("d", date(2026, 1, 7), date(2026, 1, 7), "Z5901"),
    )
    assert [(r, rec) for r, rec, _ in found] == [
        ("IG-837P-ICD10-BILLABLE", "a"),
        ("IG-837P-ICD10-BILLABLE", "b"),
        ("IG-837P-ICD10-UNCHECKED", "c"),
    ]


def test_dates_past_the_shipped_data_warn_rather_than_pass_silently() -> None:
    found = run(line("a", date(2027, 10, 1), date(2027, 10, 1), "Z5901"))
    assert found[0][0] == "IG-837P-ICD10-UNCHECKED"
    assert "outside the ICD-10-CM releases shipped" in found[0][2]
