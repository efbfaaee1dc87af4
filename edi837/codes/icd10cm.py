"""ICD-10-CM: is a diagnosis code billable (a leaf of the classification) on a date of service?

The code set changes every October 1 (and, some years, on April 1). We ship the releases from
FY2023 (2022-10-01) to FY2027 (to 2027-09-30) as one base release and the changes between
releases (segments/codes/, see :mod:`edi837.codes.icd10cm_data`); each release's code set is
built on first use. :func:`check` says why a code is or is not billable; :func:`is_billable` is
the yes / no / cannot-tell answer.

Two releases are shipped in part (``complete = false`` in icd10cm-sources.toml): for a code whose
status there the sources cannot settle, the answer is None and the reason says so.
"""

from __future__ import annotations

import bisect
import tomllib
from datetime import date, timedelta
from functools import cache, lru_cache

import attrs

from edi837.codes.icd10cm_data import (
    BASE_FILE,
    CHANGES_FILE,
    SOURCES_FILE,
    parse_base,
    parse_changes,
)
from edi837.resources import segment_file

_CHILDREN_SHOWN = 8


def normalize(code: str) -> str:
    """Upper case, no dot, no spaces: the form the code set and the 837 (HI segment) use."""
    return code.strip().upper().replace(".", "")


def dotted(code: str) -> str:
    """The form people write: a dot after the category (Z59.10)."""
    return code if len(code) <= 3 else f"{code[:3]}.{code[3:]}"


@attrs.frozen(slots=True)
class Release:
    id: str  # FY2026, or 2023-04 for an April update
    effective: date
    until: date
    complete: bool  # False: built in part (icd10cm-sources.toml says how)

    def __str__(self) -> str:
        return f"ICD-10-CM {self.id} ({self.effective} to {self.until})"


@attrs.frozen(slots=True)
class Verdict:
    """The answer for one code on one date, and why."""

    code: str  # normalized
    on: date
    billable: bool | None  # None: outside the releases shipped, or the data cannot tell
    release: Release | None
    reason: str  # a sentence a biller can act on
    children: tuple[str, ...] = ()  # billable codes under a category header (normalized)
    billable_from: date | None = None  # the code is billable on other dates we ship
    billable_until: date | None = None

    @property
    def use_instead(self) -> str:
        """What to bill instead, when there is something to say."""
        if self.children:
            shown = ", ".join(dotted(c) for c in self.children[:_CHILDREN_SHOWN])
            more = len(self.children) - _CHILDREN_SHOWN
            return f"bill one of its billable codes: {shown}" + (
                f" (and {more} more)" if more > 0 else ""
            )
        if self.billable_from and self.billable_from > self.on:
            return f"{dotted(self.code)} can be billed for services from {self.billable_from}"
        if self.billable_until and self.billable_until < self.on:
            return f"{dotted(self.code)} could be billed for services until {self.billable_until}; bill the code that replaced it"
        return "check the code against the ICD-10-CM tabular list for the date of service"


class CodeSet:
    """The shipped releases. Build with :func:`code_set` (cached); each release's set is built
    when a date in it is first asked about."""

    def __init__(self, base_text: str, changes_text: str, sources_text: str) -> None:
        sources = tomllib.loads(sources_text)
        declared = sources["release"]
        last_day = date.fromisoformat(sources["last_day"])
        self.releases: list[Release] = []
        for index, entry in enumerate(declared):
            effective = date.fromisoformat(entry["effective"])
            following = declared[index + 1]["effective"] if index + 1 < len(declared) else None
            until = date.fromisoformat(following) - timedelta(days=1) if following else last_day
            self.releases.append(Release(entry["id"], effective, until, entry["complete"]))
        self.base = sources["base"]
        self.covered = frozenset(sources["covered_categories"])
        self._starts = [r.effective for r in self.releases]
        self._index = {r.id: i for i, r in enumerate(self.releases)}
        self._base_codes = frozenset(parse_base(base_text))
        self._added: dict[str, set[str]] = {r.id: set() for r in self.releases}
        self._deleted: dict[str, set[str]] = {r.id: set() for r in self.releases}
        undecided: dict[str, set[str]] = {r.id: set() for r in self.releases}
        by_action = {"added": self._added, "deleted": self._deleted, "undecided": undecided}
        for release, action, code in parse_changes(changes_text):
            by_action[action][release].add(code)
        self._undecided = {k: frozenset(v) for k, v in undecided.items()}
        self._sets: dict[str, frozenset[str]] = {self.base: self._base_codes}
        self._sorted: dict[str, list[str]] = {}
        self._headers: dict[str, frozenset[str]] = {}
        # a batch asks about a few codes on a few dates, again and again
        self._check = lru_cache(maxsize=65536)(self._verdict)

    @property
    def first_day(self) -> date:
        return self.releases[0].effective

    @property
    def last_day(self) -> date:
        return self.releases[-1].until

    def release_on(self, on: date) -> Release | None:
        if on < self.first_day or on > self.last_day:
            return None
        return self.releases[bisect.bisect_right(self._starts, on) - 1]

    def billable_codes(self, release: str) -> frozenset[str]:
        """Every billable code of one release (its undecided codes as the neighbouring whole
        release has them)."""
        found = self._sets.get(release)
        if found is None:
            here, base = self._index[release], self._index[self.base]
            if here > base:
                before = self.billable_codes(self.releases[here - 1].id)
                found = frozenset((before - self._deleted[release]) | self._added[release])
            else:
                after_id = self.releases[here + 1].id
                after = self.billable_codes(after_id)
                found = frozenset((after - self._added[after_id]) | self._deleted[after_id])
            self._sets[release] = found
        return found

    def _headers_of(self, release: str) -> frozenset[str]:
        found = self._headers.get(release)
        if found is None:
            codes = self.billable_codes(release)
            found = frozenset(code[:n] for code in codes for n in range(3, len(code)))
            self._headers[release] = found
        return found

    def _children(self, release: str, header: str) -> tuple[str, ...]:
        ordered = self._sorted.get(release)
        if ordered is None:
            ordered = self._sorted[release] = sorted(self.billable_codes(release))
        start = bisect.bisect_left(ordered, header)
        end = bisect.bisect_left(ordered, header + "\x7f")
        return tuple(ordered[start:end])

    def _span(self, code: str) -> tuple[date | None, date | None]:
        """The first and last day we ship on which the code is billable (None: never)."""
        days = [
            (r.effective, r.until)
            for r in self.releases
            if code in self.billable_codes(r.id) and code not in self._undecided[r.id]
        ]
        return (days[0][0], days[-1][1]) if days else (None, None)

    def is_billable(self, code: str, on: date) -> bool | None:
        code = normalize(code)
        release = self.release_on(on)
        if release is None:
            return None
        if code in self.billable_codes(release.id) and code not in self._undecided[release.id]:
            return True  # the common case, without building a Verdict
        return self.check(code, on).billable

    def check(self, code: str, on: date) -> Verdict:
        return self._check(normalize(code), on)

    def _verdict(self, code: str, on: date) -> Verdict:
        release = self.release_on(on)
        if release is None:
            return Verdict(
                code, on, None, None,
                f"{on} is outside the ICD-10-CM releases shipped ({self.first_day} to {self.last_day}): "
                f"{dotted(code)} was not checked",
            )  # fmt: skip
        codes = self.billable_codes(release.id)
        if code in self._undecided[release.id]:
            return Verdict(
                code, on, None, release,
                f"{release} is shipped in part: whether {dotted(code)} was billable then is not "
                "known (docs/code-sets.md says which codes and why)",
            )  # fmt: skip
        if code in codes:
            return Verdict(code, on, True, release, f"{dotted(code)} is billable in {release}")
        first, last = self._span(code)
        if code in self._headers_of(release.id):
            children = self._children(release.id, code)
            return Verdict(
                code, on, False, release,
                f"{dotted(code)} is a category header in {release}, not a billable code",
                children, first, last,
            )  # fmt: skip
        if first is not None:
            when = f"only from {first}" if first > on else f"only until {last}"
            return Verdict(
                code, on, False, release,
                f"{dotted(code)} is not a code in {release}: it is billable {when}",
                (), first, last,
            )  # fmt: skip
        if not release.complete and code[:3] not in self.covered:
            return Verdict(
                code, on, None, release,
                f"{dotted(code)} is neither billable nor a category in the ICD-10-CM data shipped "
                f"for {release}, which is shipped in part: it may be new then (docs/code-sets.md)",
            )  # fmt: skip
        return Verdict(code, on, False, release, f"{dotted(code)} is not a code in {release}")


@cache
def code_set() -> CodeSet:
    """The shipped code set, read on first use (about 35 ms)."""
    return CodeSet(
        segment_file(f"codes/{BASE_FILE}").read_text(encoding="utf-8"),
        segment_file(f"codes/{CHANGES_FILE}").read_text(encoding="utf-8"),
        segment_file(f"codes/{SOURCES_FILE}").read_text(encoding="utf-8"),
    )


def check(code: str, on: date) -> Verdict:
    """Whether ``code`` is billable for a service on ``on``, and why."""
    return code_set().check(code, on)


def is_billable(code: str, on: date) -> bool | None:
    """True or False for the release in force on ``on``; None when ``on`` is outside the releases
    shipped, or the release is shipped in part and the data cannot tell."""
    return code_set().is_billable(code, on)
