"""Approved TARs (treatment authorization requests), as the provider lists them for ``--tars``."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import attrs


@attrs.frozen(slots=True)
class Tar:
    row: int
    tar_number: str
    member_id: str
    start: date
    end: date
    # approved code + U-modifier keys: "G9008-U1", "G9012" (GQ and U8 dropped: a TAR approves
    # the service, not the mode or the outreach)
    codes: frozenset[str]
    # approved_codes as the list wrote them ("G9008-U1-GQ"), for TAR-CONTENTS
    listed: tuple[str, ...] = ()

    def covers(self, first: date, last: date) -> bool:
        return self.start <= first and last <= self.end


def tar_key(procedure: str, modifiers: Iterable[str]) -> str:
    """The key a TAR approves: the code and its U-modifier, without GQ (mode) or U8 (outreach)."""
    kept = [m for m in modifiers if m not in ("GQ", "U8")]
    return "-".join((procedure, *kept))


@attrs.frozen
class TarList:
    file: str
    tars: tuple[Tar, ...]

    def for_member(self, member_id: str) -> list[Tar]:
        return [t for t in self.tars if t.member_id == member_id]

    def find(self, member_id: str, tar_number: str) -> Tar | None:
        for tar in self.tars:
            if tar.member_id == member_id and tar.tar_number == tar_number:
                return tar
        return None
