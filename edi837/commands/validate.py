"""``edi837 validate``: any 837P (or other X12 file) through pyx12's full TR3 validation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from edi837.commands._common import (
    InputFile,
    format_option,
    max_issues_option,
    readable,
    write_document,
)


@click.command("validate")
@click.argument("file", type=InputFile(dash=True))
@click.option(
    "--ack",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write the 999 pyx12 would return.",
)
@format_option(
    "text", "json", default="text", help="json: the document of docs/validate.md (its JSON Schema)."
)
@max_issues_option
def command(file: Path, ack: Path | None, fmt: str, max_issues: int | None) -> int:
    """Validate FILE (an 837P, or any X12 file; - reads standard input) against its TR3 with
    pyx12. The findings and the verdict go to standard output. Exit 0 when it conforms, 1 when
    it does not.

    \b
    Example, before uploading the month's file to the payer:
      edi837 validate january.837
      edi837 build january.csv --profile profile.toml --out - | edi837 validate -
    """
    from edi837.oracle.pyx12_validator import validate_file
    from edi837.outputs import guard, write_file
    from edi837.render.issues import render_text

    if ack is not None:
        guard(ack, inputs=[file], option="--ack")
    with readable(file) as (path, name):
        result = validate_file(path, want_ack=ack is not None, name=name)
    written = None
    if ack is not None:
        if result.ack is None:
            click.echo(
                f"note: pyx12 could not produce a complete 999 for {name} (it cannot for an 835); "
                f"{ack} not written",
                err=True,
            )
        else:
            write_file(ack, result.ack.encode("ascii"))
            written = ack
    issues = list(result.issues)
    code = 0 if result.ok else 1
    if fmt == "json":
        summary: dict[str, Any] = {
            "file": name,
            "valid": result.ok,
            "transactions": [
                {"id": t, "control_number": c, "ack_code": a} for t, c, a in result.transactions
            ],
            "ack": str(written) if written is not None else None,
        }
        write_document("validate", code, issues, summary, limit=max_issues)
        return code
    if issues:
        click.echo(render_text(issues, limit=max_issues), nl=False)
    verdict = "valid" if result.ok else "NOT valid"
    sets = ", ".join(f"{t} {c} ({a})" for t, c, a in result.transactions) or "none read"
    click.echo(f"{name}: {verdict} against the TR3 (pyx12); transaction sets: {sets}")
    if written is not None:
        click.echo(f"the 999 pyx12 would return is in {written}", err=True)
    return code
