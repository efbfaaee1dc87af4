"""The writer thread behind a staged output (edi837.writer_thread, outputs.stage(behind=True)):
every byte in order, and a failed write of the thread's raised in the caller, nothing published."""

from __future__ import annotations

import os
import random
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from edi837 import writer_thread
from edi837.errors import EdiError
from edi837.outputs import stage
from edi837.writer_thread import CHUNK, DEPTH, Behind

from .test_remit835_output_safety import many_claims


def pieces(seed: int) -> list[bytes | bytearray | memoryview]:
    """Writes of every size around the chunk, as bytes, bytearrays and views of a reused buffer."""
    rng = random.Random(seed)
    out: list[bytes | bytearray | memoryview] = []
    for n in range(300):
        size = rng.choice([0, 1, 7, 4096, CHUNK // 4 - 1, CHUNK // 4, CHUNK - 1, CHUNK, 3 * CHUNK])
        data = bytes([n % 251]) * size
        kind = rng.randrange(3)
        out.append(data if kind == 0 else bytearray(data) if kind == 1 else memoryview(data))
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_byte_is_written_in_order(tmp_path: Path, seed: int) -> None:
    out = tmp_path / "out.bin"
    writes = pieces(seed)
    with stage(out, digest=False, behind=True) as staged:
        reused = bytearray(CHUNK)
        for data in writes:
            if isinstance(data, memoryview):  # the caller's buffer, overwritten after the call
                reused[: len(data)] = data
                staged.write(memoryview(reused)[: len(data)])
                reused[: len(data)] = b"\xff" * len(data)
            else:
                staged.write(data)
        staged.publish()
    assert out.read_bytes() == b"".join(bytes(data) for data in writes)
    assert [p.name for p in tmp_path.iterdir()] == ["out.bin"]


def test_flush_returns_once_the_bytes_are_in_the_file(tmp_path: Path) -> None:
    fd = os.open(tmp_path / "f", os.O_WRONLY | os.O_CREAT)
    behind = Behind(fd)
    try:
        behind.write(b"a" * 10)
        behind.write(b"b" * CHUNK)
        behind.flush()
        assert os.stat(tmp_path / "f").st_size == 10 + CHUNK
    finally:
        behind.close()
    behind.close()  # idempotent
    with pytest.raises(OSError):
        os.fstat(fd)  # the descriptor is closed


def full_device(staged_fd: int) -> None:
    """Point ``staged_fd`` at /dev/full: every write the thread makes now fails (ENOSPC)."""
    full = os.open("/dev/full", os.O_WRONLY)
    os.dup2(full, staged_fd)
    os.close(full)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full")
def test_a_failed_write_is_raised_at_the_next_write_and_nothing_is_published(
    tmp_path: Path,
) -> None:
    out = tmp_path / "out.xml"
    out.write_bytes(b"the previous output")
    with (
        pytest.raises(EdiError, match=r"cannot write .*out.xml: No space left on device"),
        stage(out, digest=False, behind=True) as staged,
    ):
        assert staged.stream is not None
        full_device(staged.stream.fileno())
        # the queue holds DEPTH chunks: a failure that was lost would block or publish
        for _ in range(4 * DEPTH + 8):
            staged.write(b"x" * CHUNK)
        staged.publish()
    assert out.read_bytes() == b"the previous output"
    assert [p.name for p in tmp_path.iterdir()] == ["out.xml"]


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full")
def test_a_failure_in_the_last_chunk_is_raised_by_publish(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    with (
        pytest.raises(EdiError, match="No space left on device"),
        stage(out, digest=False, behind=True) as staged,
    ):
        assert staged.stream is not None
        staged.write(b"{}")  # pending, not yet handed to the thread
        full_device(staged.stream.fileno())
        staged.publish()
    assert list(tmp_path.iterdir()) == []


def test_a_thread_failure_that_is_not_an_os_error_is_not_lost(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(fd: int, data: memoryview) -> int:
        raise ValueError("a bug")

    monkeypatch.setattr(writer_thread.os, "write", broken)
    behind = Behind(os.open(tmp_path / "f", os.O_WRONLY | os.O_CREAT))
    try:
        behind.write(b"x" * CHUNK)
        with pytest.raises(RuntimeError, match="writer thread failed: ValueError"):
            behind.flush()
    finally:
        behind.close()


def limited(size: int) -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_remit_whose_writes_fail_midway_says_so_and_leaves_the_old_output(
    tmp_path: Path, fmt: str
) -> None:
    # RLIMIT_FSIZE: the writer thread's writes past 1.5 MB fail with EFBIG (Python ignores
    # SIGXFSZ): its first chunk is written, the second is cut short, the output is 2.2 MB
    source = tmp_path / "big.835"
    source.write_text(many_claims(3000), encoding="utf-8")
    out = tmp_path / f"out.{fmt}"
    out.write_text("the previous output", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "edi837", "remit", str(source), "--format", fmt, "--out", str(out)],
        capture_output=True,
        text=True,
        preexec_fn=lambda: limited(1_500_000),
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert f"cannot write {out}: File too large" in done.stderr
    assert "Traceback" not in done.stderr
    assert out.read_text(encoding="utf-8") == "the previous output"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.835", out.name]
