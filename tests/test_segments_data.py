"""segments/*.toml are derived from pyx12's maps; this fails when they are stale."""

from __future__ import annotations

import sys

from .conftest import REPO


def test_segment_declarations_match_the_pyx12_maps() -> None:
    sys.path.insert(0, str(REPO / "tools"))
    try:
        import gen_segments
    finally:
        sys.path.pop(0)
    generated = gen_segments.generate()
    for name, text in generated.items():
        committed = (REPO / "segments" / name).read_text(encoding="utf-8")
        assert committed == text, f"segments/{name} is stale: run `make segments`"
