"""``edi837 init [PATH] [--tars PATH]``: write a commented provider profile template, a
commented TAR list template, or both."""

from __future__ import annotations

import os
from pathlib import Path

import click

from edi837.ingest.template import PROFILE_TEMPLATE, TARS_TEMPLATE


def _refuse(path: Path, force: bool) -> None:
    if path.exists() and not force:
        raise click.ClickException(f"{path} exists; pass --force to overwrite it")
    if not path.parent.is_dir():
        raise click.ClickException(f"the folder of {path} does not exist")


def _write(path: Path, text: str) -> None:
    """Whole or not at all: a temporary file beside it, renamed into place."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


@click.command("init")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path), required=False)
@click.option(
    "--tars",
    "tars",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also (or only) write a commented TAR list template (CSV) to this path.",
)
@click.option("--force", is_flag=True, help="Overwrite existing files.")
def command(path: Path | None, tars: Path | None, force: bool) -> int:
    """Write a commented provider profile template to PATH, and with --tars a TAR list
    template. Fill in every value marked REPLACE: edi837 refuses a file that still holds one."""
    if path is None and tars is None:
        raise click.UsageError("give the profile PATH to write, or --tars PATH, or both")
    targets = [(p, text) for p, text in ((path, PROFILE_TEMPLATE), (tars, TARS_TEMPLATE)) if p]
    for target, _ in targets:
        _refuse(target, force)  # both checked before either is written
    for target, text in targets:
        _write(target, text)
    if path is not None:
        click.echo(
            f"wrote {path}: fill in every value marked REPLACE, then run `edi837 build` with --profile {path}"
        )
    if tars is not None:
        click.echo(
            f"wrote {tars}: replace the example row with your approved TARs, then pass --tars {tars}"
        )
    return 0
