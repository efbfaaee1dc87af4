"""``edi837 remit``: read a payer's 835 and show what was paid, adjusted and why.

Thin, as commands are: the reader (:mod:`edi837.remit835`) streams the payments, a renderer
(:mod:`edi837.render.remit`) writes them as they come, warnings go to stderr as each payment ends.
Nothing reaches stdout until the whole file has been read: a file that turns out unreadable
halfway (binary data, a segment with no terminator) leaves stdout empty rather than half a CSV.
The output is spooled meanwhile, in memory up to :data:`SPOOL_BYTES` and then in an unnamed
temporary file (0600, gone when closed), so memory stays flat. With ``--out`` the output goes
through the one output guard (never the input, a link, a device) to a temporary file beside the
target (0600) and is renamed into place only when complete, so a failure never leaves half a
file.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO, cast

import click

from edi837 import progress
from edi837.commands._inputs import InputFile, is_dash, readable
from edi837.issues import Issue
from edi837.model.remittance import RemitEvent, RemittanceTotals
from edi837.render.remit import FORMATS
from edi837.render.safety import terminal_line

Writer = Callable[[BinaryIO], None]
SPOOL_BYTES = 8 << 20


def _stderr(issue: Issue) -> None:
    """One warning on stderr: rule, where (file, segment, loop, claim), what to know.

    Messages carry positions, codes and amounts, never a patient's name or member ID; a claim
    ID or a value behind --show-phi is the payer's text, so control characters are escaped."""
    progress.note(terminal_line(issue.render()))


@click.command("remit")
@click.argument("file", type=InputFile(dash=True))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="table",
    show_default=True,
    help="table for people; json, csv or xml for scripts (see docs/remit.md).",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write to this file (replaced only once complete) instead of standard output.",
)
@click.option("--strict", is_flag=True, help="Exit 1 when the file was read with warnings.")
def command(file: Path, fmt: str, out: Path | None, strict: bool) -> int:
    """Read the 835 remittance FILE (- reads standard input): every payment, claim and line,
    what was paid and why. Nothing is recorded (`edi837 reconcile` records).

    Exit 0 when the file was read (its warnings on standard error), 1 with --strict when there
    were warnings, 2 when the file cannot be read (truncated, not X12, no ISA envelope) or holds
    no 835 (an 837, a 999 or a 277CA: the message says which command reads it).

    \b
    Example, when a remittance arrives and before recording it:
      edi837 remit remit-0301.835 | less
      edi837 remit remit-0301.835 --format csv --out remit-0301.csv
    """
    if out is not None and is_dash(out):
        out = None
    # No bar needs turning off for a table on this terminal: stdout gets nothing until the
    # whole file is read, and the bar is gone by then.
    with readable(file) as (path, name):
        return _remit(path, name, fmt, out, strict)


def _remit(path: Path, name: str, fmt: str, out: Path | None, strict: bool) -> int:
    from edi837.perf import collector_paused
    from edi837.remit835 import RemittanceReader
    from edi837.render.remit import render
    from edi837.services.inbound import require

    require(path, {"835"}, "remit", name=name)  # an 837 or an acknowledgment: say so, exit 2
    counts = {"payments": 0, "claims": 0, "warnings": 0}
    # the reader's and renderers' objects are acyclic and freed by reference counting; the
    # collector only re-scans the survivors (perf.collector_paused, as build does)
    with collector_paused(), tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as spool:
        with (
            path.open("rb") as source,
            progress.reading(source, "reading the 835", size=path.stat().st_size) as watched,
        ):
            reader = RemittanceReader(watched, name=name)
            stream = iter(reader)  # refuses a truncated file now, before any output is written

            def events() -> Iterator[RemitEvent]:
                for event in stream:
                    if isinstance(event, RemittanceTotals):
                        counts["payments"] += 1
                        counts["claims"] += event.claim_count
                        counts["warnings"] += len(event.issues)
                        for issue in event.issues:
                            _stderr(issue)
                    yield event

            if out is None:
                render(events(), fmt, cast(BinaryIO, spool))
            else:
                _to_file(out, path, lambda target: render(events(), fmt, target))
        if out is None:  # the file was read whole, and the bar is gone: now stdout
            spool.seek(0)
            _to_stdout(cast(BinaryIO, spool))
    for issue in reader.unattached:
        counts["warnings"] += 1
        _stderr(issue)
    read = ", ".join(_count(n, what) for what, n in counts.items())
    click.echo(f"{name}: {read}" + (f"; written to {out}" if out is not None else ""), err=True)
    return 1 if strict and counts["warnings"] else 0


def _count(n: int, what: str) -> str:
    return f"{n} {what if n != 1 else what[:-1]}"


def _to_stdout(source: BinaryIO) -> None:
    # sys.stdout.buffer rather than click.get_binary_stream, which click 8.5 deprecates
    stream = sys.stdout.buffer
    try:
        shutil.copyfileobj(source, stream)
        stream.flush()
    except BrokenPipeError:
        # The reader of our output went away (`| head`): stop quietly, as Unix tools do. Point
        # stdout at /dev/null so the interpreter's final flush does not complain again.
        with contextlib.suppress(OSError, ValueError, AttributeError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())


def _to_file(target: Path, source: Path, write: Writer) -> None:
    """Through the one output guard, written whole under a temporary name (0600: a remittance
    names members), renamed only when complete."""
    from edi837.outputs import guard, stage

    guard(target, inputs=[source])
    # nothing asks a remittance's hash; the kernel's writes run beside the rendering, and the
    # renderer's text layer hands over 1 MiB at a time (render.remit.write_text), unbuffered
    with stage(target, digest=False, behind=True) as staged:
        write(staged.binary(buffered=False))
        staged.publish()
