"""Every file edi837 writes goes through here: one guard for where it may go, one staged write.

``guard(out, inputs=..., ledger=...)`` refuses an output that would destroy something: one of the
command's inputs (records, profile, TAR list, the file being read), the ledger or its ``-wal`` /
``-shm`` / ``-journal`` files, a file the ledger recorded as sent, a symlink, a device, FIFO,
socket or folder, or a path whose folder does not exist.

``stage(out)`` writes under a temporary name beside the target, created 0600 (outputs hold member
data), and only :meth:`Staged.publish` renames it into place. ``-`` is standard output: the file
is staged in a private temporary folder and copied to standard output on publish, so nothing
reaches the pipe before the ledger has recorded what it holds. Whatever happens before that, the
temporary file is removed; a killed process leaves one behind, and the next write of the same
output removes it (its process is gone). Publishing after the ledger's COMMIT is what lets a
build hand out control numbers exactly once: see ``services/emit.py``.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import stat
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, BinaryIO, cast

from edi837.errors import EdiError, InputError
from edi837.writer_thread import Behind

if TYPE_CHECKING:
    from hashlib import _Hash

PRIVATE = 0o600  # every output may hold member data
STDOUT_NAME = "<stdout>"  # how an output given as `-` is named in messages and the ledger
LEDGER_SUFFIXES = ("", "-wal", "-shm", "-journal")

# Recorded-as-sent lookup: the ledger's description of the batch that wrote this file, or None.
SentLookup = Callable[[Path], str | None]


class OutputRefused(InputError):
    """The output path would overwrite something it must not (exit 2, nothing written)."""


def is_stdout(out: Path) -> bool:
    return str(out) == "-"


def shown(out: Path) -> str:
    """The output as messages and the ledger name it."""
    return STDOUT_NAME if is_stdout(out) else str(out)


def _same(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def _resolved(path: Path) -> Path:
    return Path(os.path.realpath(path))


def guard(
    out: Path,
    *,
    inputs: Iterable[Path | None] = (),
    ledger: Path | None = None,
    sent: SentLookup | None = None,
    option: str = "--out",
) -> Path:
    """Check ``out`` before anything is computed; return it. Raises :class:`OutputRefused`."""
    if is_stdout(out):
        return out  # standard output destroys nothing
    shown = f"{option} {out}"
    if out.is_symlink():
        raise OutputRefused(
            f"{shown} is a symbolic link; edi837 does not write through links",
            hint="give the real file's path",
        )
    try:
        mode = out.stat().st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise OutputRefused(f"{shown} cannot be examined: {exc.strerror or exc}") from None
    if mode is not None and not stat.S_ISREG(mode):
        kind = "a folder" if stat.S_ISDIR(mode) else "not a regular file (a device, FIFO or socket)"
        raise OutputRefused(f"{shown} is {kind}", hint="name a file to write")
    parent = out.parent if str(out.parent) else Path(".")
    if not parent.is_dir():
        raise OutputRefused(
            f"the folder of {shown} does not exist ({parent})", hint="create the folder first"
        )
    target = _resolved(out)
    for given in inputs:
        if given is None:
            continue
        if _same(out, given) or target == _resolved(given):
            raise OutputRefused(
                f"{shown} is one of this command's inputs ({given}); it would be overwritten",
                hint="write the output to a new file",
            )
    if ledger is not None:
        for suffix in LEDGER_SUFFIXES:
            part = ledger.with_name(ledger.name + suffix)
            if _same(out, part) or target == _resolved(part):
                raise OutputRefused(
                    f"{shown} is the ledger{' (' + suffix + ' file)' if suffix else ''} ({part}); "
                    "writing there would destroy the billing history",
                    hint="write the output to a new file",
                )
    if sent is not None and mode is not None:
        batch = sent(out)
        if batch is not None:
            raise OutputRefused(
                f"{shown} is a file the ledger recorded as sent ({batch}); it must not be replaced",
                hint="write the new file under a new name",
            )
    return out


# .NAME.PID.RANDOM.partial: the temporary file of a write in progress (or of a killed one)
def _partial_pattern(name: str) -> re.Pattern[str]:
    return re.compile(rf"^\.{re.escape(name)}\.(\d+)\.[0-9a-f]+\.partial$")


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it exists, owned by someone else
    return True


def remove_stale_partials(out: Path) -> list[Path]:
    """Remove the temporary files a killed write of ``out`` left behind (they hold member data)."""
    pattern = _partial_pattern(out.name)
    removed: list[Path] = []
    parent = out.parent if str(out.parent) else Path(".")
    try:
        names = os.listdir(parent)
    except OSError:
        return removed
    for name in names:
        match = pattern.match(name)
        if match and not _alive(int(match.group(1))):
            with contextlib.suppress(OSError):
                (parent / name).unlink()
                removed.append(parent / name)
    return removed


def _sha256() -> _Hash:
    import hashlib  # only for a digest: loading OpenSSL's hashes was a twentieth of remit's start

    return hashlib.sha256()


class Staged:
    """A file being written under a temporary name beside its target."""

    def __init__(
        self, out: Path, *, mode: int = PRIVATE, digest: bool = True, behind: bool = False
    ) -> None:
        self.out = out
        self.mode = mode
        parent = out.parent if str(out.parent) else Path(".")
        self.temp = parent / f".{out.name}.{os.getpid()}.{os.urandom(4).hex()}.partial"
        # the content hash is for the 837P's ledger record; a text output nobody hashes skips it
        # (hashing the 120 MB work queue cost a quarter of a second)
        self._digest = _sha256() if digest else None
        self.published = False
        self.size = 0
        self._views: list[Any] = []  # the binary() and text() views, flushed by close()
        remove_stale_partials(out)
        try:
            fd = os.open(self.temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        except OSError as exc:
            raise EdiError(f"cannot write {out}: {exc.strerror or exc}") from None
        os.fchmod(fd, mode)  # the umask must not widen or narrow it
        # behind: the write system calls run on a thread beside the caller (writer_thread)
        self.stream: IO[bytes] | Behind | None = (
            Behind(fd) if behind else os.fdopen(fd, "wb", buffering=1 << 20)
        )

    # -- writing ----------------------------------------------------------------------------
    def write(self, data: bytes | memoryview) -> None:
        if self.stream is None:
            raise EdiError(f"{self.out}: write after close (a bug in edi837)")
        try:
            self.stream.write(data)
        except OSError as exc:
            raise EdiError(f"cannot write {self.out}: {exc.strerror or exc}") from None
        if self._digest is not None:
            self._digest.update(data)
        self.size += len(data)

    def write_text(self, text: str, encoding: str = "utf-8") -> None:
        self.write(text.encode(encoding))

    def binary(self, *, buffered: bool = True) -> BinaryIO:
        """A binary file object over :meth:`write`, for writers that want a stream (CSV, XML).
        It is flushed by :meth:`close` and :meth:`publish`. ``buffered=False``: each write goes
        straight to :meth:`write`, for a writer that makes large ones (a text layer with a
        large chunk: render.remit.write_text)."""
        raw = _RawTo(self)
        if not buffered:
            return cast(BinaryIO, raw)
        view = io.BufferedWriter(raw, buffer_size=1 << 16)
        self._views.append(view)
        return view

    def text(self, encoding: str = "utf-8") -> io.TextIOWrapper:
        """A text file object over :meth:`write` (see :meth:`binary`)."""
        view = io.TextIOWrapper(self.binary(), encoding=encoding, newline="", write_through=True)
        self._views.append(view)
        return view

    @property
    def sha256(self) -> str:
        if self._digest is None:
            raise EdiError(f"{self.out}: staged without its hash (a bug in edi837)")
        return self._digest.hexdigest()

    def close(self) -> None:
        """Flush and fsync: after this the content is on disk under the temporary name."""
        for view in reversed(self._views):
            view.flush()
        self._views.clear()
        stream, self.stream = self.stream, None
        if stream is None:
            return
        try:
            stream.flush()
            os.fsync(stream.fileno())
        except OSError as exc:
            with contextlib.suppress(OSError):
                stream.close()
            raise EdiError(f"cannot write {self.out}: {exc.strerror or exc}") from None
        stream.close()

    # -- the end ------------------------------------------------------------------------------
    def publish(self) -> Path:
        """Rename the complete file into place (and make the rename durable)."""
        self.close()
        try:
            os.replace(self.temp, self.out)
        except OSError as exc:
            raise EdiError(f"cannot write {self.out}: {exc.strerror or exc}") from None
        self.published = True
        _fsync_folder(self.out)
        return self.out

    def discard(self) -> None:
        if self.stream is not None:
            with contextlib.suppress(OSError):
                self.stream.close()
            self.stream = None
        if not self.published:
            with contextlib.suppress(OSError):
                self.temp.unlink()


class _RawTo(io.RawIOBase):
    """The raw end of :meth:`Staged.binary`: every write goes through :meth:`Staged.write`."""

    def __init__(self, staged: Staged) -> None:
        self._staged = staged

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        if type(data) is bytes:  # a text layer's chunk: immutable, so handed on as it is
            self._staged.write(data)
            return len(data)
        # the buffer's own bytes, not a copy: Staged.write copies them into its stream's buffer
        chunk = memoryview(data).cast("B")
        self._staged.write(chunk)
        return chunk.nbytes


def _fsync_folder(path: Path) -> None:
    parent = path.parent if str(path.parent) else Path(".")
    try:
        fd = os.open(parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class ToStdout(Staged):
    """A file for standard output, staged in a private temporary folder (0700) and copied to
    standard output by :meth:`publish`; the temporary copy is always removed."""

    def __init__(self, *, mode: int = PRIVATE, digest: bool = True, behind: bool = False) -> None:
        self._folder = Path(tempfile.mkdtemp(prefix="edi837-"))
        super().__init__(self._folder / "stdout", mode=mode, digest=digest, behind=behind)
        self.out = Path(STDOUT_NAME)  # for messages; nothing is written under this name

    def publish(self) -> Path:
        self.close()
        target = sys.stdout.buffer
        try:
            with open(self.temp, "rb") as staged:
                shutil.copyfileobj(staged, target, 1 << 20)
            target.flush()
        except BrokenPipeError:
            raise EdiError(
                "standard output was closed before the whole file was written",
                hint="the ledger keeps the batch unconfirmed; the next build abandons it",
            ) from None
        except OSError as exc:
            raise EdiError(f"cannot write to standard output: {exc.strerror or exc}") from None
        self.published = True
        return self.out

    def discard(self) -> None:
        super().discard()
        with contextlib.suppress(OSError):
            self.temp.unlink()
        shutil.rmtree(self._folder, ignore_errors=True)


@contextmanager
def stage(
    out: Path, *, mode: int = PRIVATE, digest: bool = True, behind: bool = False
) -> Iterator[Staged]:
    """``with stage(out) as staged: staged.write(...); ...; staged.publish()``. Leaving the block
    without publishing (an error, a refusal) removes the temporary file. ``-`` is standard
    output (:class:`ToStdout`). ``digest=False``: no :attr:`Staged.sha256` is wanted.
    ``behind=True``: the writes run on a thread beside the caller (:mod:`edi837.writer_thread`),
    for a large output; what is published, and when, is the same."""
    staged = (
        ToStdout(mode=mode, digest=digest, behind=behind)
        if is_stdout(out)
        else Staged(out, mode=mode, digest=digest, behind=behind)
    )
    try:
        yield staged
    finally:
        staged.discard()


def write_file(out: Path, data: bytes, *, mode: int = PRIVATE) -> Path:
    """A small output written whole or not at all (guard it first)."""
    with stage(out, mode=mode) as staged:
        staged.write(data)
        return staged.publish()


def private_folder(path: Path) -> None:
    """Create a data folder edi837 owns (the ledger's) as 0700; an existing one is left as is."""
    if path.is_dir():
        return
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(path, 0o700)
    except OSError as exc:
        raise EdiError(f"cannot create the folder {path}: {exc.strerror or exc}") from None
