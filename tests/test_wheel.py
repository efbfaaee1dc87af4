"""The wheel carries segments/ and works on its own: built, installed in a fresh venv, run."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from .conftest import FIXTURES, REPO


@pytest.mark.slow
def test_the_installed_wheel_builds_the_sample(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(dist),
            str(REPO),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = dist.glob("edi837-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    codes = (
        "icd10cm-billable-base.txt",
        "icd10cm-changes.tsv",
        "icd10cm-sources.toml",
        "carc.csv",
        "x12-external.toml",
    )
    for data in (
        "837p.toml",
        "835.toml",
        "277ca.toml",
        "interchange.toml",
        "elements.toml",
        *(f"codes/{c}" for c in codes),
    ):
        assert f"edi837/segments/{data}" in names
    assert "edi837/payer/data/partnership-fee-schedule.toml" in names
    assert "edi837/lifecycle/next_actions.toml" in names
    for schema in ("claims", "check", "validate", "batch", "remit"):
        assert f"edi837/schemas/{schema}.schema.json" in names
    assert "edi837/py.typed" in names  # the API's types reach those who import it

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    # The dependencies (pyx12, lxml, attrs, click) come from the test environment, so no network
    # is needed; a path listed in a .pth is not a site directory, so the editable edi837 there
    # stays out of sight.
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--no-deps",
            "--no-index",
            "--quiet",
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    where = subprocess.run(
        [
            str(python),
            "-c",
            "import edi837, edi837.resources as r; print(edi837.__file__); print(r.segments_dir())",
        ],
        check=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    ).stdout.split()
    assert all(path.startswith(str(venv)) for path in where), where

    out = tmp_path / "demo.837"
    run = subprocess.run(
        [
            str(venv / "bin" / "edi837"),
            "build",
            str(FIXTURES / "records.csv"),
            "--profile",
            str(FIXTURES / "profile.toml"),
            "--tars",
            str(FIXTURES / "tars.csv"),
            "--ledger",
            str(tmp_path / "ledger.sqlite"),
            "--out",
            str(out),
            "--as-of",
            "2026-02-02",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert out.read_bytes() == (FIXTURES / "golden" / "demo.837").read_bytes()
