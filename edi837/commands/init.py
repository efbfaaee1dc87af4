"""``edi837 init [PATH] [--tars PATH]``: write a commented provider profile template, a
commented TAR list template, or both."""

from __future__ import annotations

import os
from pathlib import Path

import click

from edi837.ingest.template import PROFILE_TEMPLATE, TARS_TEMPLATE
from edi837.outputs import guard, write_file


def _refuse(path: Path, force: bool, option: str) -> None:
    """The one output guard (no links, devices or missing folders), and no silent overwrite."""
    guard(path, option=option)
    if path.exists() and not force:
        raise click.ClickException(f"{path} exists; pass --force to overwrite it")


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
    if path is not None and tars is not None and os.path.realpath(path) == os.path.realpath(tars):
        raise click.UsageError("PATH and --tars name the same file: give each its own")
    targets = [
        (target, text, option)
        for target, text, option in (
            (path, PROFILE_TEMPLATE, "PATH"),
            (tars, TARS_TEMPLATE, "--tars"),
        )
        if target is not None
    ]
    for target, _, option in targets:
        _refuse(target, force, option)  # both checked before either is written
    for target, text, _ in targets:
        # whole or not at all, 0600: a filled TAR list holds member IDs
        write_file(target, text.encode("utf-8"))
    if path is not None:
        click.echo(
            f"wrote {path}: fill in every value marked REPLACE, then run `edi837 build` with --profile {path}"
        )
    if tars is not None:
        click.echo(
            f"wrote {tars}: replace the example row with your approved TARs, then pass --tars {tars}"
        )
    return 0
