"""A write-only file whose ``write`` system calls run on a thread of their own.

The kernel's copy of a large output into the page cache (``remit``'s 43-135 MB: 0.05-0.2x of
the reader's time, issue 12) needs no interpreter: ``os.write`` releases the GIL, so on
a second core it can run while the caller renders the next megabyte. :class:`Behind` gathers the
caller's writes into chunks of :data:`CHUNK` bytes and hands each, in order, through a bounded
queue (:data:`DEPTH` chunks, so memory stays flat) to one thread that writes it whole. A
``bytes`` write of a quarter chunk or more (a text layer's own chunk) is handed on uncopied.

Errors keep the file's usual shape: an ``OSError`` of the thread's ``os.write`` is raised in the
caller at its next :meth:`Behind.write` or :meth:`Behind.flush` (after a failure the thread only
drains the queue, so the caller never waits on a full one). :meth:`Behind.flush` returns once
every byte written so far is in the kernel's hands, so an ``fsync`` after it covers them all.
:meth:`Behind.close` stops the thread and closes the descriptor, whatever happened before.
"""

from __future__ import annotations

import os
import queue
import threading
from typing import Any

CHUNK = 1 << 20  # bytes a write of the thread's (the 1 MiB writes staged files already made)
DEPTH = 3  # chunks queued at most: a few MiB beside the renderer's own

_STOP = None  # the queue's last item


class Behind:
    """The writable end of descriptor ``fd``, written by a thread (see the module)."""

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._pending = bytearray()
        self._queue: queue.Queue[bytes | bytearray | None] = queue.Queue(DEPTH)
        self._failure: BaseException | None = None
        self._thread: threading.Thread | None = threading.Thread(
            target=self._drain, name="edi837-writer", daemon=True
        )
        self._thread.start()

    # -- the caller's side ----------------------------------------------------------------------
    def fileno(self) -> int:
        return self._fd

    def write(self, data: Any) -> int:
        """Queue ``data`` (bytes-like) to be written after everything before it."""
        self._raise_failure()
        if self._thread is None:
            raise ValueError("write to a closed file")
        if type(data) is bytes:
            size = len(data)
            if size >= CHUNK // 4:  # a chunk already, and immutable: handed as it is
                if self._pending:
                    self._hand_pending()
                self._queue.put(data)
                return size
        else:
            size = memoryview(data).nbytes
        self._pending += data  # copied: a view's memory is the caller's to reuse
        if len(self._pending) >= CHUNK:
            self._hand_pending()
        return size

    def flush(self) -> None:
        """Return when every byte written so far has been written to the descriptor."""
        if self._thread is None:
            return
        if self._pending:
            self._hand_pending()
        self._queue.join()
        self._raise_failure()

    def close(self) -> None:
        """Stop the thread (after what is queued) and close the descriptor; idempotent."""
        thread, self._thread = self._thread, None
        if thread is None:
            return
        if self._pending and self._failure is None:
            self._queue.put(self._pending)
        self._pending = bytearray()
        self._queue.put(_STOP)
        thread.join()
        # only once the thread is done: interrupted before that (Ctrl-C), the descriptor stays
        # open until the process ends rather than be reused under a write still in progress
        os.close(self._fd)

    # -- the thread's side ----------------------------------------------------------------------
    def _hand_pending(self) -> None:
        chunk, self._pending = self._pending, bytearray()
        self._queue.put(chunk)  # the thread owns this bytearray now: no copy

    def _drain(self) -> None:
        get, done, fd = self._queue.get, self._queue.task_done, self._fd
        while True:
            chunk = get()
            try:
                if chunk is _STOP:
                    return
                if self._failure is None:
                    view = memoryview(chunk)
                    while view:
                        view = view[os.write(fd, view) :]
            except BaseException as exc:  # handed to the caller, never lost
                self._failure = exc
            finally:
                done()

    def _raise_failure(self) -> None:
        failure = self._failure
        if failure is None:
            return
        if isinstance(failure, OSError):  # raised afresh each time, as a failed write would be
            raise OSError(failure.errno, failure.strerror) from failure
        raise RuntimeError(f"the writer thread failed: {failure!r}") from failure
