"""The ``edi837`` command line. Commands live in :mod:`edi837.commands`, one module each.

Every command exits with a code from the one table in :class:`edi837.errors.ExitCode` (shown at
the end of each ``--help`` and in the README): problems in the data are exit 1, an input that
cannot be used or an operation refused exit 2, a wrong command line exit 64.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

import click

from edi837 import __version__, phi, progress
from edi837.commands._inputs import UnreadableInput
from edi837.errors import EdiError, ExitCode, exit_code_table

SHOW_PHI_HELP = "Show member names, IDs and birth dates in messages (masked by default)."
QUIET_HELP = "No progress display on standard error (it only ever shows at a terminal)."


class _Commands(click.Group):
    """The commands, each imported only when it is named: ``edi837 remit`` imports remit's
    module and not the ten others (importing every command was most of a small run's start-up).
    ``--help`` lists them all, and so imports them all."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        from edi837.commands import names

        return names()

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = self.commands.get(cmd_name)
        if command is None:
            from edi837.commands import load, names

            if cmd_name not in names():
                return None
            command = _prepared(load(cmd_name))
            self.add_command(command)
        return command


@click.group(
    cls=_Commands,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog=exit_code_table(),
)
@click.version_option(__version__, prog_name="edi837")
@click.option("--show-phi", is_flag=True, envvar="EDI837_SHOW_PHI", help=SHOW_PHI_HELP)
@click.option("--quiet", "-q", is_flag=True, help=QUIET_HELP)
def cli(show_phi: bool, quiet: bool) -> None:
    """Build HIPAA 5010 837P claim files from service records, validate them, check the payer's
    billing rules, and reconcile 835 remittances against what was sent."""
    phi.set_show(show_phi)
    _progress(not quiet)


def _progress(wanted: bool) -> None:
    """The display goes to standard error, and only to a terminal: never into a pipe or a log."""
    stream = sys.stderr
    if wanted and stream is not None and stream.isatty():
        progress.show_on(stream)
    else:
        progress.show_off()


def _show_phi(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value:
        phi.set_show(True)


def _quiet(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value:
        progress.show_off()


# the global options every command also takes, where people type them
# (``edi837 remit --show-phi FILE`` as well as ``edi837 --show-phi remit FILE``)
GLOBAL_OPTIONS: tuple[tuple[str, tuple[str, ...], str, Callable[..., None]], ...] = (
    ("show_phi", ("--show-phi",), SHOW_PHI_HELP, _show_phi),
    ("quiet", ("--quiet", "-q"), QUIET_HELP, _quiet),
)


def _prepared(command: click.Command) -> click.Command:
    """``command`` taking the global options and ending its help with the exit codes."""
    for name, decls, help_text, callback in GLOBAL_OPTIONS:
        if not any(p.name == name for p in command.params):
            command.params.append(
                click.Option(
                    list(decls),
                    is_flag=True,
                    expose_value=False,
                    is_eager=True,
                    callback=callback,
                    help=help_text,
                )
            )
    table = exit_code_table()
    if table not in (command.epilog or ""):
        command.epilog = f"{command.epilog}\n\n{table}" if command.epilog else table
    return command


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return its exit code (:class:`edi837.errors.ExitCode`)."""
    try:
        result = cli.main(args=argv, prog_name="edi837", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        return ExitCode.INTERRUPTED
    except UnreadableInput as exc:  # a named input that is not there: unusable, not misused
        exc.show()
        return ExitCode.UNUSABLE
    except click.UsageError as exc:
        exc.show()
        return ExitCode.USAGE
    except click.ClickException as exc:
        exc.show()
        return ExitCode.UNUSABLE
    except EdiError as exc:
        click.echo(f"error: {exc}", err=True)
        return exc.exit_code
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        return ExitCode.INTERRUPTED
    except Exception as exc:
        if _ledger_error(exc):  # the ledger is damaged, or a table is missing
            click.echo(
                f"error: the ledger cannot be read ({exc}); it may be damaged or from another "
                "program\n  hint: restore the ledger from a backup",
                err=True,
            )
            return ExitCode.UNUSABLE
        # a bug in edi837: say so plainly, keep PHI out of the output
        click.echo(f"internal error: {type(exc).__name__} (this is a bug in edi837)", err=True)
        if os.environ.get("EDI837_DEBUG"):
            import traceback

            traceback.print_exc()
        else:
            click.echo("  set EDI837_DEBUG=1 to see the traceback", err=True)
        return ExitCode.INTERNAL
    finally:
        progress.show_off()
    return result if isinstance(result, int) else ExitCode.OK


def _ledger_error(exc: Exception) -> bool:
    """Whether ``exc`` is sqlite3's DatabaseError. sqlite3 is not imported to ask: a command that
    opens no ledger (remit, validate) never imports it, and loading it was a tenth of their
    start-up; an error of sqlite3 can only come once something imported it."""
    sqlite3 = sys.modules.get("sqlite3")
    return sqlite3 is not None and isinstance(exc, sqlite3.DatabaseError)


if __name__ == "__main__":
    sys.exit(main())
