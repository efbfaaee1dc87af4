"""``edi837 remit``: read a payer's 835 and show what was paid, adjusted and why.

Thin, as commands are: the reader (:mod:`edi837.remit835`) streams the payments, a renderer
(:mod:`edi837.render.remit`) writes them as they come, warnings go to stderr as each payment ends.
With ``--out`` the output goes through the one output guard (never the input, a link, a device)
to a temporary file beside the target (0600) and is renamed into place only when complete, so a
failure never leaves half a file.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

import click

from edi837 import progress
from edi837.commands._common import InputFile, is_dash, readable
from edi837.issues import Issue
from edi837.model.remittance import RemitEvent, RemittanceTotals
from edi837.render.remit import FORMATS

Writer = Callable[[BinaryIO], None]


def _stderr(issue: Issue) -> None:
    """One warning on stderr: rule, where (file, segment, loop, claim), what to know.

    Messages carry positions, codes and amounts, never a patient's name or member ID."""
    progress.note(issue.render())


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
    if out is None and sys.stdout.isatty():
        progress.show_off()  # the table streams to this terminal: no bar across it
    with readable(file) as (path, name):
        return _remit(path, name, fmt, out, strict)


def _remit(path: Path, name: str, fmt: str, out: Path | None, strict: bool) -> int:
    from edi837.remit835 import RemittanceReader
    from edi837.render.remit import render
    from edi837.services.inbound import require

    require(path, {"835"}, "remit", name=name)  # an 837 or an acknowledgment: say so, exit 2
    counts = {"payments": 0, "claims": 0, "warnings": 0}
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
            _to_stdout(lambda target: render(events(), fmt, target))
        else:
            _to_file(out, path, lambda target: render(events(), fmt, target))
    for issue in reader.unattached:
        counts["warnings"] += 1
        _stderr(issue)
    read = ", ".join(_count(n, what) for what, n in counts.items())
    click.echo(f"{name}: {read}" + (f"; written to {out}" if out is not None else ""), err=True)
    return 1 if strict and counts["warnings"] else 0


def _count(n: int, what: str) -> str:
    return f"{n} {what if n != 1 else what[:-1]}"


def _to_stdout(write: Writer) -> None:
    # sys.stdout.buffer rather than click.get_binary_stream, which click 8.5 deprecates
    stream = sys.stdout.buffer
    try:
        write(stream)
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
    with stage(target) as staged:
        write(staged.binary())
        staged.publish()
