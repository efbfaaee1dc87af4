"""docs/rules.md and docs/fee-schedule.md are generated; this fails when they are stale."""

from __future__ import annotations

import sys

from .conftest import REPO


def test_generated_docs_are_current() -> None:
    sys.path.insert(0, str(REPO / "tools"))
    try:
        import gen_docs
    finally:
        sys.path.pop(0)
    for name, text in gen_docs.generate().items():
        committed = (REPO / "docs" / name).read_text(encoding="utf-8")
        assert committed == text, f"docs/{name} is stale: run `make docs`"


def test_every_command_has_a_page() -> None:
    from edi837.commands import registered

    text = "\n".join(p.read_text(encoding="utf-8") for p in (REPO / "docs").glob("*.md"))
    for command in registered():
        assert f"edi837 {command.name}" in text, f"no docs for edi837 {command.name}"
