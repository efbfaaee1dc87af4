"""``edi837 init [PATH] [--tars PATH]``: write a commented provider profile template, a
commented TAR list template, or both."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from edi837.commands._inputs import is_dash
from edi837.errors import RefusedError
from edi837.ingest.template import PROFILE_TEMPLATE, TARS_TEMPLATE
from edi837.outputs import guard, write_file


def _refuse(path: Path, force: bool, option: str) -> None:
    """The one output guard (no links, devices or missing folders), and no silent overwrite."""
    guard(path, option=option)
    if path.exists() and not force:
        raise RefusedError(
            f"{path} exists; nothing was written", hint="pass --force to overwrite it"
        )


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
    """Write a commented provider profile template to PATH (- writes it to standard output),
    and with --tars a TAR list template. Fill in every value marked REPLACE: edi837 refuses a
    file that still holds one.

    \b
    Example, once, when setting up a provider:
      edi837 init profile.toml --tars tars.csv
      edi837 init - | less        # read the template first
    """
    if path is None and tars is None:
        raise click.UsageError("give the profile PATH to write, or --tars PATH, or both")
    if is_dash(path) and is_dash(tars):
        raise click.UsageError("PATH and --tars cannot both be - (standard output)")
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
        if not is_dash(target):
            _refuse(target, force, option)  # both checked before either is written
    for target, text, _ in targets:
        if is_dash(target):
            sys.stdout.write(text)
            sys.stdout.flush()
        else:
            # whole or not at all, 0600: a filled TAR list holds member IDs
            write_file(target, text.encode("utf-8"))
    # what to do next: a note for the person, on standard error (stdout may be the template)
    if path is not None and not is_dash(path):
        click.echo(
            f"wrote {path}: fill in every value marked REPLACE, then run `edi837 build` with "
            f"--profile {path}",
            err=True,
        )
    if tars is not None and not is_dash(tars):
        click.echo(
            f"wrote {tars}: replace the example row with your approved TARs, then pass --tars {tars}",
            err=True,
        )
    return 0
