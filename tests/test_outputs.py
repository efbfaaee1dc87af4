"""The one output-path guard and staged write every writing command uses."""

from __future__ import annotations

import hashlib
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from edi837.errors import EdiError
from edi837.outputs import (
    OutputRefused,
    guard,
    private_folder,
    remove_stale_partials,
    stage,
    write_file,
)


def test_guard_refuses_an_input(tmp_path: Path) -> None:
    records = tmp_path / "records.csv"
    records.write_text("x", encoding="utf-8")
    with pytest.raises(OutputRefused, match="one of this command's inputs"):
        guard(records, inputs=[records])
    # the same file reached by another spelling of its path
    with pytest.raises(OutputRefused, match="inputs"):
        guard(tmp_path / "." / "records.csv", inputs=[records])
    assert records.read_text(encoding="utf-8") == "x"


def test_guard_refuses_the_ledger_and_its_sidecar_files(tmp_path: Path) -> None:
    ledger = tmp_path / "ledger.sqlite"
    for suffix in ("", "-wal", "-shm", "-journal"):
        with pytest.raises(OutputRefused, match="the ledger"):
            guard(tmp_path / f"ledger.sqlite{suffix}", ledger=ledger)


def test_guard_refuses_links_devices_folders_and_missing_folders(tmp_path: Path) -> None:
    real = tmp_path / "real.837"
    real.write_text("x", encoding="utf-8")
    link = tmp_path / "link.837"
    link.symlink_to(real)
    with pytest.raises(OutputRefused, match="symbolic link"):
        guard(link)
    with pytest.raises(OutputRefused, match="folder"):
        guard(tmp_path)
    with pytest.raises(OutputRefused, match="not a regular file"):
        guard(Path("/dev/null"))
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(OutputRefused, match="not a regular file"):
        guard(fifo)
    with pytest.raises(OutputRefused, match="does not exist"):
        guard(tmp_path / "missing" / "out.837")


def test_guard_refuses_a_file_recorded_as_sent(tmp_path: Path) -> None:
    sent = tmp_path / "january.837"
    sent.write_text("ISA", encoding="utf-8")
    with pytest.raises(OutputRefused, match="batch 3"):
        guard(sent, sent=lambda path: "batch 3 of 2026-02-02")
    # a new file is fine, whatever the look-up would say
    assert (
        guard(tmp_path / "february.837", sent=lambda path: "batch 3") == tmp_path / "february.837"
    )


def test_staged_write_is_private_and_all_or_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out.837"
    old = os.umask(0o002)
    try:
        with stage(out) as staged:
            staged.write(b"ISA*")
            assert not out.exists()
            staged.publish()
    finally:
        os.umask(old)
    assert out.read_bytes() == b"ISA*"
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert list(tmp_path.iterdir()) == [out]

    with pytest.raises(RuntimeError), stage(tmp_path / "failed.837") as staged:
        staged.write(b"half")
        raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == [out]


def test_text_views_write_every_byte_with_or_without_the_hash(tmp_path: Path) -> None:
    # the text and binary views hand the staged file their buffers (no copy): large and small
    # writes, across the views' buffer sizes, come out whole and in order
    text = "".join(f"claim {n:06d} \u00e9\n" * (n % 7 + 1) for n in range(20_000))
    digests = []
    for digest in (True, False):
        out = tmp_path / f"out-{digest}.json"
        with stage(out, digest=digest) as staged:
            view = staged.text()
            for start in range(0, len(text), 70_001):
                view.write(text[start : start + 70_001])
            staged.publish()
            if digest:
                digests.append(staged.sha256)
            else:
                with pytest.raises(EdiError, match="without its hash"):
                    staged.sha256  # noqa: B018 (the property is what is tested)
        assert out.read_text(encoding="utf-8") == text
    assert digests == [hashlib.sha256(text.encode("utf-8")).hexdigest()]


def test_a_staged_write_hashes_what_it_writes_unless_told_not_to(tmp_path: Path) -> None:
    data = b"ISA*00*~" * 1000
    for hashed in (True, False):
        out = tmp_path / f"out-{hashed}.txt"
        with stage(out, digest=hashed) as staged:
            view = staged.binary()
            view.write(data)
            staged.publish()
            if hashed:
                assert staged.sha256 == hashlib.sha256(data).hexdigest()
            else:
                with pytest.raises(EdiError, match="without its hash"):
                    staged.sha256  # noqa: B018
        assert out.read_bytes() == data


def test_leaving_without_publish_leaves_nothing(tmp_path: Path) -> None:
    with stage(tmp_path / "refused.837") as staged:
        staged.write(b"x")
    assert list(tmp_path.iterdir()) == []


def test_a_killed_writer_leaves_a_partial_that_the_next_write_removes(tmp_path: Path) -> None:
    out = tmp_path / "out.837"
    script = (
        "import os, sys\n"
        "from pathlib import Path\n"
        "from edi837.outputs import Staged\n"
        f"s = Staged(Path({str(out)!r}))\n"
        "s.write(b'PHI')\n"
        "s.stream.flush()\n"
        "os._exit(9)\n"
    )
    subprocess.run([sys.executable, "-c", script], check=False)
    partials = [p for p in tmp_path.iterdir() if p.name.endswith(".partial")]
    assert len(partials) == 1
    write_file(out, b"new")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.837"]
    assert remove_stale_partials(out) == []


def test_a_write_error_is_a_clear_message(tmp_path: Path) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full")
    with pytest.raises(EdiError, match="cannot write"), stage(tmp_path / "out.837") as staged:
        staged.stream = open("/dev/full", "wb", buffering=0)  # noqa: SIM115
        staged.write(b"x" * 10)
    assert [p for p in tmp_path.iterdir() if p.name.endswith(".partial")] == []


def test_a_read_only_folder_is_a_clear_message(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root writes anywhere")
    folder = tmp_path / "ro"
    folder.mkdir(mode=0o500)
    with pytest.raises(EdiError, match="cannot write"):
        write_file(folder / "out.837", b"x")


def test_private_folder_is_0700(tmp_path: Path) -> None:
    folder = tmp_path / "data" / "edi837"
    private_folder(folder)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
