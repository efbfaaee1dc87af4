"""The two text formats of the shipped ICD-10-CM data, written by tools/gen_icd10cm.py and read
by :mod:`edi837.codes.icd10cm`. Kept together so the writer and the reader cannot drift.

- ``icd10cm-billable-base.txt``: the billable codes of the base release, one category a line:
  ``Z59 00 01 02 10 11 12 19 2 ...`` (the category, then each billable code's characters after
  it), or the category alone when it is itself billable (``I10``). 74,719 codes in 339 kB.
- ``icd10cm-changes.tsv``: ``release<TAB>added|deleted|undecided<TAB>code``. ``added`` and
  ``deleted`` compare a release with the one before it; ``undecided`` marks a code whose status
  in that release the sources cannot settle.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

BASE_FILE = "icd10cm-billable-base.txt"
CHANGES_FILE = "icd10cm-changes.tsv"
SOURCES_FILE = "icd10cm-sources.toml"
ACTIONS = ("added", "deleted", "undecided")
_CHANGES_HEADER = "# release\taction\tcode (written by tools/gen_icd10cm.py: do not edit)"


def format_base(codes: Iterable[str]) -> str:
    by_category: dict[str, list[str]] = {}
    for code in sorted(codes):
        by_category.setdefault(code[:3], []).append(code[3:])
    lines = [
        " ".join([category, *(s for s in rests if s)]) for category, rests in by_category.items()
    ]
    return "\n".join(lines) + "\n"


def parse_base(text: str) -> Iterator[str]:
    for line in text.splitlines():
        category, *rests = line.split()
        if not rests:
            yield category
        for rest in rests:
            yield category + rest


def format_changes(changes: Iterable[tuple[str, str, str]]) -> str:
    return "\n".join([_CHANGES_HEADER, *("\t".join(change) for change in changes)]) + "\n"


def parse_changes(text: str) -> Iterator[tuple[str, str, str]]:
    for line in text.splitlines():
        if line and not line.startswith("#"):
            release, action, code = line.split("\t")
            if action not in ACTIONS:
                raise ValueError(f"{CHANGES_FILE}: unknown action {action!r} for {code}")
            yield release, action, code
