"""``edi837 validate``: any 837P (or other X12 file) through pyx12's full TR3 validation."""

from __future__ import annotations

from pathlib import Path

import click


@click.command("validate")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--ack",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write the 999 pyx12 would return.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def command(file: Path, ack: Path | None, fmt: str) -> int:
    """Validate FILE against its TR3 (pyx12). Exit 0 when it conforms, 1 when it does not."""
    from edi837.oracle.pyx12_validator import validate_file
    from edi837.outputs import guard, write_file
    from edi837.render.issues import render_json, render_text

    if ack is not None:
        guard(ack, inputs=[file], option="--ack")
    result = validate_file(file, want_ack=ack is not None)
    if ack is not None:
        if result.ack is None:
            click.echo(
                f"note: pyx12 could not produce a complete 999 for {file} (it cannot for an 835); "
                f"{ack} not written",
                err=True,
            )
        else:
            write_file(ack, result.ack.encode("ascii"))
    issues = list(result.issues)
    summary = {
        "file": str(file),
        "valid": result.ok,
        "transactions": [
            {"id": t, "control_number": c, "ack_code": a} for t, c, a in result.transactions
        ],
        "errors": len(issues),
    }
    if fmt == "json":
        click.echo(render_json(issues, summary), nl=False)
    else:
        if issues:
            click.echo(render_text(issues), nl=False)
        verdict = "valid" if result.ok else "NOT valid"
        sets = ", ".join(f"{t} {c} ({a})" for t, c, a in result.transactions) or "none read"
        click.echo(f"{file}: {verdict} against the TR3 (pyx12); transaction sets: {sets}")
        if ack is not None and result.ack is not None:
            click.echo(f"999 written to {ack}")
    return 0 if result.ok else 1
