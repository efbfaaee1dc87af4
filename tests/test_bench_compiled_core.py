"""bench/bench_compiled_core.py measures a mypyc build of the reader in a scratch copy: its
patches must still apply to today's source, and without a toolchain it measures nothing."""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pytest

from bench import bench_compiled_core as core


def test_every_mypyc_patch_applies_once_to_the_current_source(tmp_path: Path) -> None:
    for name in {name for name, _, _ in core.PATCHES}:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(core.REPO / name, tmp_path / name)
    core.apply_patches(tmp_path)
    for name, _, new in core.PATCHES:
        patched = (tmp_path / name).read_text(encoding="utf-8")
        assert new in patched
        ast.parse(patched, filename=name)
    assert (core.REPO / "edi837/x12/transactions.py").read_text(encoding="utf-8") != (
        tmp_path / "edi837/x12/transactions.py"
    ).read_text(encoding="utf-8")  # the repository's own file is untouched


def test_a_patch_that_no_longer_applies_is_reported(tmp_path: Path) -> None:
    (tmp_path / "edi837/x12").mkdir(parents=True)
    (tmp_path / "edi837/x12/transactions.py").write_text("class Gathered(list):\n    pass\n")
    with pytest.raises(RuntimeError, match="no longer applies"):
        core.apply_patches(tmp_path)


def test_every_hot_module_exists() -> None:
    assert all((core.REPO / module).is_file() for module in core.HOT_MODULES)


def test_without_a_c_compiler_it_measures_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert "no C compiler" in (core.missing_toolchain() or "")
    assert core.run(tmp_path) == {"skipped": f"no compiled build: {core.missing_toolchain()}"}
    assert list(tmp_path.iterdir()) == []
