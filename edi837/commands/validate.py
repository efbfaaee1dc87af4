"""``edi837 validate``: any X12 file through a SNIP 1-5 conformance engine (ours, or pyx12's)."""

from __future__ import annotations

import contextlib
import functools
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from edi837.commands._common import as_of_option, format_option, max_issues_option, write_document
from edi837.commands._inputs import InputFile, readable

if TYPE_CHECKING:
    from edi837.render.validation import ValidationView


@click.command("validate")
@click.argument("file", type=InputFile(dash=True))
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
    help="Also write the 999 the findings call for (it accepts only a file with no error).",
)
@click.option(
    "--claim-ack",
    "claim_ack",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write a 277CA-style preview: each claim accepted or rejected, with STC codes "
    "(own engine, 837P).",
)
@click.option(
    "--ledger",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also refuse an interchange control number (ISA13) this ledger already handed out.",
)
@format_option(
    "text", "json", default="text", help="json: the document of docs/validate.md (its JSON Schema)."
)
@max_issues_option
@as_of_option
def command(
    file: Path,
    engine: str,
    ack: Path | None,
    claim_ack: Path | None,
    ledger: Path | None,
    fmt: str,
    max_issues: int | None,
    as_of: date | None,
) -> int:
    """Validate FILE (an 837P, 835, 999, 277CA or TA1; - reads standard input) at SNIP levels
    1 to 5. The findings and the verdict go to standard output. Exit 0 when it conforms, 1 when
    it does not (a file that is not X12 at all does not conform).

    \b
    Example, before uploading the month's file to the payer:
      edi837 validate january.837
      edi837 build january.csv --profile profile.toml --out - | edi837 validate -
    """
    from edi837.outputs import guard, write_file
    from edi837.render.validation import document_summary, render_text

    for out, option in ((ack, "--ack"), (claim_ack, "--claim-ack")):
        if out is not None:
            guard(out, inputs=[file], option=option)
    if ack is not None and claim_ack is not None and ack == claim_ack:
        raise click.BadParameter("--ack and --claim-ack must be different files")
    if engine == "pyx12" and claim_ack is not None:
        raise click.BadParameter("--claim-ack needs the own engine", param_hint="--engine")
    created = datetime.combine(as_of, datetime.min.time()) if as_of else datetime.now()
    with readable(file) as (path, name):
        if engine == "pyx12":
            view, ack_text, preview = (*_pyx12(path, name, ack is not None), None)
        else:
            view, ack_text, preview = _own(path, name, ack, claim_ack, ledger, created)
    written = None
    if ack is not None:
        if ack_text is None:
            click.echo(
                f"note: no complete 999 could be made for {name}; {ack} not written", err=True
            )
        else:
            write_file(ack, ack_text.encode("ascii"))
            written = ack
    if claim_ack is not None and preview is not None:
        write_file(claim_ack, preview.encode("ascii"))
    code = 0 if view.valid else 1
    if fmt == "json":
        summary = document_summary(view, ack=written, claim_ack=claim_ack if preview else None)
        write_document("validate", code, list(view.issues), summary, limit=max_issues)
        return code
    click.echo(render_text(view, limit=max_issues), nl=False)
    if written is not None:
        click.echo(f"the 999 is in {written}", err=True)
    if claim_ack is not None and preview is not None:
        click.echo(f"the 277CA preview is in {claim_ack}", err=True)
    return code


def _own(
    path: Path,
    name: str,
    ack: Path | None,
    claim_ack: Path | None,
    ledger: Path | None,
    created: datetime,
) -> tuple[ValidationView, str | None, str | None]:
    from edi837 import progress
    from edi837.conformance.ack999 import acknowledgment
    from edi837.conformance.engine import validate
    from edi837.conformance.preview277 import Preview
    from edi837.errors import X12ParseError
    from edi837.ledger.store import Ledger
    from edi837.ledger.submissions import interchange_used
    from edi837.render.validation import not_x12_view, own_view

    preview = Preview(created) if claim_ack is not None else None
    with contextlib.ExitStack() as stack:
        sent = None
        if ledger is not None:
            book = stack.enter_context(Ledger(ledger, create=False))
            sent = functools.partial(interchange_used, book)
        source = stack.enter_context(open(path, "rb"))
        watched = stack.enter_context(
            progress.reading(source, "validating", size=path.stat().st_size)
        )
        try:
            result = validate(
                watched,
                name=name,
                sent=sent,
                on_claim=preview.claim if preview is not None else None,
            )
        except X12ParseError as exc:  # not X12 at all: named, and it does not conform
            return not_x12_view(name, exc.message), None, None
    ack_text = acknowledgment(result, created) if ack is not None and result.interchanges else None
    text = preview.text(result) if preview is not None else None
    return own_view(result), ack_text, text


def _pyx12(path: Path, name: str, want_ack: bool) -> tuple[ValidationView, str | None]:
    from edi837.oracle.pyx12_validator import validate_file
    from edi837.render.validation import oracle_view

    result = validate_file(path, want_ack=want_ack, name=name)
    view = oracle_view(name, result.ok, result.issues, result.transactions)
    return view, result.ack
