"""Where the shipped data files live.

``segments/`` sits at the top of the repository so it is reviewed as data, and the wheel carries
it as ``edi837/segments`` (see pyproject.toml). This is the one place that knows both homes.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


@cache
def segments_dir() -> Path:
    packaged = _PACKAGE_DIR / "segments"
    if packaged.is_dir():
        return packaged
    checkout = _PACKAGE_DIR.parent / "segments"  # a source checkout or an editable install
    if checkout.is_dir():
        return checkout
    from edi837.errors import SpecError

    raise SpecError(f"the segment declarations are missing (looked in {packaged} and {checkout})")


def segment_file(name: str) -> Path:
    return segments_dir() / name
