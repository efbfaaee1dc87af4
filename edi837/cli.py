"""The ``edi837`` command line. Commands live in :mod:`edi837.commands`, one module each."""

from __future__ import annotations

import os
import sqlite3
import sys
import traceback

import click

from edi837 import __version__, phi
from edi837.errors import EdiError


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="edi837")
@click.option(
    "--show-phi",
    is_flag=True,
    envvar="EDI837_SHOW_PHI",
    help="Show member names, IDs and birth dates in messages (masked by default).",
)
def cli(show_phi: bool) -> None:
    """Build HIPAA 5010 837P claim files from service records, validate them, check the payer's
    billing rules, and reconcile 835 remittances against what was sent."""
    phi.set_show(show_phi)


def _show_phi(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value:
        phi.set_show(True)


def _register() -> None:
    """Add every command, each also taking the global options where people type them
    (``edi837 remit --show-phi FILE`` as well as ``edi837 --show-phi remit FILE``)."""
    from edi837.commands import registered

    for command in registered():
        if not any(p.name == "show_phi" for p in command.params):
            command.params.append(
                click.Option(
                    ["--show-phi"],
                    is_flag=True,
                    expose_value=False,
                    is_eager=True,
                    callback=_show_phi,
                    help="Show member names, IDs and birth dates in messages (masked by default).",
                )
            )
        cli.add_command(command)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return the exit code (0 ok, 1 problems found, 2 unreadable input)."""
    _register()
    try:
        result = cli.main(args=argv, prog_name="edi837", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        return 130
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except EdiError as exc:
        click.echo(f"error: {exc}", err=True)
        return exc.exit_code
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        return 130
    except sqlite3.DatabaseError as exc:  # the ledger is damaged, or a table is missing
        click.echo(
            f"error: the ledger cannot be read ({exc}); it may be damaged or from another "
            "program\n  hint: restore the ledger from a backup",
            err=True,
        )
        return 2
    except Exception as exc:  # a bug in edi837: say so plainly, keep PHI out of the output
        click.echo(f"internal error: {type(exc).__name__} (this is a bug in edi837)", err=True)
        if os.environ.get("EDI837_DEBUG"):
            traceback.print_exc()
        else:
            click.echo("  set EDI837_DEBUG=1 to see the traceback", err=True)
        return 3
    return result if isinstance(result, int) else 0


if __name__ == "__main__":
    sys.exit(main())
