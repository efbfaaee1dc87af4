"""``edi837 init PATH``: write a commented provider profile template."""

from __future__ import annotations

import os
from pathlib import Path

import click

from edi837.ingest.template import PROFILE_TEMPLATE


@click.command("init")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def command(path: Path, force: bool) -> int:
    """Write a commented provider profile template to PATH."""
    if path.exists() and not force:
        raise click.ClickException(f"{path} exists; pass --force to overwrite it")
    if not path.parent.is_dir():
        raise click.ClickException(f"the folder of {path} does not exist")
    tmp = path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        tmp.write_text(PROFILE_TEMPLATE, encoding="utf-8")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    click.echo(
        f"wrote {path}: fill in every value marked REPLACE, then run `edi837 build` with --profile {path}"
    )
    return 0
