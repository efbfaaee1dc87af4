"""One module per CLI command. Each is thin: parse options, call one service, render, exit code.

A module here exposes ``command`` (a click command) and is picked up by :func:`registered`, so
adding a command touches no shared file. Heavy imports (pyx12, lxml) go inside the functions to
keep ``edi837 --help`` fast.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator

import click


def names() -> list[str]:
    """Every command's name, without importing any: a command's module is named as it is."""
    return sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))


def load(name: str) -> click.Command:
    """The command ``name`` (one of :func:`names`), its module imported now."""
    command: click.Command = importlib.import_module(f"{__name__}.{name}").command
    return command


def registered() -> Iterator[click.Command]:
    for name in names():
        yield load(name)
