"""The parsed declarations kept between runs (edi837.x12.parsed): a cached form is exactly
tomllib's parse of the file's bytes now, and a stale, damaged or unwritable cache only costs the
parse."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from edi837.resources import segments_dir
from edi837.x12 import parsed, spec

DECLARATIONS = sorted(p.name for p in segments_dir().glob("*.toml"))


def _refusing(source: bytes) -> Any:
    raise AssertionError("parsed again although the cache holds this source")


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("EDI837_CACHE_DIR", str(tmp_path))
    return tmp_path


@pytest.mark.parametrize("name", DECLARATIONS)
def test_a_cached_declaration_is_tomllibs_parse(name: str, folder: Path) -> None:
    source = (segments_dir() / name).read_bytes()
    expected = tomllib.loads(source.decode("utf-8"))
    assert spec.load_toml(name) == expected  # cold: parsed, then kept
    assert [p.name for p in folder.iterdir()] == [parsed.cache_file(folder, name, source).name]
    assert parsed.parsed(name, source, _refusing) == expected  # warm: read back, not parsed


def test_changed_source_is_parsed_again(folder: Path) -> None:
    assert parsed.parsed("x.toml", b"a = 1\n", lambda raw: {"a": 1}) == {"a": 1}
    # the same name, crc and length with other bytes could not be told apart by the file name:
    # the bytes kept inside the cache decide
    path = parsed.cache_file(folder, "x.toml", b"a = 2\n")
    path.write_bytes(parsed.cache_file(folder, "x.toml", b"a = 1\n").read_bytes())
    assert parsed.parsed("x.toml", b"a = 2\n", lambda raw: {"a": 2}) == {"a": 2}


@pytest.mark.parametrize("junk", [b"", b"\x00garbage", b"\xe9\x03\x00\x00\x00"])
def test_a_damaged_cache_file_is_parsed_past(folder: Path, junk: bytes) -> None:
    parsed.cache_file(folder, "x.toml", b"a = 1\n").write_bytes(junk)
    assert parsed.parsed("x.toml", b"a = 1\n", lambda raw: {"a": 1}) == {"a": 1}
    assert parsed.parsed("x.toml", b"a = 1\n", _refusing) == {"a": 1}  # and kept again


def test_an_unwritable_cache_only_costs_the_parse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("EDI837_CACHE_DIR", str(blocker / "cache"))
    assert parsed.parsed("x.toml", b"a = 1\n", lambda raw: {"a": 1}) == {"a": 1}
    assert list(tmp_path.iterdir()) == [blocker]


def test_an_empty_setting_turns_the_cache_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EDI837_CACHE_DIR", "")
    assert parsed.cache_dir() is None
    calls: list[bytes] = []
    for _ in range(2):
        parsed.parsed("x.toml", b"a = 1\n", lambda raw: calls.append(raw) or {"a": 1})
    assert calls == [b"a = 1\n", b"a = 1\n"]


def test_the_default_folder_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("EDI837_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert parsed.cache_dir() == tmp_path / "edi837"
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    assert parsed.cache_dir() == Path.home() / ".cache" / "edi837"


def test_a_malformed_declaration_is_still_refused(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = folder / "segments"
    bad.mkdir()
    (bad / "bad.toml").write_text("a = [\n", encoding="utf-8")
    monkeypatch.setattr(spec, "segment_file", lambda name: bad / name)
    with pytest.raises(spec.SpecError, match="cannot load"):
        spec.load_toml("bad.toml")
