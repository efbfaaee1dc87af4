"""``edi837 validate``: any X12 file through a SNIP 1-5 conformance engine (ours, or pyx12's)."""

from __future__ import annotations

import contextlib
import functools
import time
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from edi837.commands._common import as_of_option

if TYPE_CHECKING:
    from edi837.render.validation import ValidationView

PROGRESS_AFTER = 2.0  # seconds before progress is shown, and between two reports


class _Progress:
    """Progress on standard error, once a file has taken more than a couple of seconds."""

    def __init__(self, file: Path) -> None:
        self.file = file
        self.started = time.monotonic()
        self.last = self.started

    def __call__(self, done: int, total: int | None) -> None:
        now = time.monotonic()
        if now - self.started < PROGRESS_AFTER or now - self.last < PROGRESS_AFTER:
            return
        self.last = now
        share = f"{100 * done / total:.0f}% of " if total else ""
        click.echo(
            f"validate: {share}{(total or done) / 1e6:,.1f} MB of {self.file.name} read "
            f"({now - self.started:.0f} s)",
            err=True,
        )


@click.command("validate")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--engine",
    type=click.Choice(["own", "pyx12"]),
    default="own",
    show_default=True,
    help="edi837's own SNIP 1-5 engine, or pyx12's TR3 validation (SNIP 1-2, much slower).",
)
@click.option(
    "--ack",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write the 999 the engine's findings call for (accepting only a file with no error).",
)
@click.option(
    "--claim-ack",
    "claim_ack",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write a 277CA-style preview: each claim accepted or rejected, with STC codes "
    "(own engine, 837P only).",
)
@click.option(
    "--ledger",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also refuse an ISA13 this ledger already sent.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option(
    "--max-issues",
    type=click.IntRange(min=0),
    default=100,
    show_default=True,
    help="Show at most this many findings, then a count per rule.",
)
@as_of_option
def command(
    file: Path,
    engine: str,
    ack: Path | None,
    claim_ack: Path | None,
    ledger: Path | None,
    fmt: str,
    max_issues: int,
    as_of: date | None,
) -> int:
    """Validate FILE (an 837P, 835, 999, 277CA or TA1) at SNIP levels 1 to 5. Exit 0 when it
    conforms, 1 when it does not, 2 when it is not an X12 file at all."""
    from edi837.outputs import guard, write_file

    outputs = [p for p in (ack, claim_ack) if p is not None]
    for out, option in ((ack, "--ack"), (claim_ack, "--claim-ack")):
        if out is not None:
            guard(out, inputs=[file], option=option)
    if len(set(outputs)) != len(outputs):
        raise click.BadParameter("--ack and --claim-ack must be different files")
    created = datetime.combine(as_of, datetime.min.time()) if as_of else datetime.now()
    if engine == "pyx12":
        if claim_ack is not None:
            raise click.BadParameter("--claim-ack needs the own engine", param_hint="--engine")
        view, ack_text = _pyx12(file, ack is not None)
    else:
        view, ack_text, preview = _own(file, ack is not None, claim_ack, ledger, created)
        if claim_ack is not None and preview is not None:
            write_file(claim_ack, preview.encode("ascii"))
    if ack is not None:
        if ack_text is None:
            click.echo(
                f"note: pyx12 could not produce a complete 999 for {file} (it cannot for an 835); "
                f"{ack} not written",
                err=True,
            )
        else:
            write_file(ack, ack_text.encode("ascii"))
    from edi837.render.validation import render_json, render_text

    if fmt == "json":
        click.echo(render_json(view, max_issues), nl=False)
    else:
        click.echo(render_text(view, max_issues), nl=False)
        if ack is not None and ack_text is not None:
            click.echo(f"999 written to {ack}")
        if claim_ack is not None:
            click.echo(f"277CA preview written to {claim_ack}")
    return 0 if view.valid else 1


def _own(
    file: Path, want_ack: bool, claim_ack: Path | None, ledger: Path | None, created: datetime
) -> tuple[ValidationView, str | None, str | None]:
    from edi837.conformance.ack999 import acknowledgment
    from edi837.conformance.engine import validate
    from edi837.conformance.preview277 import Preview
    from edi837.ledger.store import Ledger
    from edi837.ledger.submissions import interchange_used
    from edi837.render.validation import own_view

    preview = Preview(created) if claim_ack is not None else None
    with contextlib.ExitStack() as stack:
        sent = None
        if ledger is not None:
            book = stack.enter_context(Ledger(ledger, create=False))
            sent = functools.partial(interchange_used, book)
        result = validate(
            file,
            sent=sent,
            progress=_Progress(file),
            on_claim=preview.claim if preview is not None else None,
        )
    ack_text = acknowledgment(result, created) if want_ack else None
    return own_view(result), ack_text, preview.text(result) if preview is not None else None


def _pyx12(file: Path, want_ack: bool) -> tuple[ValidationView, str | None]:
    from edi837.oracle.pyx12_validator import validate_file
    from edi837.render.validation import oracle_view

    result = validate_file(file, want_ack=want_ack)
    return oracle_view(str(file), result.ok, result.issues, result.transactions), result.ack
