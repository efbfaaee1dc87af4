"""Progress of long work, for a person watching a terminal: counts, rate and time left.

Any layer says what it is doing (``with progress.task("reading records", total=n) as t:
t.advance()``, ``progress.track(items, ...)``, ``progress.reading(stream, ...)``); nothing is
shown unless the command line turned the display on (:func:`show_on`), which it does only when
standard error is a terminal and ``--quiet`` was not given. So scripts, pipes, logs and tests
see nothing, and the work pays one no-op call per step.

The display is tqdm's (docs/decisions/0008-progress-display.md): each bar stays hidden until
the command has run for :data:`AFTER` seconds, so quick runs print nothing, and each bar is
erased when its step ends, leaving standard error to the findings and notes.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator, Sized
from contextlib import contextmanager
from contextvars import ContextVar
from typing import IO, Any, AnyStr, Generic, TextIO, TypeVar, cast

T = TypeVar("T")
S = TypeVar("S", bound=IO[Any])

AFTER = 1.0  # seconds of work before any bar appears: "work that takes more than a moment"


class Task:
    """One step being done. This base class shows nothing (the display is off)."""

    __slots__ = ()

    def advance(self, n: int = 1) -> None:
        """``n`` more units done."""

    def expect(self, total: int | None) -> None:
        """How many units there are, once it is known (the time left follows from it)."""


_SILENT = Task()


class _Bar(Task):
    """A step shown as a tqdm bar on the display's stream."""

    __slots__ = ("_bar",)

    def __init__(self, bar: Any) -> None:
        self._bar = bar

    def advance(self, n: int = 1) -> None:
        self._bar.update(n)

    def expect(self, total: int | None) -> None:
        self._bar.total = total
        self._bar.refresh()


class _Display:
    def __init__(self, stream: TextIO, after: float) -> None:
        self.stream = stream
        self.shown_from = time.monotonic() + after

    def bar(self, label: str, total: int | None, unit: str) -> _Bar:
        from tqdm import tqdm

        return _Bar(
            tqdm(
                total=total,
                desc=label,
                unit=unit,
                unit_scale=unit == "B",
                file=self.stream,
                leave=False,
                dynamic_ncols=True,
                mininterval=0.2,
                # hidden until the run as a whole has lasted AFTER seconds
                delay=max(0.0, self.shown_from - time.monotonic()),
            )
        )


_display: ContextVar[_Display | None] = ContextVar("edi837_progress", default=None)


def show_on(stream: TextIO, *, after: float | None = None) -> None:
    """Turn the display on for this run (the command line does, for a terminal); bars appear
    once the run has lasted ``after`` seconds (default :data:`AFTER`)."""
    _display.set(_Display(stream, AFTER if after is None else after))


def show_off() -> None:
    _display.set(None)


def showing() -> bool:
    return _display.get() is not None


def note(text: str) -> None:
    """A line for standard error while work may be in progress: written above the bars (tqdm's
    write) when they are shown, so a warning never lands in the middle of one."""
    display = _display.get()
    if display is None:
        print(text, file=sys.stderr)
        return
    from tqdm import tqdm

    tqdm.write(text, file=display.stream)


@contextmanager
def task(label: str, *, total: int | None = None, unit: str = "item") -> Iterator[Task]:
    """A step of ``total`` units (None while unknown), shown while the block runs."""
    display = _display.get()
    if display is None:
        yield _SILENT
        return
    bar = display.bar(label, total, unit)
    try:
        yield bar
    finally:
        bar._bar.close()


def track(
    items: Iterable[T], label: str, *, total: int | None = None, unit: str = "item"
) -> Iterator[T]:
    """``items``, one unit of progress each."""
    if _display.get() is None:
        yield from items
        return
    if total is None and isinstance(items, Sized):
        total = len(items)
    with task(label, total=total, unit=unit) as step:
        for item in items:
            yield item
            step.advance()


class Reading(Generic[AnyStr]):
    """A file being read, reporting how much of it has been read (``read`` is all that readers
    of X12 call; everything else is the file's own)."""

    def __init__(self, stream: IO[AnyStr], step: Task) -> None:
        self._stream: IO[AnyStr] = stream
        self._step = step

    def read(self, size: int = -1) -> AnyStr:
        data: AnyStr = self._stream.read(size)
        self._step.advance(len(data))
        return data

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@contextmanager
def reading(stream: S, label: str, *, size: int | None) -> Iterator[S]:
    """``stream`` as it is read, ``size`` bytes in all (for text of one-byte characters, as X12
    is, characters and bytes are the same count)."""
    if _display.get() is None:
        yield stream
        return
    with task(label, total=size, unit="B") as step:
        yield cast(S, Reading(stream, step))  # reads like the stream; the readers need no more
